// `rubato/normalize`: clean a rough MIDI file with the anchored-edit normalizer (client → server).
// Imports nothing from Node or VS Code: client, server and webviews all bundle it. The result's edit fields are the CLI's
// `--json` shape (snake_case), so the piano roll and the CLI describe an edit the same way.

import { isNonEmptyString } from './check';

/** client → server request: normalize a MIDI file on disk into a new file. */
export const NormalizeRequest = {
  method: 'rubato/normalize',
} as const;

export type NormalizeMethodName = 'model' | 'snap';

export interface NormalizeParams {
  /** Absolute path of the rough MIDI (never modified). */
  input: string;
  /** Absolute path of the output; must not exist unless `overwrite` is set, and never equals `input`. */
  output: string;
  /** 'model' (default): the edit model, then snap; 'snap': snap-to-grid only. */
  method?: NormalizeMethodName;
  /** Snap onsets to the grid after the edits (default true). */
  snap?: boolean;
  overwrite?: boolean;
}

/** One timing edit, anchored at a bar line. */
export interface NormalizeEdit {
  /** 1-based bar number, counted from the file's time signatures. */
  bar: number;
  /** add: the bar's content came early, time was inserted; subtract: it came late, time was removed. */
  kind: 'add' | 'subtract';
  /** Amount in quarter-note beats (one of the fixed edit amounts, 1/8 .. 2). */
  amount_beats: number;
  /** Probability the model gave the displacement it predicted at this bar, 0..1. */
  confidence: number;
  /** The bar's span in the output file, in seconds (for marking it in the piano roll). */
  bar_start_sec: number;
  bar_end_sec: number;
}

export interface NormalizeResult {
  output: string;
  edits: NormalizeEdit[];
  notes_in: number;
  notes_out: number;
  /** Bars the normalizer looked at. */
  bars: number;
  warnings: string[];
}

/** Validates untrusted params; returns a message naming the first problem, or null when valid. */
export function checkNormalizeParams(x: unknown): string | null {
  if (typeof x !== 'object' || x === null) return 'params must be an object';
  const p = x as Record<string, unknown>;
  if (!isNonEmptyString(p.input)) return 'input must be a non-empty path';
  if (!isNonEmptyString(p.output)) return 'output must be a non-empty path';
  if (p.input === p.output) return 'output must differ from input';
  if (p.method !== undefined && p.method !== 'model' && p.method !== 'snap') return `method must be "model" or "snap", got ${JSON.stringify(p.method)}`;
  if (p.snap !== undefined && typeof p.snap !== 'boolean') return 'snap must be a boolean';
  if (p.overwrite !== undefined && typeof p.overwrite !== 'boolean') return 'overwrite must be a boolean';
  return null;
}
