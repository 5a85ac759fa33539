// Bar and beat positions of score ticks from the time-signature map.

import type { TimeSignatureEvent } from '../midi/model';

export interface MetricPosition {
  /** 0-based bar index counted from the start of the file (a pickup is bar 0). */
  bar: number;
  /** Position in the bar, 0 (downbeat) .. <1. */
  barPhase: number;
  /** Position within the beat (the time-signature denominator note), 0 .. <1. */
  beatPhase: number;
  /** Beat index within the bar, 0-based. */
  beatInBar: number;
  numerator: number;
  denominator: number;
  /** Bar length in ticks at this position. */
  barTicks: number;
}

interface Segment {
  tick: number;
  firstBar: number;
  numerator: number;
  denominator: number;
  barTicks: number;
}

/** Maps ticks to metric positions; time-signature changes are taken to start a bar (as in SMF practice). */
export class Meter {
  private readonly segments: Segment[];
  private readonly ppq: number;

  constructor(ppq: number, timeSignatures: readonly TimeSignatureEvent[]) {
    this.ppq = ppq;
    const ts = [...timeSignatures].sort((a, b) => a.tick - b.tick);
    if (ts.length === 0 || ts[0]!.tick > 0) ts.unshift({ tick: 0, numerator: 4, denominator: 4 });
    const segs: Segment[] = [];
    for (const t of ts) {
      const num = t.numerator > 0 ? t.numerator : 4;
      const den = t.denominator > 0 ? t.denominator : 4;
      const barTicks = (ppq * 4 * num) / den;
      const prev = segs[segs.length - 1];
      let firstBar = 0;
      if (prev) {
        if (prev.tick === t.tick) segs.pop();
        const p = segs[segs.length - 1];
        firstBar = p ? p.firstBar + Math.ceil((t.tick - p.tick) / p.barTicks - 1e-9) : 0;
      }
      segs.push({ tick: t.tick, firstBar, numerator: num, denominator: den, barTicks });
    }
    this.segments = segs;
  }

  at(tick: number): MetricPosition {
    let s = this.segments[0]!;
    for (const seg of this.segments) {
      if (seg.tick <= tick) s = seg;
      else break;
    }
    const rel = tick - s.tick;
    const barsIn = Math.floor(rel / s.barTicks + 1e-9);
    const inBar = rel - barsIn * s.barTicks;
    const beatTicks = (this.ppq * 4) / s.denominator;
    const beatsIn = Math.floor(inBar / beatTicks + 1e-9);
    return {
      bar: s.firstBar + barsIn,
      barPhase: clamp01(inBar / s.barTicks),
      beatPhase: clamp01((inBar - beatsIn * beatTicks) / beatTicks),
      beatInBar: beatsIn,
      numerator: s.numerator,
      denominator: s.denominator,
      barTicks: s.barTicks,
    };
  }
}

function clamp01(x: number): number {
  // Values within a rounding error of 1 are the next downbeat, not the end of this bar.
  return x < 1e-9 || x > 1 - 1e-9 ? 0 : x;
}
