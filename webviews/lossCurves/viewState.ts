// What the loss-curves view remembers across reloads (vscode.setState), validated when read back.

export type XAxis = 'step' | 'wall';

export interface LossCurvesState {
  selectedRuns: string[];
  /** Null: the default metrics (isDefaultMetric) — new metrics that match appear by themselves. */
  metrics: string[] | null;
  /** EMA weight in [0, 0.999]. */
  smoothing: number;
  logScale: boolean;
  xAxis: XAxis;
}

export const DEFAULT_STATE: LossCurvesState = { selectedRuns: [], metrics: null, smoothing: 0.6, logScale: false, xAxis: 'step' };
export const MAX_SMOOTHING = 0.999;

/** Whatever getState returns (possibly from an older version) becomes a valid state; bad fields fall back. */
export function restoreState(x: unknown): LossCurvesState {
  const s = typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
  const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((e) => typeof e === 'string') ? [...(v as string[])] : null);
  return {
    selectedRuns: strings(s.selectedRuns) ?? [],
    metrics: strings(s.metrics),
    smoothing: typeof s.smoothing === 'number' && s.smoothing >= 0 && s.smoothing <= MAX_SMOOTHING ? s.smoothing : DEFAULT_STATE.smoothing,
    logScale: typeof s.logScale === 'boolean' ? s.logScale : DEFAULT_STATE.logScale,
    xAxis: s.xAxis === 'wall' ? 'wall' : 'step',
  };
}
