// The one typed protocol between client, server and webviews: every custom `rubato/…` method is a
// constant here with its params and result types, and every inbound message is validated here.
// This module imports nothing from Node or VS Code, so all three sides can bundle it.

import { isNonEmptyString } from './check';

/** Bumped on any incompatible change; the client refuses a server that reports another version. */
export const PROTOCOL_VERSION = 1;

export type HumanizeMethod = 'rules' | 'jitter';

/** client → server request: humanize a MIDI file on disk, writing a new file beside it. */
export const HumanizeRequest = {
  method: 'rubato/humanize',
} as const;

export interface HumanizeParams {
  /** Absolute path of the score MIDI (never modified). */
  input: string;
  /** Absolute path of the output; must not exist unless `overwrite` is set, and never equals `input`. */
  output: string;
  method: HumanizeMethod;
  /** `key=value,…` style descriptors (see `rubato humanize --help`). */
  style?: string;
  seed?: number;
  overwrite?: boolean;
}

export interface HumanizeResult {
  output: string;
  notes: number;
  durationSec: number;
  warnings: string[];
}

/** Validates untrusted params; returns a message naming the first problem, or null when valid. */
export function checkHumanizeParams(x: unknown): string | null {
  if (typeof x !== 'object' || x === null) return 'params must be an object';
  const p = x as Record<string, unknown>;
  if (!isNonEmptyString(p.input)) return 'input must be a non-empty path';
  if (!isNonEmptyString(p.output)) return 'output must be a non-empty path';
  if (p.method !== 'rules' && p.method !== 'jitter') return `method must be "rules" or "jitter", got ${JSON.stringify(p.method)}`;
  if (p.style !== undefined && typeof p.style !== 'string') return 'style must be a string';
  if (p.seed !== undefined && !(typeof p.seed === 'number' && Number.isInteger(p.seed) && p.seed >= 0)) return 'seed must be a non-negative integer';
  if (p.overwrite !== undefined && typeof p.overwrite !== 'boolean') return 'overwrite must be a boolean';
  return null;
}

export * from './runs';
export * from './status';
export * from './gpu';
export * from './preview';
export * from './evalView';
export * from './datasets';
export * from './normalize';
