// JSON-lines metrics → MetricRow: one record (a parsed JSON object) becomes one row, nested objects
// flattened with '/'. Pure decoding: no I/O, no state (the caller tails the file and keeps offsets).
//
// Decisions (documented in README "Hosting your own training script"):
// - The step is the first of `stepKey` or `step`, `iter`, `global_step`, `iteration` that holds a
//   finite number; a record without one is no row (`undefined`, or `skipped` from parseJsonLine).
//   We do not invent a running counter: the row would then depend on every line before it, so a
//   tail resumed from a byte offset would number rows differently than a read from the start.
// - wallTime is the first of `timeKey` or `wall_time`, `time`, `elapsed` that is a finite number.
//   Step and time keys are not repeated in `values`.
// - Numbers become values; null and non-finite numbers become null (the point is there, undefined);
//   booleans become 1 / 0 (so `sanity/passed` draws as a pass/fail curve); strings and arrays are
//   ignored (not scalar series: our trainer's `sanity.failures` is a list of names).
// - Python's json.dumps writes bare NaN / Infinity / -Infinity, which JSON.parse rejects: such a
//   line is re-read with those tokens (outside strings) read as null.

import type { MetricRow } from '../protocol/runs';

export interface JsonRowOptions {
  /** Flattened name of the step field (e.g. `trainer/global_step`); tried before the defaults. */
  stepKey?: string;
  /** Flattened name of the wall-time field; tried before the defaults. */
  timeKey?: string;
}

export const DEFAULT_STEP_KEYS: readonly string[] = ['step', 'iter', 'global_step', 'iteration'];
export const DEFAULT_TIME_KEYS: readonly string[] = ['wall_time', 'time', 'elapsed'];
/** A longer line is refused rather than parsed: a metrics record is a few hundred bytes. */
export const JSON_LINE_MAX_CHARS = 1 << 20;
/** Flattening stops here: deeper objects are ignored, and a record never yields more values. */
export const JSON_MAX_DEPTH = 16;
export const JSON_MAX_VALUES = 10_000;

type Scalar = number | null;

/** `bools` collects the names that came from booleans: they are values, never a step or a time. */
function flattenInto(out: Map<string, Scalar>, bools: Set<string>, prefix: string, value: unknown, depth: number): void {
  if (out.size >= JSON_MAX_VALUES) return;
  if (typeof value === 'number') out.set(prefix, Number.isFinite(value) ? value : null);
  else if (value === null) out.set(prefix, null);
  else if (typeof value === 'boolean') {
    out.set(prefix, value ? 1 : 0);
    bools.add(prefix);
  } else if (typeof value === 'object' && !Array.isArray(value) && depth < JSON_MAX_DEPTH) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenInto(out, bools, prefix === '' ? k : `${prefix}/${k}`, v, depth + 1);
  }
  // strings, arrays, undefined and too-deep objects: not a scalar series, ignored
}

function pick(flat: Map<string, Scalar>, bools: Set<string>, preferred: string | undefined, defaults: readonly string[]): string | undefined {
  const keys = preferred !== undefined ? [preferred, ...defaults] : defaults;
  for (const k of keys) {
    const v = flat.get(k);
    if (typeof v === 'number' && !bools.has(k)) return k;
  }
  return undefined;
}

/** One JSON record → one row, or undefined when it is not an object or has no numeric step. */
export function rowFromJson(obj: unknown, opts: JsonRowOptions = {}): MetricRow | undefined {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const flat = new Map<string, Scalar>();
  const bools = new Set<string>();
  flattenInto(flat, bools, '', obj, 0);
  const stepKey = pick(flat, bools, opts.stepKey, DEFAULT_STEP_KEYS);
  if (stepKey === undefined) return undefined;
  const step = flat.get(stepKey) as number;
  const timeKey = pick(flat, bools, opts.timeKey, DEFAULT_TIME_KEYS);
  const wallTime = timeKey === undefined ? null : (flat.get(timeKey) as number);
  const values: Record<string, Scalar> = {};
  for (const [k, v] of flat) if (k !== stepKey && k !== timeKey) values[k] = v;
  return { step, wallTime, values };
}

/** Bare NaN / Infinity / -Infinity (Python's json.dumps) outside strings → null; undefined when none. */
function nullNonStandardNumbers(line: string): string | undefined {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x4e /* N */ || c === 0x49 /* I */ || c === 0x2d /* - */) {
      const token = line.startsWith('NaN', i) ? 'NaN' : line.startsWith('Infinity', i) ? 'Infinity' : line.startsWith('-Infinity', i) ? '-Infinity' : '';
      if (token === '') continue;
      out += `${line.slice(last, i)}null`;
      i += token.length - 1;
      last = i + 1;
    }
  }
  return last === 0 ? undefined : out + line.slice(last);
}

export interface JsonLineResult {
  row?: MetricRow;
  /** The line is not usable JSON (the caller names the file and line number). */
  error?: string;
  /** Valid JSON that is not a metrics record (blank, or no step): not an error. */
  skipped?: string;
}

/** One text line of a JSON-lines file → a row, an error or a skip reason. Never throws. */
export function parseJsonLine(line: string, opts: JsonRowOptions = {}): JsonLineResult {
  const text = line.trim();
  if (text === '') return { skipped: 'blank line' };
  if (text.length > JSON_LINE_MAX_CHARS) return { error: `line is ${text.length} characters, over the ${JSON_LINE_MAX_CHARS} limit for one record` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const relaxed = nullNonStandardNumbers(text);
    try {
      if (relaxed === undefined) throw err;
      parsed = JSON.parse(relaxed);
    } catch {
      return { error: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: `expected a JSON object per line, got ${Array.isArray(parsed) ? 'an array' : typeof parsed === 'object' ? 'null' : `a ${typeof parsed}`}` };
  const row = rowFromJson(parsed, opts);
  if (row === undefined) {
    const keys = opts.stepKey !== undefined ? [opts.stepKey, ...DEFAULT_STEP_KEYS] : DEFAULT_STEP_KEYS;
    return { skipped: `no numeric step (looked for ${keys.join(', ')})` };
  }
  return { row };
}
