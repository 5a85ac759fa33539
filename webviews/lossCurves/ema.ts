// Debiased exponential moving average, as TensorBoard's smoothing slider draws it.
//
// smoothed_k = acc_k / (1 - weight^k), acc_k = weight·acc_{k-1} + (1 - weight)·x_k, acc_0 = 0, counting only
// finite points. Without the division the first points would be pulled toward 0 (the zero start); with it
// the first smoothed point equals the first value and a constant series stays constant. A non-finite point
// is drawn as itself and does not move the average. Weight 0 is the identity; weight must be in [0, 1).

export interface EmaState {
  acc: number;
  /** Finite points folded in so far. */
  count: number;
}

export const newEmaState = (): EmaState => ({ acc: 0, count: 0 });

export function checkEmaWeight(weight: number): void {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
}

/**
 * Smooths `values[from..n)` into `out[from..n)`, continuing from `state` (which must describe values[0..from)).
 * Appends therefore cost O(new points), never O(history).
 */
export function emaInto(values: ArrayLike<number>, out: Float64Array, from: number, n: number, weight: number, state: EmaState): void {
  checkEmaWeight(weight);
  for (let i = from; i < n; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) {
      out[i] = x;
      continue;
    }
    state.acc = weight * state.acc + (1 - weight) * x;
    state.count++;
    out[i] = weight === 0 ? x : state.acc / (1 - weight ** state.count);
  }
}

/** Convenience for tests and one-off use: the whole series smoothed. */
export function ema(values: readonly number[], weight: number): number[] {
  const out = new Float64Array(values.length);
  emaInto(values, out, 0, values.length, weight, newEmaState());
  return [...out];
}
