// Neumaier-compensated summation, shared by every metric so that long series sum to within a few ulps.
//
// Why: metrics are matched bit-for-bit-ish (1e-12 relative) by the Python trainer through shared test
// vectors; naive left-to-right sums of 10^4..10^6 values drift by n·eps, compensated sums do not.

/** A running sum that can add and subtract values with an error of about eps·|sum|. */
export interface CompensatedSum {
  sum: number;
  compensation: number;
}

export function newCompensatedSum(): CompensatedSum {
  return { sum: 0, compensation: 0 };
}

/** Adds `value` to `acc` in place (Neumaier's variant of Kahan summation). */
export function addCompensated(acc: CompensatedSum, value: number): void {
  const t = acc.sum + value;
  if (Math.abs(acc.sum) >= Math.abs(value)) acc.compensation += acc.sum - t + value;
  else acc.compensation += value - t + acc.sum;
  acc.sum = t;
}

export function compensatedValue(acc: CompensatedSum): number {
  return acc.sum + acc.compensation;
}

/** Compensated sum of a whole array. */
export function sumOf(values: readonly number[]): number {
  const acc = newCompensatedSum();
  for (const v of values) addCompensated(acc, v);
  return compensatedValue(acc);
}

/** Compensated mean; the caller guarantees `values` is non-empty. */
export function meanOf(values: readonly number[]): number {
  return sumOf(values) / values.length;
}
