// Tick <-> second conversion from a tempo map, in float64 and without accumulated rounding.

import type { TempoEvent } from './model';

export const DEFAULT_US_PER_QUARTER = 500_000;

/**
 * Converts between ticks and seconds. Each tempo segment stores its start second, computed once in
 * float64 from the previous segment; a time inside a segment is one multiply-add from its start, so
 * errors never build up with the number of notes (the float32-drift bug the users were burned by).
 */
export class TimeMap {
  readonly tempos: readonly TempoEvent[];
  private readonly ppq: number;

  constructor(ppq: number, changes: ReadonlyArray<{ tick: number; usPerQuarter: number }>) {
    if (!(ppq > 0)) throw new RangeError(`TimeMap: ppq must be positive, got ${ppq}`);
    this.ppq = ppq;
    const sorted = [...changes].sort((a, b) => a.tick - b.tick);
    const segs: TempoEvent[] = [];
    if (sorted.length === 0 || sorted[0]!.tick > 0) {
      segs.push({ tick: 0, usPerQuarter: DEFAULT_US_PER_QUARTER, sec: 0 });
    }
    for (const c of sorted) {
      const last = segs[segs.length - 1];
      if (last && last.tick === c.tick) {
        // Several tempo events on one tick: the last one wins, as in every sequencer.
        segs[segs.length - 1] = { tick: c.tick, usPerQuarter: c.usPerQuarter, sec: last.sec };
        continue;
      }
      const sec = last ? last.sec + ((c.tick - last.tick) * last.usPerQuarter) / (1e6 * ppq) : 0;
      segs.push({ tick: c.tick, usPerQuarter: c.usPerQuarter, sec });
    }
    this.tempos = segs;
  }

  /** Seconds at a tick (ticks may be fractional). */
  tickToSec(tick: number): number {
    const s = this.segmentForTick(tick);
    return s.sec + ((tick - s.tick) * s.usPerQuarter) / (1e6 * this.ppq);
  }

  /** Ticks (fractional) at a time in seconds. */
  secToTick(sec: number): number {
    const segs = this.tempos;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.sec <= sec) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo]!;
    return s.tick + ((sec - s.sec) * 1e6 * this.ppq) / s.usPerQuarter;
  }

  /** Quarter-note tempo in BPM at a tick. */
  bpmAt(tick: number): number {
    return 60e6 / this.segmentForTick(tick).usPerQuarter;
  }

  private segmentForTick(tick: number): TempoEvent {
    const segs = this.tempos;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.tick <= tick) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo]!;
  }
}
