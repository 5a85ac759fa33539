// A time-bucket index over columnar notes, so a frame visits only the notes it can see.
//
// Each note is listed in every bucket its [onset, offset] overlaps (CSR layout: two Int32Arrays).
// A query over buckets b0..b1 reports a note once: in the bucket where it starts, or in b0 when it
// started earlier. Notes longer than LONG_BUCKETS buckets are kept aside and always tested, so one
// held pedal tone cannot bloat the index.

export interface NoteTimes {
  onsetSec: ArrayLike<number>;
  offsetSec: ArrayLike<number>;
}

const LONG_BUCKETS = 64;
/** Target notes per bucket: a few cache lines of indices. */
const NOTES_PER_BUCKET = 16;

export class NoteIndex {
  readonly bucketSec: number;
  readonly originSec: number;
  private readonly starts: Int32Array;
  private readonly items: Int32Array;
  private readonly long: Int32Array;
  private readonly times: NoteTimes;

  constructor(times: NoteTimes) {
    this.times = times;
    const n = times.onsetSec.length;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, times.onsetSec[i]!);
      hi = Math.max(hi, times.offsetSec[i]!);
    }
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    }
    this.originSec = lo;
    const span = Math.max(hi - lo, 1e-3);
    const buckets = Math.max(1, Math.min(1 << 20, Math.ceil(n / NOTES_PER_BUCKET)));
    this.bucketSec = span / buckets;
    const B = Math.floor(span / this.bucketSec) + 1;
    const counts = new Int32Array(B + 1);
    const longList: number[] = [];
    for (let i = 0; i < n; i++) {
      const [a, b] = this.range(times.onsetSec[i]!, times.offsetSec[i]!, B);
      if (b - a + 1 > LONG_BUCKETS) longList.push(i);
      else for (let k = a; k <= b; k++) counts[k + 1]!++;
    }
    for (let k = 0; k < B; k++) counts[k + 1]! += counts[k]!;
    const items = new Int32Array(counts[B]!);
    const fill = counts.slice(0, B);
    for (let i = 0; i < n; i++) {
      const [a, b] = this.range(times.onsetSec[i]!, times.offsetSec[i]!, B);
      if (b - a + 1 > LONG_BUCKETS) continue;
      for (let k = a; k <= b; k++) items[fill[k]!++] = i;
    }
    this.starts = counts;
    this.items = items;
    this.long = Int32Array.from(longList);
  }

  get bucketCount(): number {
    return this.starts.length - 1;
  }

  private bucketOf(sec: number, B: number): number {
    const k = Math.floor((sec - this.originSec) / this.bucketSec);
    return k < 0 ? 0 : k >= B ? B - 1 : k;
  }

  private range(onset: number, offset: number, B: number): [number, number] {
    return [this.bucketOf(onset, B), this.bucketOf(Math.max(onset, offset), B)];
  }

  /**
   * Calls `visit(i)` once for every note overlapping [fromSec, toSec] (a note touching an end counts).
   * Returns how many it visited.
   */
  query(fromSec: number, toSec: number, visit: (i: number) => void): number {
    const { onsetSec, offsetSec } = this.times;
    const B = this.bucketCount;
    let count = 0;
    if (!(fromSec <= toSec)) return 0;
    const b0 = this.bucketOf(fromSec, B);
    const b1 = this.bucketOf(toSec, B);
    for (let b = b0; b <= b1; b++) {
      const end = this.starts[b + 1]!;
      for (let k = this.starts[b]!; k < end; k++) {
        const i = this.items[k]!;
        const on = onsetSec[i]!;
        if (b !== b0 && this.bucketOf(on, B) !== b) continue; // reported in an earlier bucket
        if (on > toSec || offsetSec[i]! < fromSec) continue;
        visit(i);
        count++;
      }
    }
    for (let k = 0; k < this.long.length; k++) {
      const i = this.long[k]!;
      if (onsetSec[i]! <= toSec && offsetSec[i]! >= fromSec) {
        visit(i);
        count++;
      }
    }
    return count;
  }

  /** The visible notes' indices as an array (tests, hit testing). */
  indicesIn(fromSec: number, toSec: number): number[] {
    const out: number[] = [];
    this.query(fromSec, toSec, (i) => out.push(i));
    return out;
  }
}

/** First index in a sorted array with a[i] >= x (for grid lines, pedal and tempo points). */
export function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
