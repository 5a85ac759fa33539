// Long pieces in overlapping windows of notes, stitched with linear cross-fades so no seam shows.
//
// The model attends over a whole window, so its cost grows with the square of the window length, and it was
// trained on windows of about this size. Windows are spread evenly from the first note to the last (every
// window is full length, the overlaps at least `overlap` notes); in each overlap the earlier window fades
// out linearly while the later one fades in, and the weights at every note are normalised to sum to 1.

export interface WindowPlan {
  /** First note of each window; every window is `length` notes long (one window when the piece is shorter). */
  starts: number[];
  length: number;
}

export const DEFAULT_WINDOW = 512;
export const DEFAULT_OVERLAP = 128;

export function planWindows(notes: number, window = DEFAULT_WINDOW, overlap = DEFAULT_OVERLAP): WindowPlan {
  if (!Number.isInteger(window) || window < 1 || !Number.isInteger(overlap) || overlap < 0 || overlap >= window) {
    throw new RangeError(`windowing: need 0 <= overlap < window, got window ${window}, overlap ${overlap}`);
  }
  if (notes <= window) return { starts: notes > 0 ? [0] : [], length: notes };
  const hop = window - overlap;
  const k = Math.ceil((notes - window) / hop) + 1;
  const starts = Array.from({ length: k }, (_, i) => Math.round((i * (notes - window)) / (k - 1)));
  return { starts, length: window };
}

/**
 * Per window, its weight at each of its notes: a ramp up across the overlap with the previous window and a
 * ramp down across the overlap with the next, normalised over all windows covering a note. Where only two
 * windows overlap (the usual case) the ramps already sum to 1: a plain linear cross-fade.
 */
export function stitchWeights(plan: WindowPlan, notes: number): Float64Array[] {
  const { starts, length } = plan;
  const raw = starts.map((start, w) => {
    const prevEnd = w > 0 ? starts[w - 1]! + length : start;
    const nextStart = w + 1 < starts.length ? starts[w + 1]! : start + length;
    const weights = new Float64Array(length);
    for (let j = 0; j < length; j++) {
      const t = start + j;
      // +0.5: sample the ramp at note centres so no note gets weight exactly 0 or 1 from a single ramp.
      const up = t < prevEnd ? (t - start + 0.5) / (prevEnd - start) : 1;
      const down = t >= nextStart ? (start + length - t - 0.5) / (start + length - nextStart) : 1;
      weights[j] = Math.min(up, down);
    }
    return weights;
  });
  const total = new Float64Array(notes);
  raw.forEach((weights, w) => weights.forEach((x, j) => (total[starts[w]! + j]! += x)));
  return raw.map((weights, w) => weights.map((x, j) => x / total[starts[w]! + j]!));
}

/**
 * Runs `predict` on every window (batched) and stitches per-note outputs of `width` values each.
 * `predict(starts, length)` returns one array per window, [length * width] row-major.
 */
export async function predictWindowed(
  notes: number,
  width: number,
  predict: (starts: readonly number[], length: number) => Promise<Float32Array[]>,
  window = DEFAULT_WINDOW,
  overlap = DEFAULT_OVERLAP,
): Promise<Float64Array> {
  const plan = planWindows(notes, window, overlap);
  const out = new Float64Array(notes * width);
  if (notes === 0) return out;
  const preds = await predict(plan.starts, plan.length);
  const weights = stitchWeights(plan, notes);
  plan.starts.forEach((start, w) => {
    const p = preds[w];
    if (!p || p.length !== plan.length * width) throw new RangeError(`windowing: window ${w} returned ${p?.length ?? 0} values, expected ${plan.length * width}`);
    const ws = weights[w]!;
    for (let j = 0; j < plan.length; j++) {
      const wt = ws[j]!;
      for (let k = 0; k < width; k++) out[(start + j) * width + k]! += wt * p[j * width + k]!;
    }
  });
  return out;
}
