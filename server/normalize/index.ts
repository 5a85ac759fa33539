// The normalizer pipeline: rough MidiDoc → per-bar features → model displacements → one edit class per bar
// (editsFromDisplacements) → decoded, snapped MidiDoc.
// `normalizeFile` is the plain async function the CLI and the language server call.

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { MidiDoc } from '../midi/model';
import type { NormalizeEdit } from '../protocol/normalize';
import { readMidiFile } from '../midi/read';
import { writeMidiFile } from '../midi/write';
import { TimeMap } from '../midi/timeMap';
import { decodeEdits, editGrid, type AppliedEdit, type Decoded } from './decode';
import { barFeatures } from './features';
import { loadNormalizer, predictBars } from './model';
import { DEFAULT_SNAP, type SnapOptions } from './snap';
import { binDisplacement, editsFromDisplacements } from './editSpace';

export type NormalizeMethod = 'model' | 'snap';

export interface NormalizeDocOptions {
  method: NormalizeMethod;
  /** For method 'model'. */
  modelPath?: string;
  /** Snap after the edits (default DEFAULT_SNAP); null turns snapping off. */
  snap?: SnapOptions | null;
  /** Median filter over predicted displacements, in bars (odd; 1 = none). Default DEFAULT_MEDIAN_BARS. */
  medianBars?: number;
}

/**
 * Displacement is constant between drifts, so a one-bar blip in the prediction is an error that would
 * cost two edits (out and back); a running median removes it. Chosen on the val split.
 */
export const DEFAULT_MEDIAN_BARS = 7;

/** Running median over a window of `width` bars (odd; edges use the bars that exist). Pure. */
export function medianFilter(x: Float64Array, width: number): Float64Array {
  const h = Math.floor(Math.max(1, width) / 2);
  if (h === 0) return x;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const w = Array.from(x.subarray(Math.max(0, i - h), Math.min(x.length, i + h + 1))).sort((a, b) => a - b);
    out[i] = w[Math.floor((w.length - 1) / 2)]!;
  }
  return out;
}

/** Normalizes a document in memory (no I/O besides loading the model). */
export async function normalizeDoc(doc: MidiDoc, opts: NormalizeDocOptions): Promise<Decoded> {
  const grid = editGrid(doc);
  const bars = grid.startTick.length;
  let classes: Int32Array = new Int32Array(bars);
  let confidence: Float32Array | undefined = undefined;
  if (opts.method === 'model') {
    if (!opts.modelPath) throw new RangeError('normalizeDoc: method "model" needs modelPath');
    const model = await loadNormalizer(opts.modelPath);
    const p = await predictBars(model, barFeatures(doc, grid), bars);
    classes = editsFromDisplacements(medianFilter(Float64Array.from(p.classes, binDisplacement), opts.medianBars ?? DEFAULT_MEDIAN_BARS));
    confidence = p.confidence;
  }
  const snap = opts.snap === null ? undefined : (opts.snap ?? DEFAULT_SNAP);
  return decodeEdits(doc, classes, { ...(confidence ? { confidence } : {}), ...(snap ? { snap } : {}) });
}

/** One reported edit: 1-based bar, the bar's span in the output file's seconds (the protocol's shape). */
export type ReportedEdit = NormalizeEdit;

export interface NormalizeFileParams {
  input: string;
  output: string;
  overwrite?: boolean;
  method?: NormalizeMethod;
  modelPath?: string;
  snap?: boolean;
}

export interface NormalizeFileResult {
  input: string;
  output: string;
  method: NormalizeMethod;
  edits: ReportedEdit[];
  notes_in: number;
  notes_out: number;
  bars: number;
  warnings: string[];
}

export class NormalizeError extends Error {
  constructor(
    message: string,
    readonly kind: 'input' | 'output' | 'usage',
  ) {
    super(message);
    this.name = 'NormalizeError';
  }
}

/** Reads, normalizes and writes (atomically, never over the input, never over a file without `overwrite`). */
export async function normalizeFile(p: NormalizeFileParams): Promise<NormalizeFileResult> {
  if (sameFile(p.input, p.output)) throw new NormalizeError(`normalize: refusing to write the output over the input ${p.input}`, 'output');
  if (existsSync(p.output) && !p.overwrite) throw new NormalizeError(`normalize: ${p.output} already exists (pass --force to replace it)`, 'output');
  const method = p.method ?? 'model';
  if (method === 'model' && !p.modelPath) throw new NormalizeError('normalize: no normalizer model (pass --model <file.onnx> or --method snap)', 'usage');
  const doc = readMidiFile(p.input);
  if (doc.notes.length === 0) throw new NormalizeError(`${p.input}: the file has no notes to normalize`, 'input');
  let decoded: Decoded;
  try {
    decoded = await normalizeDoc(doc, { method, ...(p.modelPath ? { modelPath: p.modelPath } : {}), snap: p.snap === false ? null : DEFAULT_SNAP });
  } catch (e) {
    if (e instanceof Error && e.name === 'TooManyBarsError') throw new NormalizeError(`${p.input}: ${e.message}`, 'input');
    throw e;
  }
  writeMidiFile(p.output, decoded.doc, { overwrite: !!p.overwrite });
  return {
    input: p.input,
    output: p.output,
    method,
    edits: reportEdits(decoded),
    notes_in: doc.notes.length,
    notes_out: decoded.doc.notes.length,
    bars: decoded.grid.startTick.length,
    warnings: doc.warnings.map((w) => w.message),
  };
}

/** The edits as reported to users: 1-based bars, seconds on the output's tempo map. */
export function reportEdits(d: Decoded): ReportedEdit[] {
  const tm = new TimeMap(d.doc.ppq, d.doc.tempos);
  return d.edits.map((e: AppliedEdit) => {
    const start = d.grid.startTick[e.bar]!;
    const len = d.grid.lengthTicks[e.bar]!;
    return {
      bar: e.bar + 1,
      kind: e.kind,
      amount_beats: e.amountBeats,
      confidence: Math.round(e.confidence * 1e4) / 1e4,
      bar_start_sec: tm.tickToSec(start),
      bar_end_sec: tm.tickToSec(start + len),
    };
  });
}

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
