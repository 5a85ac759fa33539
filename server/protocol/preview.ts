// Protocol for the piano-roll preview: read a MIDI into columnar arrays for drawing, humanize it with
// style sliders and a strength, and save `<name>.humanized.mid` beside the original.
// client → server requests only; the server answers with plain data (number arrays, never typed
// arrays: LSP messages are JSON). Validators return a message naming the first problem, or null.

import { asRecord, isNonEmptyString } from './check';

/** The five style descriptors, in the model's order (a unit test keeps this equal to server/features/style.ts). */
export const PREVIEW_STYLE_NAMES = ['rubato', 'dynamics', 'articulation', 'pedal', 'tempo'] as const;
export type PreviewStyleName = (typeof PREVIEW_STYLE_NAMES)[number];
export type PreviewStyle = Record<PreviewStyleName, number>;

/** `auto`: the bundled model when installed, else the rules. */
export type PreviewMethod = 'auto' | 'model' | 'rules';
export const PREVIEW_METHODS: readonly PreviewMethod[] = ['auto', 'model', 'rules'];

/**
 * Where the MIDI comes from. `path` always names it (errors, the save location); when `bytesBase64`
 * is given (the custom editor's document owns the bytes) the server parses those and never reads `path`.
 */
export interface MidiSource {
  path: string;
  bytesBase64?: string;
}

/** Biggest MIDI the preview accepts (the reader's own cap is the same order). */
export const MAX_PREVIEW_BYTES = 64 * 1024 * 1024;

// ---- drawing data (columnar: index i of every array is one note / interval / point)

export interface RollNotes {
  pitch: number[];
  onsetSec: number[];
  offsetSec: number[];
  /** 1..127 */
  velocity: number[];
  track: number[];
  channel: number[];
  /** Per note 0..1 from the model's predicted variance (humanized take by the model only). */
  confidence?: number[];
}

/** Sustain-pedal (CC64 >= 64) down intervals. */
export interface RollPedal {
  startSec: number[];
  endSec: number[];
}

/** A step curve: `bpm[i]` (quarter notes per minute) holds from `sec[i]` until `sec[i+1]` (or the end). */
export interface RollTempo {
  sec: number[];
  bpm: number[];
}

/** Bar and beat lines in seconds on this take's own time axis. `barNumber` is 1-based (a pickup is bar 0). */
export interface RollGrid {
  barSec: number[];
  barNumber: number[];
  beatSec: number[];
}

/** One take (the score "A" or a humanized "B"): everything a piano roll draws for it. */
export interface RollTake {
  notes: RollNotes;
  pedal: RollPedal;
  tempo: RollTempo;
  grid: RollGrid;
  durationSec: number;
}

/** One style slider: range and default, with the descriptor's meaning for the tooltip. */
export interface StyleSliderSpec {
  name: PreviewStyleName;
  label: string;
  min: number;
  max: number;
  step: number;
  doc: string;
}

// ---- requests

/** client → server: read a MIDI for the piano roll. */
export const PreviewLoadRequest = { method: 'rubato/preview/load' } as const;
export interface PreviewLoadParams {
  source: MidiSource;
}
export interface PreviewLoadResult {
  fileName: string;
  score: RollTake;
  /** Default slider values: the bundled model's training-data style when it has one, else the rules' defaults. */
  defaultStyle: PreviewStyle;
  sliders: StyleSliderSpec[];
  modelAvailable: boolean;
  /** Whether the bundled normalizer is installed (what `normalize: true` needs). */
  normalizerAvailable: boolean;
  /** Reader warnings (tolerated problems), one sentence each. */
  warnings: string[];
}

/** client → server: humanize for preview (nothing written). Deterministic for the same params. */
export const PreviewHumanizeRequest = { method: 'rubato/preview/humanize' } as const;
export interface PreviewHumanizeParams {
  source: MidiSource;
  style: PreviewStyle;
  /** 0 = deadpan score, 1 = full expression. */
  strength: number;
  method: PreviewMethod;
  /**
   * Normalize in memory with the bundled normalizer first (issue 7): B is humanize(normalize(file));
   * the score A and the file on disk stay as they are. Default false.
   */
  normalize?: boolean;
}

