// Pearson correlation that says "undefined" (null) instead of returning NaN or a noise-driven value.
//
// Definition: r = Σ(a-ā)(b-b̄) / sqrt(Σ(a-ā)² · Σ(b-b̄)²), two-pass with compensated sums, clamped to
// [-1, 1]. It is null when there are fewer than PEARSON_MIN_POINTS points, or when either side has
// (near-)zero variance: Σ(a-ā)² <= PEARSON_MIN_RELATIVE_STD² · Σa² (the standard deviation is below
// 1e-9 of the root-mean-square value, i.e. the series is constant up to rounding). Non-finite input is a
// RangeError naming the side and index; unequal lengths are a RangeError too.

import { meanOf, newCompensatedSum, addCompensated, compensatedValue } from './compensatedSum';
import { assertFiniteSeries, assertSameLength } from './validate';

export const PEARSON_MIN_POINTS = 3;
/** A side whose std is at most this fraction of its RMS counts as constant (its r would be rounding noise). */
export const PEARSON_MIN_RELATIVE_STD = 1e-9;

export function pearson(a: readonly number[], b: readonly number[]): number | null {
  assertSameLength(a, b, 'a', 'b');
  assertFiniteSeries(a, 'a');
  assertFiniteSeries(b, 'b');
  const n = a.length;
  if (n < PEARSON_MIN_POINTS) return null;
  const meanA = meanOf(a);
  const meanB = meanOf(b);
  const sxx = newCompensatedSum();
  const syy = newCompensatedSum();
  const sxy = newCompensatedSum();
  const sqA = newCompensatedSum();
  const sqB = newCompensatedSum();
  for (let i = 0; i < n; i++) {
    const ai = a[i] as number;
    const bi = b[i] as number;
    const da = ai - meanA;
    const db = bi - meanB;
    addCompensated(sxx, da * da);
    addCompensated(syy, db * db);
    addCompensated(sxy, da * db);
    addCompensated(sqA, ai * ai);
    addCompensated(sqB, bi * bi);
  }
  const varA = compensatedValue(sxx);
  const varB = compensatedValue(syy);
  const rel2 = PEARSON_MIN_RELATIVE_STD * PEARSON_MIN_RELATIVE_STD;
  if (varA <= rel2 * compensatedValue(sqA) || varB <= rel2 * compensatedValue(sqB)) return null;
  // One square root of the product rounds least (r = 1 exactly for exact lines); two roots only when the
  // product over- or underflows at extreme scales.
  const product = varA * varB;
  const denominator = Number.isFinite(product) && product > 0 ? Math.sqrt(product) : Math.sqrt(varA) * Math.sqrt(varB);
  const r = compensatedValue(sxy) / denominator;
  return Math.max(-1, Math.min(1, r));
}
