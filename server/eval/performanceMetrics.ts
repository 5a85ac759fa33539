// Expression metrics of one performance against the human one, their mean over a set, and the expression score.
//
// Definitions (the Python trainer matches these through test/vectors/metrics.json):
// - Velocity correlation at window w: `pred.velocity` and `human.velocity` hold one velocity per *aligned
//   score note in score order*; smooth both with `smooth(·, w)`, then `pearson`.
// - Rubato correlation at window w: `pred.tempo` and `human.tempo` hold one local tempo per onset group in
//   score order (log(performed IOI / score IOI), computed elsewhere); smooth over w groups, then `pearson`.
// - `performanceMetrics` reports both for every window, keyed by the window as a decimal string
//   ("1", "8", "32"), because the result is serialised to JSON and read by Python and the webviews.
// - Aggregate: the per-performance r values, averaged over performances per requested window; null r values
//   are skipped and the number used is reported. A window with no usable r (or an empty set) is null.
// - Expression score: the mean of velocity r and rubato r at one window (8 unless told); null if either is
//   null. On an aggregate it uses the aggregated means, so it is (mean velocity r + mean rubato r) / 2.
// Smoothed correlations exist because a falling validation NLL once hid a collapsed model: raw per-note
// correlation is dominated by noise, the smoothed one follows phrasing.

import { meanOf } from './compensatedSum';
import { pearson } from './pearson';
import { smooth } from './smooth';
import { assertSameLength, assertWindow } from './validate';

export const DEFAULT_WINDOWS: readonly number[] = [1, 8, 32];
export const DEFAULT_EXPRESSION_WINDOW = 8;

/** Expression series of one performance, both in score order. */
export interface ExpressionSeries {
  /** One velocity per aligned score note. */
  velocity: number[];
  /** One local tempo (log IOI ratio) per onset group. */
  tempo: number[];
}

/** r per window, keyed by the window as a decimal string. */
export type CorrelationByWindow = Record<string, number | null>;

export interface PerformanceMetrics {
  velocity_r: CorrelationByWindow;
  rubato_r: CorrelationByWindow;
}

export interface AggregateMetrics extends PerformanceMetrics {
  /** How many performances were given. */
  performances: number;
  /** Per window: how many non-null velocity r values went into the mean. */
  velocity_used: Record<string, number>;
  /** Per window: how many non-null rubato r values went into the mean. */
  rubato_used: Record<string, number>;
}

/** Smoothed-then-correlated pair of series; null when Pearson is undefined. */
export function smoothedCorrelation(pred: readonly number[], human: readonly number[], w: number): number | null {
  return pearson(smooth(pred, w), smooth(human, w));
}

export function velocityCorrelation(pred: readonly number[], human: readonly number[], w: number): number | null {
  assertSameLength(pred, human, 'predicted velocities', 'human velocities');
  return smoothedCorrelation(pred, human, w);
}

export function rubatoCorrelation(pred: readonly number[], human: readonly number[], w: number): number | null {
  assertSameLength(pred, human, 'predicted local tempi', 'human local tempi');
  return smoothedCorrelation(pred, human, w);
}

export function performanceMetrics(
  pred: ExpressionSeries,
  human: ExpressionSeries,
  windows: readonly number[] = DEFAULT_WINDOWS,
): PerformanceMetrics {
  for (const w of windows) assertWindow(w);
  const velocity_r: CorrelationByWindow = {};
  const rubato_r: CorrelationByWindow = {};
  for (const w of windows) {
    velocity_r[String(w)] = velocityCorrelation(pred.velocity, human.velocity, w);
    rubato_r[String(w)] = rubatoCorrelation(pred.tempo, human.tempo, w);
  }
  return { velocity_r, rubato_r };
}

/** Per window, the mean of the non-null values and how many were used; a record without the window throws. */
function meanPerWindow(
  records: readonly CorrelationByWindow[],
  windows: readonly number[],
  label: string,
): { mean: CorrelationByWindow; used: Record<string, number> } {
  const mean: CorrelationByWindow = {};
  const used: Record<string, number> = {};
  for (const w of windows) {
    const key = String(w);
    const values: number[] = [];
    records.forEach((r, p) => {
      if (!(key in r)) throw new RangeError(`performance ${p} has no ${label} at window ${key}`);
      const v = r[key];
      if (typeof v === 'number') values.push(v);
    });
    mean[key] = values.length > 0 ? meanOf(values) : null;
    used[key] = values.length;
  }
  return { mean, used };
}

/**
 * Averages per-performance metrics over a set at `windows`; nulls are skipped and counted out. The windows
 * are explicit so that an empty set still reports every window (as null, 0 used).
 */
export function aggregateMetrics(
  perPerformance: readonly PerformanceMetrics[],
  windows: readonly number[] = DEFAULT_WINDOWS,
): AggregateMetrics {
  for (const w of windows) assertWindow(w);
  const velocity = meanPerWindow(perPerformance.map((m) => m.velocity_r), windows, 'velocity_r');
  const rubato = meanPerWindow(perPerformance.map((m) => m.rubato_r), windows, 'rubato_r');
  return {
    performances: perPerformance.length,
    velocity_r: velocity.mean,
    rubato_r: rubato.mean,
    velocity_used: velocity.used,
    rubato_used: rubato.used,
  };
}

/** Mean of velocity r and rubato r at `window`; null if either is null, RangeError if the window is absent. */
export function expressionScore(metrics: PerformanceMetrics, window: number = DEFAULT_EXPRESSION_WINDOW): number | null {
  assertWindow(window);
  const key = String(window);
  // A window that was never computed is a caller bug, not "undefined correlation": say so.
  if (!(key in metrics.velocity_r) || !(key in metrics.rubato_r)) {
    const have = Object.keys(metrics.velocity_r).join(', ');
    throw new RangeError(`expression score window ${key} was not computed (windows present: ${have || 'none'})`);
  }
  const v = metrics.velocity_r[key];
  const t = metrics.rubato_r[key];
  if (typeof v !== 'number' || typeof t !== 'number') return null;
  return (v + t) / 2;
}
