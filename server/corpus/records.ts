// The training record of one performance: score features, targets and style as NumPy arrays.

import type { NpyArray } from '../dataset/npy';
import type { Expression } from '../features/expression';
import { SCORE_FEATURE_NAMES, type ScoreAnalysis } from '../features/scoreFeatures';
import { STYLE_NAMES, styleOf } from '../features/style';

/** Columns of the `targets` array; NaN where a score note was not played (see `aligned`). */
export const TARGET_NAMES = [
  'velocity',
  'local_tempo', // the note's group's log(performed IOI / score IOI); NaN where undefined
  'async_sec',
  'articulation',
  'pedal_onset',
  'pedal_offset',
] as const;

/** Version of the model's inputs (score features): exported models carry it, the server checks it. */
export const FEATURE_SCHEMA_VERSION = 'record-v1';

/**
 * Version of the whole record (features and targets): the cache key of every item, checked by the
 * trainer. Bump when any array's meaning changes: every cached item is then rebuilt.
 * targets-v2: asynchrony and articulation outliers (alignment errors) are masked in the record.
 */
export const RECORD_VERSION = `${FEATURE_SCHEMA_VERSION}/targets-v2`;

/**
 * Training targets outside these bounds are alignment errors, not expression (a note "played" 9 s
 * before its chord), and are left out of the record (NaN, like an unplayed note). The expression
 * itself keeps them, so the round trip still reproduces every aligned note.
 */
export const TARGET_BOUNDS = { asyncSec: 0.25, articulation: [-4, 2] as const };

export const RECORD_COLUMNS: Record<string, string[]> = {
  score_features: [...SCORE_FEATURE_NAMES],
  targets: [...TARGET_NAMES],
  style: [...STYLE_NAMES],
};

export function recordArrays(a: ScoreAnalysis, e: Expression): Record<string, NpyArray> {
  const N = a.doc.notes.length;
  const T = TARGET_NAMES.length;
  const targets = new Float32Array(N * T);
  const aligned = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    const g = a.groupOf[i]!;
    const asyncSec = Math.abs(e.asyncSec[i]!) <= TARGET_BOUNDS.asyncSec ? e.asyncSec[i]! : Number.NaN;
    const artic = e.articulation[i]!;
    const articulation = artic >= TARGET_BOUNDS.articulation[0] && artic <= TARGET_BOUNDS.articulation[1] ? artic : Number.NaN;
    const row = [e.velocity[i]!, e.tempo[g]!, asyncSec, articulation, e.pedalOnset[i]!, e.pedalOffset[i]!];
    targets.set(row, i * T);
    aligned[i] = Number.isFinite(e.velocity[i]!) ? 1 : 0;
  }
  const style = styleOf(e);
  return {
    score_features: { dtype: 'f4', shape: [N, SCORE_FEATURE_NAMES.length], data: a.features },
    targets: { dtype: 'f4', shape: [N, T], data: targets },
    aligned: { dtype: 'u1', shape: [N], data: aligned },
    group_index: { dtype: 'i4', shape: [N], data: Int32Array.from(a.groupOf) },
    group_score_sec: { dtype: 'f8', shape: [a.groups.length], data: Float64Array.from(a.groups.map((g) => g.sec)) },
    group_tempo: { dtype: 'f8', shape: [a.groups.length], data: Float64Array.from(e.tempo) },
    style: { dtype: 'f4', shape: [STYLE_NAMES.length], data: Float32Array.from(STYLE_NAMES.map((k) => style[k])) },
  };
}
