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

/** Bump when any array's meaning changes: every cached item is then rebuilt. */
export const RECORD_VERSION = 'record-v1';

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
    const row = [e.velocity[i]!, e.tempo[g]!, e.asyncSec[i]!, e.articulation[i]!, e.pedalOnset[i]!, e.pedalOffset[i]!];
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
