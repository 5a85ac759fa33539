// The three preview operations as plain async functions over validated params (the LSP wiring is in lsp.ts;
// tests call these directly).

import { existsSync } from 'node:fs';
import type { Style } from '../features/style';
import type { PreviewHumanizeParams, PreviewHumanizeResult, PreviewLoadParams, PreviewLoadResult, PreviewSaveParams, PreviewSaveResult } from '../protocol/preview';
import { defaultPreviewStyle, humanizePreview, previewModelPath } from './humanizePreview';
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
    warnings: doc.warnings.map((w) => w.message),
  };
}

export async function previewHumanize(p: PreviewHumanizeParams): Promise<PreviewHumanizeResult> {
  const doc = readSource(p.source);
  const r = await humanizePreview(doc, p.style as Style, p.strength, p.method);
  return { take: r.take, method: r.method, provider: r.provider, warnings: doc.warnings.map((w) => w.message) };
}

export async function previewSave(p: PreviewSaveParams): Promise<PreviewSaveResult> {
  const output = resolveOutput(p.source.path, p.output);
  // Answer "exists" before any model work: the client asks the user and comes back with overwrite.
  if (p.overwrite !== true && existsSync(output)) return { status: 'exists', output };
  const doc = readSource(p.source);
  const r = await humanizePreview(doc, p.style as Style, p.strength, p.method);
  return savePerformance(output, r.humanized.performance, p.overwrite === true, r.method);
}
