// Min/max-per-pixel downsampling of several series onto one shared x axis, for uPlot's aligned data.
//
// Every series may have its own x values (runs log different steps); uPlot wants one x array and one y array
// per series. We split [xMin, xMax] into `buckets` equal columns (one per CSS pixel of the plot) and keep, per
// series and column, the first-occurring and last-occurring of its minimum and maximum, in their original
// order. The drawn envelope is then exactly what drawing every point would show at that width (a spike is
// never lost), while the work per frame is O(points) and the drawn size O(pixels) however long the history.
// Each column has two x slots (at ¼ and ¾ of its width); a column with one point uses the first slot only;
// an empty column is null (uPlot's spanGaps joins the line across it).

export interface XYSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Points used: x[0..length), y[0..length) (the arrays may be larger, growing buffers). */
  length: number;
}

export interface Downsampled {
  x: Float64Array;
  ys: (number | null)[][];
  /** Source points that fell inside [xMin, xMax] per series. */
  counts: number[];
}

/** The range the series cover (finite x with finite y); null when there is none. */
export function xExtent(series: readonly XYSeries[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const x = s.x[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(s.y[i]!)) continue;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

export function downsampleMinMax(series: readonly XYSeries[], xMin: number, xMax: number, buckets: number): Downsampled {
  if (!(Number.isInteger(buckets) && buckets >= 1)) throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
  if (!(Number.isFinite(xMin) && Number.isFinite(xMax) && xMin <= xMax)) throw new RangeError(`bad x range [${xMin}, ${xMax}]`);
  const span = xMax - xMin;
  // A single x value: one column holds everything.
  const nb = span > 0 ? buckets : 1;
  const width = span > 0 ? span / nb : 1;
  const x = new Float64Array(2 * nb);
  for (let b = 0; b < nb; b++) {
    x[2 * b] = xMin + (b + 0.25) * width;
    x[2 * b + 1] = xMin + (b + 0.75) * width;
  }
  if (span === 0) x.fill(xMin);
  const ys: (number | null)[][] = [];
  const counts: number[] = [];
  const minV = new Float64Array(nb);
  const maxV = new Float64Array(nb);
  const minAt = new Int32Array(nb);
  const maxAt = new Int32Array(nb);
  for (const s of series) {
    minAt.fill(-1);
    let count = 0;
    for (let i = 0; i < s.length; i++) {
      const xi = s.x[i]!;
      const yi = s.y[i]!;
      if (!(xi >= xMin && xi <= xMax) || !Number.isFinite(yi)) continue;
      count++;
      const b = Math.min(nb - 1, Math.floor((xi - xMin) / width));
      if (minAt[b]! < 0) {
        minV[b] = maxV[b] = yi;
        minAt[b] = maxAt[b] = i;
      } else {
        if (yi < minV[b]!) {
          minV[b] = yi;
          minAt[b] = i;
        }
        if (yi > maxV[b]!) {
          maxV[b] = yi;
          maxAt[b] = i;
        }
      }
    }
    const y = new Array<number | null>(2 * nb).fill(null);
    for (let b = 0; b < nb; b++) {
      if (minAt[b]! < 0) continue;
      if (minAt[b] === maxAt[b]) {
        y[2 * b] = minV[b]!;
      } else if (minAt[b]! < maxAt[b]!) {
        y[2 * b] = minV[b]!;
        y[2 * b + 1] = maxV[b]!;
      } else {
        y[2 * b] = maxV[b]!;
        y[2 * b + 1] = minV[b]!;
      }
    }
    ys.push(y);
    counts.push(count);
  }
  return { x, ys, counts };
}
