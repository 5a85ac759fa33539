// The metric history the charts draw: per run and metric, growing typed arrays of step, wall time and value,
// plus the smoothed values kept up to date incrementally.
//
// Why typed arrays that double: appends at trainer speed for 10^5+ points stay O(1) amortised and the
// arrays feed the downsampler without copying. Why truncate on a step that goes back: a resumed run replays
// steps after its checkpoint, and the replay is the run's history from there (as TensorBoard shows it), so
// x stays non-decreasing within a series.

import type { MetricRow } from '../../server/protocol/runs';
import { checkEmaWeight, emaInto, newEmaState, type EmaState } from './ema';

export class GrowingSeries {
  step: Float64Array = new Float64Array(16);
  /** Seconds since the run's first row with a wall time; NaN when the row had none. */
  wall: Float64Array = new Float64Array(16);
  value: Float64Array = new Float64Array(16);
  smoothed: Float64Array = new Float64Array(16);
  length = 0;
  /** smoothed[0..smoothedLength) is valid for `smoothedWeight`. */
  private smoothedLength = 0;
  private smoothedWeight = 0;
  private ema: EmaState = newEmaState();

  push(step: number, wall: number, value: number): void {
    if (this.length > 0 && step <= this.step[this.length - 1]!) this.truncateFrom(step);
    if (this.length === this.step.length) this.grow();
    this.step[this.length] = step;
    this.wall[this.length] = wall;
    this.value[this.length] = value;
    this.length++;
  }

  /** Drops every point at or after `step` (binary search: steps are non-decreasing). */
  truncateFrom(step: number): void {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.step[mid]! < step) lo = mid + 1;
      else hi = mid;
    }
    this.length = lo;
    if (this.smoothedLength > lo) {
      // The EMA state cannot be rewound: recompute from the start on the next read.
      this.smoothedLength = 0;
      this.ema = newEmaState();
    }
  }

  /** Smoothed values for `weight`, updated for new points only (a new weight recomputes once). */
  smoothedFor(weight: number): Float64Array {
    checkEmaWeight(weight);
    if (weight !== this.smoothedWeight) {
      this.smoothedWeight = weight;
      this.smoothedLength = 0;
      this.ema = newEmaState();
    }
    if (this.smoothed.length < this.value.length) {
      const s = new Float64Array(this.value.length);
      s.set(this.smoothed.subarray(0, this.smoothedLength));
      this.smoothed = s;
    }
    emaInto(this.value, this.smoothed, this.smoothedLength, this.length, weight, this.ema);
    this.smoothedLength = this.length;
    return this.smoothed;
  }

  private grow(): void {
    const cap = this.step.length * 2;
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.step = g(this.step);
    this.wall = g(this.wall);
    this.value = g(this.value);
  }
}

export class RunSeries {
  readonly metrics = new Map<string, GrowingSeries>();
  /** The first wall time seen: x by wall time is relative to it, so runs started at different times overlay. */
  wallOrigin: number | null = null;
  rows = 0;

  add(row: MetricRow): void {
    this.rows++;
    if (row.wallTime !== null && this.wallOrigin === null) this.wallOrigin = row.wallTime;
    const wall = row.wallTime === null || this.wallOrigin === null ? NaN : row.wallTime - this.wallOrigin;
    for (const [name, v] of Object.entries(row.values)) {
      if (v === null || !Number.isFinite(v)) continue;
      let s = this.metrics.get(name);
      if (!s) this.metrics.set(name, (s = new GrowingSeries()));
      s.push(row.step, wall, v);
    }
  }

  points(): number {
    let n = 0;
    for (const s of this.metrics.values()) n += s.length;
    return n;
  }
}
