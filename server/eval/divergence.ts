// Distances between two histograms: Jensen–Shannon divergence and histogram intersection.
//
// Both take raw counts over the same bins and normalise each side to sum 1 (p_i = c_i / Σc).
// - JS(P, Q) = ½ Σ p_i log2(p_i / m_i) + ½ Σ q_i log2(q_i / m_i), m = (p + q) / 2, with 0·log 0 = 0.
//   Base 2, so it lies in [0, 1]: 0 for identical distributions, 1 for disjoint supports.
// - Intersection = Σ min(p_i, q_i), in [0, 1]: 1 for identical, 0 for disjoint.
// Either side with no counts → null (a distance to nothing is undefined, not 0 and not NaN).
// Sums are compensated and results clamped to [0, 1] against last-ulp rounding.

import { addCompensated, compensatedValue, newCompensatedSum, sumOf } from './compensatedSum';
import { assertSameLength } from './validate';

function normalised(counts: readonly number[], label: string): number[] | null {
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (!Number.isFinite(c) || c < 0) throw new RangeError(`${label}[${i}] is ${c}; counts must be finite and >= 0`);
  }
  const total = sumOf(counts);
  if (total <= 0) return null;
  return counts.map((c) => c / total);
}

function bothNormalised(p: readonly number[], q: readonly number[]): [number[], number[]] | null {
  assertSameLength(p, q, 'first histogram', 'second histogram');
  const pn = normalised(p, 'first histogram');
  const qn = normalised(q, 'second histogram');
  return pn && qn ? [pn, qn] : null;
}

const clamp01 = (x: number): number => Math.max(0, Math.min(1, x));

/** Jensen–Shannon divergence (base 2) between two count histograms; null if either is empty. */
export function jensenShannon(countsP: readonly number[], countsQ: readonly number[]): number | null {
  const pq = bothNormalised(countsP, countsQ);
  if (!pq) return null;
  const [p, q] = pq;
  const acc = newCompensatedSum();
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    const mi = (pi + qi) / 2;
    if (pi > 0) addCompensated(acc, 0.5 * pi * Math.log2(pi / mi));
    if (qi > 0) addCompensated(acc, 0.5 * qi * Math.log2(qi / mi));
  }
  return clamp01(compensatedValue(acc));
}

/** Histogram intersection Σ min(p_i, q_i) of two count histograms; null if either is empty. */
export function histogramIntersection(countsP: readonly number[], countsQ: readonly number[]): number | null {
  const pq = bothNormalised(countsP, countsQ);
  if (!pq) return null;
  const [p, q] = pq;
  return clamp01(sumOf(p.map((pi, i) => Math.min(pi, q[i] as number))));
}
