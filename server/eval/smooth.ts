// Centred moving average: the smoothing step of the velocity and rubato correlations.
//
// Definition (the Python trainer implements exactly this; see test/vectors/README.md):
//   smooth(x, w)[i] = mean of x[j] for j in [i - floor((w-1)/2), i + ceil((w-1)/2)] ∩ [0, n-1]
// so w = 8 averages 3 items before and 4 after, w = 1 is the identity, and windows are truncated at the
// ends (the average of what exists, never padded). w must be a positive integer (RangeError otherwise);
// a w longer than the series simply averages more of the series.
//
// Numerics: a sliding window kept in one Neumaier-compensated running sum (add the entering item,
// subtract the leaving one). The compensation keeps each window sum within a few ulps of the exact
// window sum even after 10^6 slides, so results agree with a per-window recomputation to ~1e-15
// relative while staying O(n) for any w.

import { addCompensated, compensatedValue, newCompensatedSum } from './compensatedSum';
import { assertFiniteSeries, assertWindow } from './validate';

/** Number of items before and after item i that a window of w covers. */
export function windowSpan(w: number): { before: number; after: number } {
  assertWindow(w);
  return { before: Math.floor((w - 1) / 2), after: Math.ceil((w - 1) / 2) };
}

/** Centred moving average of `x` over `w` items (float64). Throws RangeError on a bad w or non-finite x. */
export function smooth(x: readonly number[], w: number): number[] {
  const { before, after } = windowSpan(w);
  assertFiniteSeries(x, 'x');
  const n = x.length;
  const out = new Array<number>(n);
  if (w === 1) {
    for (let i = 0; i < n; i++) out[i] = x[i] as number;
    return out;
  }
  const acc = newCompensatedSum();
  // Window of item 0 is [0, min(n-1, after)]; `hi` is the last index already added.
  let hi = -1;
  for (let i = 0; i < n; i++) {
    const wantHi = Math.min(n - 1, i + after);
    while (hi < wantHi) {
      hi++;
      addCompensated(acc, x[hi] as number);
    }
    const lo = Math.max(0, i - before);
    out[i] = compensatedValue(acc) / (hi - lo + 1);
    // Item i - before leaves the window when we move to i + 1.
    if (i - before >= 0) addCompensated(acc, -(x[i - before] as number));
  }
  return out;
}
