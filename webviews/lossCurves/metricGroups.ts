// Which chart a metric is drawn on, the default selection, and stable colours per run.

/** Eval metrics (expression score and the smoothed correlations) share their own chart: r lives in [-1, 1]. */
export function isEvalMetric(name: string): boolean {
  return /^(expression_score|velocity_r|rubato_r)(\/\d+)?$/.test(name) || /_r\/\d+$/.test(name);
}

export const EVAL_CHART = 'eval';
export const LOSS_CHART = 'loss';

/** Chart key: every *loss* together (train and val compare on one axis), eval metrics together, else one chart each. */
export function chartOf(name: string): string {
  if (isEvalMetric(name)) return EVAL_CHART;
  if (/loss/i.test(name)) return LOSS_CHART;
  return `metric:${name}`;
}

export function chartTitle(key: string): string {
  if (key === LOSS_CHART) return 'Loss';
  if (key === EVAL_CHART) return 'Eval metrics';
  return key.slice('metric:'.length);
}

/** Charts in display order: loss first, eval last, the rest by name. */
export function orderCharts(keys: Iterable<string>): string[] {
  const rank = (k: string): number => (k === LOSS_CHART ? 0 : k === EVAL_CHART ? 2 : 1);
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Shown unless the user chose otherwise: the losses and the headline eval metrics. */
export function isDefaultMetric(name: string): boolean {
  return /loss/i.test(name) || name === 'expression_score' || name === 'velocity_r/8' || name === 'rubato_r/8' || name === 'lr';
}

/** Distinct on light and dark backgrounds (Tableau 10 + 6); a run keeps its colour whatever else is shown. */
export const RUN_PALETTE: readonly string[] = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#bab0ac', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#17becf', '#bcbd22',
];

/** FNV-1a of the run id → palette index: the same run gets the same colour in every session. */
export function runColour(runId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    h ^= runId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return RUN_PALETTE[h % RUN_PALETTE.length]!;
}

/** Line dash per metric within a chart (colour is the run's). */
export const METRIC_DASHES: readonly number[][] = [[], [6, 4], [2, 3], [8, 3, 2, 3], [1, 2]];
