// Distribution metrics over whole sets: how far the pooled predicted performances are from the human ones.
//
// For each feature (velocity, IOI ms, duration ms, pedal at onset; see performanceFeatures.ts) the values of
// all predicted performances are pooled into one histogram over the fixed bins of histograms.ts, likewise
// for the human performances; then Jensen–Shannon divergence (base 2) and histogram intersection compare
// the two (divergence.ts). `overall` is the plain mean of the four features' values (summed in the order
// velocity, ioiMs, durationMs, pedal), and null when any feature is null: a mean over fewer features would
// not be comparable between runs. An empty set, or a feature with no values on one side (e.g. one-note
// performances have no IOI), gives null, never NaN.

import { histogramIntersection, jensenShannon } from './divergence';
import { BIN_SPECS, DISTRIBUTION_FEATURES, histogram, perFeature, type DistributionFeature } from './histograms';
import { performanceFeatureValues, type PerformanceNotes } from './performanceFeatures';

export interface FeatureDistance {
  /** Jensen–Shannon divergence, base 2, in [0, 1] (0 = identical); null when a side has no values. */
  js: number | null;
  /** Histogram intersection in [0, 1] (1 = identical); null when a side has no values. */
  intersection: number | null;
  /** Raw counts per bin, pooled over the predicted set. */
  predCounts: number[];
  /** Raw counts per bin, pooled over the human set. */
  humanCounts: number[];
}

export type DistributionMetrics = Record<DistributionFeature, FeatureDistance> & {
  overall: { js: number | null; intersection: number | null };
};

/** Pooled histogram counts of every feature over a set of performances; `label` names the set in errors. */
export function pooledHistograms(set: readonly PerformanceNotes[], label: string): Record<DistributionFeature, number[]> {
  const pooled = perFeature((f) => histogram(BIN_SPECS[f], [], label));
  set.forEach((perf, p) => {
    const values = performanceFeatureValues(perf, `${label}[${p}]`);
    for (const f of DISTRIBUTION_FEATURES) {
      const counts = histogram(BIN_SPECS[f], values[f], `${label}[${p}].${f}`);
      const acc = pooled[f];
      counts.forEach((c, i) => {
        acc[i] = (acc[i] as number) + c;
      });
    }
  });
  return pooled;
}

function meanOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return values.length > 0 ? sum / values.length : null;
}

export function distributionMetrics(pred: readonly PerformanceNotes[], human: readonly PerformanceNotes[]): DistributionMetrics {
  const predCounts = pooledHistograms(pred, 'pred');
  const humanCounts = pooledHistograms(human, 'human');
  const features = perFeature(
    (f): FeatureDistance => ({
      js: jensenShannon(predCounts[f], humanCounts[f]),
      intersection: histogramIntersection(predCounts[f], humanCounts[f]),
      predCounts: predCounts[f],
      humanCounts: humanCounts[f],
    }),
  );
  return {
    ...features,
    overall: {
      js: meanOrNull(DISTRIBUTION_FEATURES.map((f) => features[f].js)),
      intersection: meanOrNull(DISTRIBUTION_FEATURES.map((f) => features[f].intersection)),
    },
  };
}
