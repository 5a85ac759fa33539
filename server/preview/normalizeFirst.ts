// "Normalize before humanizing" (issue 7): the bundled normalizer cleans a rough score in memory, the
// humanizer then plays the cleaned one. The file on disk is never changed. The normalized score is
// cached per parsed document, so moving a slider re-humanizes without re-running the normalizer.

import type { Humanized } from '../humanize';
import type { MidiDoc } from '../midi/model';
import { TimeMap } from '../midi/timeMap';
import { bundledModelPath } from '../models/bundled';
import { normalizeDoc, reportEdits, type ReportedEdit } from '../normalize/index';
import { DEFAULT_SNAP } from '../normalize/snap';
import type { PreviewMark } from '../protocol/preview';
import { PreviewError } from './humanizePreview';
import { performedSecOf } from './humanizedTake';

export interface NormalizedScore {
  /** The cleaned score: the input's notes one for one, same pitches, new times. */
  doc: MidiDoc;
  /** The CLI's shape: 1-based bar, seconds on the cleaned score's axis. */
  edits: ReportedEdit[];
  /** Each edited bar's span on the input's own (unnormalized) time axis, in edit order. */
  inputSpans: { startSec: number; endSec: number }[];
}

/** The normalizer the preview and `humanize --normalize` use: `RUBATO_NORMALIZER_MODEL` (tests), else the bundled one. */
export function normalizerModelPath(): string | undefined {
  const env = process.env.RUBATO_NORMALIZER_MODEL;
  if (env !== undefined) return env === '' ? undefined : env;
  return bundledModelPath('normalizer');
}

/** Normalizes `doc` in memory with the model (then the default snap); errors name the file. */
export async function normalizeInMemory(doc: MidiDoc, modelPath = normalizerModelPath()): Promise<NormalizedScore> {
  if (!modelPath) throw new PreviewError('no normalizer model is installed (models/normalizer.onnx); humanize without normalizing first');
  if (doc.notes.length === 0) throw new PreviewError(`${doc.source}: the file has no notes to normalize`);
  try {
    const d = await normalizeDoc(doc, { method: 'model', modelPath, snap: DEFAULT_SNAP });
    const tm = new TimeMap(doc.ppq, doc.tempos);
    const inputSpans = d.edits.map((e) => {
      const start = d.grid.startTick[e.bar]!;
      return { startSec: tm.tickToSec(start), endSec: tm.tickToSec(start + d.grid.lengthTicks[e.bar]!) };
    });
    return { doc: d.doc, edits: reportEdits(d), inputSpans };
  } catch (e) {
    if (e instanceof Error && e.name === 'TooManyBarsError') throw new PreviewError(`${doc.source}: ${e.message}`);
    throw e;
  }
}

// Keyed by the parsed document (server/preview/source.ts hands out the same object while it caches the
// file), then by model: the entry goes when the document does. The promise is cached so concurrent
// slider requests share one normalizer run; a failed run is forgotten so a retry runs again.
const cache = new WeakMap<MidiDoc, Map<string, Promise<NormalizedScore>>>();

export function normalizedFor(doc: MidiDoc, modelPath = normalizerModelPath()): Promise<NormalizedScore> {
  if (!modelPath) return normalizeInMemory(doc, modelPath);
  let byModel = cache.get(doc);
  if (!byModel) cache.set(doc, (byModel = new Map()));
  const hit = byModel.get(modelPath);
  if (hit) return hit;
  const run = normalizeInMemory(doc, modelPath);
  byModel.set(modelPath, run);
  run.catch(() => byModel.delete(modelPath));
  return run;
}

/**
 * The edits as marks on both time axes: A is the input file (its own seconds), B the humanized take of
 * the normalized score (the bar's span on the normalized score, carried through the take's
 * score→performed map, the same map its bar lines use).
 */
export function marksFor(n: NormalizedScore, h: Humanized): PreviewMark[] {
  const toTake = performedSecOf(h);
  return n.edits.map((e, i) => {
    const a = n.inputSpans[i]!;
    const t0 = toTake(e.bar_start_sec);
    const t1 = toTake(e.bar_end_sec);
    return {
      startSec: a.startSec,
      endSec: Math.max(a.startSec, a.endSec),
      takeStartSec: t0,
      takeEndSec: Math.max(t0, t1),
      label: editLabel(e),
      kind: e.kind,
    };
  });
}

/** Like the "Normalize MIDI…" marks (client/pianoRoll/normalizeMarks.ts), amounts to 3 decimals (1/6 beat is 0.167). */
export function editLabel(e: ReportedEdit): string {
  const beats = Number(e.amount_beats.toFixed(3));
  return `bar ${e.bar}: ${e.kind === 'add' ? '+' : '−'}${beats} beat${beats === 1 ? '' : 's'} (${Math.round(e.confidence * 100)}%)`;
}
