// Turns the model's per-note outputs into an Expression, blended toward the deadpan score by `strength`.

import { emptyExpression, MAX_ABS_LOG_TEMPO, type Expression } from '../features/expression';
import { feature, type ScoreAnalysis } from '../features/scoreFeatures';
import type { Style } from '../features/style';
import { TARGET_NAMES } from './onnxMetadata';

const K = TARGET_NAMES.length;
const [VEL, TEMPO, ASYNC, ARTIC, PED_ON, PED_OFF] = [0, 1, 2, 3, 4, 5] as const;

/** Asynchrony beyond this (seconds) is not a chord spread but a model failure; clamp it. */
const MAX_ABS_ASYNC_SEC = 0.25;
/** Performed/notated duration ratios kept within e^-4 .. e^2 (a staccato dot to a long overhang). */
const ARTICULATION_RANGE: [number, number] = [-4, 2];

export interface Decoded {
  expression: Expression;
  /** Per note, 0..1: 1 = as certain as the piece's most certain notes (see `confidenceOf`). */
  confidence: Float64Array;
}

/**
 * mean and logvar: [notes × 6] (TARGET_NAMES order). strength 1 = the model's expression; 0 = the deadpan
 * score at the style's tempo (score velocities, no asynchrony, notated durations, no pedal).
 */
/** Sustain pedal is down where the predicted pedal value reaches this (CC64 0 or 127 at the onset). */
export const DEFAULT_PEDAL_THRESHOLD = 0.5;

export function decodeExpression(
  a: ScoreAnalysis,
  style: Style,
  mean: Float64Array,
  logvar: Float64Array,
  strength: number,
  pedalThreshold: number = DEFAULT_PEDAL_THRESHOLD,
): Decoded {
  const N = a.doc.notes.length;
  const G = a.groups.length;
  if (mean.length !== N * K || logvar.length !== N * K) throw new RangeError(`decode: expected ${N * K} outputs, got ${mean.length} and ${logvar.length}`);
  if (!(strength >= 0 && strength <= 1)) throw new RangeError(`strength must be within 0..1, got ${strength}`);
  if (!(pedalThreshold >= 0 && pedalThreshold <= 1)) throw new RangeError(`pedal threshold must be within 0..1, got ${pedalThreshold}`);
  const pedal = (v: number): number => (clamp(v, 0, 1) >= pedalThreshold ? 1 : 0);
  const s = strength;
  const mix = (model: number, deadpan: number): number => s * model + (1 - s) * deadpan;
  const e = emptyExpression(G, N);
  e.startSec = 0;
  e.initTempo = style.tempo;
  for (let i = 0; i < N; i++) {
    const out = (k: number): number => mean[i * K + k]!;
    e.velocity[i] = mix(clamp(out(VEL), 1, 127), feature(a, i, 'score_velocity'));
    e.asyncSec[i] = mix(clamp(out(ASYNC), -MAX_ABS_ASYNC_SEC, MAX_ABS_ASYNC_SEC), 0);
    e.articulation[i] = mix(clamp(out(ARTIC), ...ARTICULATION_RANGE), 0);
    e.pedalOnset[i] = mix(pedal(out(PED_ON)), 0);
    e.pedalOffset[i] = mix(pedal(out(PED_OFF)), 0);
  }
  // Local tempo belongs to the group: the mean of its notes' predictions.
  a.groups.forEach((g, gi) => {
    let sum = 0;
    for (const i of g.noteIndices) sum += mean[i * K + TEMPO]!;
    const model = g.noteIndices.length ? sum / g.noteIndices.length : style.tempo;
    e.tempo[gi] = mix(clamp(model, -MAX_ABS_LOG_TEMPO, MAX_ABS_LOG_TEMPO), style.tempo);
  });
  return { expression: e, confidence: confidenceOf(logvar, N) };
}

/**
 * exp(-½ · mean over targets of (logvar − that target's 5th percentile over the piece)), capped at 1. Each
 * target's log-variance is taken relative to the piece's most certain notes, so targets in different units
 * (velocity², seconds²) weigh alike; the figure compares notes within one piece, not across models.
 */
export function confidenceOf(logvar: Float64Array, notes: number): Float64Array {
  const ref = Array.from({ length: K }, (_, k) => {
    const col = Array.from({ length: notes }, (_, i) => logvar[i * K + k]!).sort((x, y) => x - y);
    return col[Math.floor(0.05 * (col.length - 1))] ?? 0;
  });
  const out = new Float64Array(notes);
  for (let i = 0; i < notes; i++) {
    let d = 0;
    for (let k = 0; k < K; k++) d += logvar[i * K + k]! - ref[k]!;
    out[i] = Math.min(1, Math.exp((-0.5 * d) / K));
  }
  return out;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
