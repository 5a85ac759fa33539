// The fixed bins of the four distribution features, and counting values into them.
//
// Bins (identical in the Python trainer; the edges are also written to test/vectors/metrics.json):
// - velocity: 32 bins of width 4 over [0, 128): bin = floor(v / 4), so 1..3 → 0, ..., 124..127 → 31.
// - pedal (CC64 value): 8 bins of width 16 over [0, 128): bin = floor(v / 16).
// - IOI and duration in ms: log-spaced, 10 bins per decade from 10 ms to 10 s. The 31 edges are
//   10^(1 + k/10) rounded to 4 significant digits and written out literally below, so every
//   implementation bins with identical doubles. Bin 0 is the underflow [-inf, 10 ms), bins 1..30 are
//   [edge k-1, edge k), bin 31 is the overflow [10 s, +inf): 32 bins.
// Every bin is half-open [lower, upper): a value equal to an edge goes to the bin above it.

export type DistributionFeature = 'velocity' | 'ioiMs' | 'durationMs' | 'pedal';
export const DISTRIBUTION_FEATURES: readonly DistributionFeature[] = ['velocity', 'ioiMs', 'durationMs', 'pedal'];

/** Builds a record with one entry per feature, typed without casts. */
export function perFeature<T>(make: (feature: DistributionFeature) => T): Record<DistributionFeature, T> {
  return { velocity: make('velocity'), ioiMs: make('ioiMs'), durationMs: make('durationMs'), pedal: make('pedal') };
}

export interface BinSpec {
  /** Ascending edges; inner bin k is [edges[k], edges[k+1]). */
  edges: readonly number[];
  /** A first bin for values below edges[0]; without it such a value is a RangeError. */
  underflow: boolean;
  /** A last bin for values at or above the last edge; without it such a value is a RangeError. */
  overflow: boolean;
}

function linearEdges(width: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, k) => k * width);
}

/** 10^(1 + k/10) ms for k = 0..30, rounded to 4 significant digits. */
export const LOG_MS_EDGES: readonly number[] = [
  10, 12.59, 15.85, 19.95, 25.12, 31.62, 39.81, 50.12, 63.1, 79.43,
  100, 125.9, 158.5, 199.5, 251.2, 316.2, 398.1, 501.2, 631, 794.3,
  1000, 1259, 1585, 1995, 2512, 3162, 3981, 5012, 6310, 7943,
  10000,
];

export const BIN_SPECS: Readonly<Record<DistributionFeature, BinSpec>> = {
  velocity: { edges: linearEdges(4, 32), underflow: false, overflow: false },
  ioiMs: { edges: LOG_MS_EDGES, underflow: true, overflow: true },
  durationMs: { edges: LOG_MS_EDGES, underflow: true, overflow: true },
  pedal: { edges: linearEdges(16, 8), underflow: false, overflow: false },
};

export function binCount(spec: BinSpec): number {
  return spec.edges.length - 1 + (spec.underflow ? 1 : 0) + (spec.overflow ? 1 : 0);
}

/** Index of the bin that holds `value`. Throws RangeError for a value outside a spec without under/overflow. */
export function binIndex(spec: BinSpec, value: number, label: string): number {
  const { edges } = spec;
  const first = edges[0] as number;
  const last = edges[edges.length - 1] as number;
  if (Number.isNaN(value)) throw new RangeError(`${label} is NaN; it cannot be binned`);
  if (value < first) {
    if (spec.underflow) return 0;
    throw new RangeError(`${label} is ${value}, below the lowest bin edge ${first}`);
  }
  const offset = spec.underflow ? 1 : 0;
  if (value >= last) {
    if (spec.overflow) return edges.length - 1 + offset;
    throw new RangeError(`${label} is ${value}, at or above the highest bin edge ${last}`);
  }
  // Largest k with edges[k] <= value (binary search; edges[0] <= value < edges[last] holds here).
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) <= value) lo = mid;
    else hi = mid;
  }
  return lo + offset;
}

/** Counts `values` into the bins of `spec`. `label` names the values in errors. */
export function histogram(spec: BinSpec, values: readonly number[], label: string): number[] {
  const counts = new Array<number>(binCount(spec)).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bin = binIndex(spec, values[i] as number, `${label}[${i}]`);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}
