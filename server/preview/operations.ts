// The three preview operations as plain async functions over validated params (the LSP wiring is in lsp.ts;
// tests call these directly).

import { existsSync } from 'node:fs';
import type { Style } from '../features/style';
import type { PreviewHumanizeParams, PreviewMark, PreviewHumanizeResult, PreviewLoadParams, PreviewLoadResult, PreviewSaveParams, PreviewSaveResult } from '../protocol/preview';
import type { MidiDoc } from '../midi/model';
import { defaultPreviewStyle, humanizePreview, previewModelPath, type PreviewHumanized } from './humanizePreview';
import { marksFor, normalizedFor, normalizerModelPath } from './normalizeFirst';
import { resolveOutput, savePerformance } from './save';
import { scoreTake } from './scoreTake';
import { STYLE_SLIDERS } from './sliders';
import { displayName, readSource } from './source';

export async function loadPreview(p: PreviewLoadParams): Promise<PreviewLoadResult> {
  const doc = readSource(p.source);
  const modelPath = previewModelPath();
  return {
    fileName: displayName(p.source),
    score: scoreTake(doc),
    defaultStyle: await defaultPreviewStyle(modelPath),
    sliders: STYLE_SLIDERS,
    modelAvailable: modelPath !== undefined,
    normalizerAvailable: normalizerModelPath() !== undefined,
    warnings: doc.warnings.map((w) => w.message),
  };
}

export async function previewHumanize(p: PreviewHumanizeParams): Promise<PreviewHumanizeResult> {
  const doc = readSource(p.source);
  const r = await humanizeMaybeNormalized(doc, p);
  return { take: r.take, ...(r.marks ? { marks: r.marks } : {}), method: r.method, provider: r.provider, warnings: doc.warnings.map((w) => w.message) };
}

/** B = humanize(file), or humanize(normalize(file)) with the edits as marks; the normalized score is cached per file. */
async function humanizeMaybeNormalized(doc: MidiDoc, p: PreviewHumanizeParams): Promise<PreviewHumanized & { marks?: PreviewMark[]; edits?: number }> {
  if (p.normalize !== true) return humanizePreview(doc, p.style as Style, p.strength, p.method);
  const n = await normalizedFor(doc);
  const r = await humanizePreview(n.doc, p.style as Style, p.strength, p.method);
  return { ...r, marks: marksFor(n, r.humanized), edits: n.edits.length };
}

export async function previewSave(p: PreviewSaveParams): Promise<PreviewSaveResult> {
  const output = resolveOutput(p.source.path, p.output);
  // Answer "exists" before any model work: the client asks the user and comes back with overwrite.
  if (p.overwrite !== true && existsSync(output)) return { status: 'exists', output };
  const doc = readSource(p.source);
  const r = await humanizeMaybeNormalized(doc, p);
  const saved = savePerformance(output, r.humanized.performance, p.overwrite === true, r.method);
  return saved.status === 'written' && r.edits !== undefined ? { ...saved, edits: r.edits } : saved;
}