/**
 * One normalizer edit drawn over the roll: its bar on both time axes, because A (the file as it is)
 * and B (humanize(normalize(file))) have their own seconds. startSec/endSec are on A's axis, the
 * axis the grid follows in the A and A+B modes; takeStartSec/takeEndSec are on B's. A PreviewMark is
 * a valid piano-roll RollMark (the A-axis fields).
 */
export interface PreviewMark {
  startSec: number;
  endSec: number;
  takeStartSec: number;
  takeEndSec: number;
  /** e.g. "bar 12: −0.5 beats (87%)". */
  label: string;
  kind: 'add' | 'subtract';
}

export interface PreviewHumanizeResult {
  take: RollTake;
  /** The normalizer's edits when `normalize` was on (empty when it changed nothing); absent otherwise. */
  marks?: PreviewMark[];
  /** The method that actually ran (`auto` resolved). */
  method: 'model' | 'rules';
  /** Execution provider of the model ('cpu', 'cuda', …), null for rules. */
  provider: string | null;
  warnings: string[];
}

/**
 * client → server: humanize with these settings and write `<name>.humanized.mid` beside the source
 * (or `output`). Never writes over the source; an existing output is only replaced when `overwrite`
 * is true — otherwise the answer is `{status:'exists'}` so the client can ask the user and retry.
 */
export const PreviewSaveRequest = { method: 'rubato/preview/save' } as const;
export interface PreviewSaveParams extends PreviewHumanizeParams {
  /** Absolute path; default `<dir>/<name>.humanized.mid` beside `source.path`. */
  output?: string;
  overwrite?: boolean;
}
export type PreviewSaveResult =
  | { status: 'written'; output: string; notes: number; method: 'model' | 'rules'; /** Normalizer edits made first (with `normalize`). */ edits?: number }
  | { status: 'exists'; output: string };

// ---- validators

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function checkMidiSource(x: unknown): string | null {
  const s = asRecord(x);
  if (!s) return 'source must be an object';
  if (!isNonEmptyString(s.path)) return 'source.path must be a non-empty string';
  if (s.bytesBase64 !== undefined) {
    if (typeof s.bytesBase64 !== 'string') return 'source.bytesBase64 must be a string';
    if (s.bytesBase64.length % 4 !== 0 || !BASE64.test(s.bytesBase64)) return 'source.bytesBase64 is not base64';
    if ((s.bytesBase64.length / 4) * 3 > MAX_PREVIEW_BYTES) return `source.bytesBase64 exceeds ${MAX_PREVIEW_BYTES} bytes`;
  }
  return null;
}

/** Every style key present and finite (ranges are the model's business: out-of-range values are allowed). */
export function checkPreviewStyle(x: unknown, what = 'style'): string | null {
  const s = asRecord(x);
  if (!s) return `${what} must be an object`;
  for (const k of PREVIEW_STYLE_NAMES) {
    if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) return `${what}.${k} must be a finite number`;
  }
  const extra = Object.keys(s).find((k) => !(PREVIEW_STYLE_NAMES as readonly string[]).includes(k));
  if (extra !== undefined) return `${what} has an unknown key ${JSON.stringify(extra)} (known: ${PREVIEW_STYLE_NAMES.join(', ')})`;
  return null;
}

export function checkStrength(x: unknown): string | null {
  return typeof x === 'number' && x >= 0 && x <= 1 ? null : `strength must be a number from 0 to 1, got ${JSON.stringify(x)}`;
}

export function checkPreviewLoadParams(x: unknown): string | null {
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  return checkMidiSource(p.source);
}

export function checkPreviewHumanizeParams(x: unknown): string | null {
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  return (
    checkMidiSource(p.source) ??
    checkPreviewStyle(p.style) ??
    checkStrength(p.strength) ??
    (PREVIEW_METHODS.includes(p.method as PreviewMethod) ? null : `method must be one of ${PREVIEW_METHODS.join(', ')}, got ${JSON.stringify(p.method)}`) ??
    checkNormalizeFlag(p.normalize)
  );
}

export function checkNormalizeFlag(x: unknown): string | null {
  return x === undefined || typeof x === 'boolean' ? null : `normalize must be a boolean, got ${JSON.stringify(x)}`;
}

export function checkPreviewSaveParams(x: unknown): string | null {
  const bad = checkPreviewHumanizeParams(x);
  if (bad) return bad;
  const p = x as Record<string, unknown>;
  if (p.output !== undefined && !isNonEmptyString(p.output)) return 'output must be a non-empty path';
  if (p.overwrite !== undefined && typeof p.overwrite !== 'boolean') return 'overwrite must be a boolean';
  return null;
}

// ---- shape checks for data crossing into the webview (the view validates what it is sent)

const isNumArray = (v: unknown, n?: number): v is number[] =>
  Array.isArray(v) && (n === undefined || v.length === n) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Checks a take's arrays: present, finite, equal lengths per table. */
export function checkRollTake(x: unknown, what = 'take'): string | null {
  const t = asRecord(x);
  if (!t) return `${what} must be an object`;
  const notes = asRecord(t.notes);
  if (!notes) return `${what}.notes must be an object`;
  if (!isNumArray(notes.pitch)) return `${what}.notes.pitch must be an array of finite numbers`;
  const n = notes.pitch.length;
  for (const k of ['onsetSec', 'offsetSec', 'velocity', 'track', 'channel'] as const) {
    if (!isNumArray(notes[k], n)) return `${what}.notes.${k} must be ${n} finite numbers`;
  }
  if (notes.confidence !== undefined && !isNumArray(notes.confidence, n)) return `${what}.notes.confidence must be ${n} finite numbers`;
  const pedal = asRecord(t.pedal);
  if (!pedal || !isNumArray(pedal.startSec) || !isNumArray(pedal.endSec, pedal.startSec.length)) return `${what}.pedal must hold startSec and endSec of equal length`;
  const tempo = asRecord(t.tempo);
  if (!tempo || !isNumArray(tempo.sec) || !isNumArray(tempo.bpm, tempo.sec.length)) return `${what}.tempo must hold sec and bpm of equal length`;
  if (!tempo.bpm.every((b) => b > 0)) return `${what}.tempo.bpm must be positive`;
  const grid = asRecord(t.grid);
  if (!grid || !isNumArray(grid.barSec) || !isNumArray(grid.barNumber, grid.barSec.length) || !isNumArray(grid.beatSec)) return `${what}.grid must hold barSec, barNumber (equal length) and beatSec`;
  if (typeof t.durationSec !== 'number' || !(t.durationSec >= 0)) return `${what}.durationSec must be a non-negative number`;
  return null;
}

/** Normalizer marks as sent with a humanized take: finite spans on both axes, start <= end. */
export function checkPreviewMarks(x: unknown, what = 'marks'): string | null {
  if (!Array.isArray(x)) return `${what} must be an array`;
  for (const [i, m0] of x.entries()) {
    const m = asRecord(m0);
    if (!m) return `${what}[${i}] must be an object`;
    if (!isNumArray([m.startSec, m.endSec, m.takeStartSec, m.takeEndSec])) return `${what}[${i}] needs finite startSec, endSec, takeStartSec, takeEndSec`;
    if ((m.endSec as number) < (m.startSec as number) || (m.takeEndSec as number) < (m.takeStartSec as number)) return `${what}[${i}] ends before it starts`;
    if (typeof m.label !== 'string') return `${what}[${i}].label must be a string`;
    if (m.kind !== 'add' && m.kind !== 'subtract') return `${what}[${i}].kind must be "add" or "subtract"`;
  }
  return null;
}

export function checkStyleSliders(x: unknown): string | null {
  if (!Array.isArray(x)) return 'sliders must be an array';
  for (const [i, s0] of x.entries()) {
    const s = asRecord(s0);
    if (!s) return `sliders[${i}] must be an object`;
    if (!(PREVIEW_STYLE_NAMES as readonly unknown[]).includes(s.name)) return `sliders[${i}].name must be a style name`;
    if (typeof s.label !== 'string' || typeof s.doc !== 'string') return `sliders[${i}] needs label and doc strings`;
    if (!isNumArray([s.min, s.max, s.step]) || !((s.min as number) < (s.max as number)) || !((s.step as number) > 0)) return `sliders[${i}] needs min < max and step > 0`;
  }
  return null;
}
