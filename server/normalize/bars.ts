// Bar lines of a MIDI file as the file states them: from its time signatures and ppq, in ticks.
//
// Same rule as features/meter.ts: a time-signature change starts a new bar. Bars are listed up to the
// bar holding the last tick asked for, and their number is capped: a damaged file's absurd signature
// (denominator 2^255) or tick range must not make us list millions of bars.

import type { TimeSignatureEvent } from '../midi/model';

/** More bars than this is refused (the longest ASAP score has well under 1,000). */
export const MAX_BARS = 20_000;

export class TooManyBarsError extends Error {
  constructor(readonly bars: number) {
    super(`the file has more than ${MAX_BARS} bars at its time signatures (damaged signatures or tick range?)`);
    this.name = 'TooManyBarsError';
  }
}

export interface BarGrid {
  /** Start tick of each bar (fractional where ppq × 4 × num / den is not an integer), ascending. */
  startTick: number[];
  /** Length of each bar in ticks (shorter than the signature's bar where a signature change cuts it). */
  lengthTicks: number[];
}

/** Bars from tick 0 through the bar containing `lastTick`. */
export function barGrid(ppq: number, timeSignatures: readonly TimeSignatureEvent[], lastTick: number): BarGrid {
  const ts = [...timeSignatures].sort((a, b) => a.tick - b.tick);
  if (ts.length === 0 || ts[0]!.tick > 0) ts.unshift({ tick: 0, numerator: 4, denominator: 4 });
  const startTick: number[] = [];
  const lengthTicks: number[] = [];
  for (let s = 0; s < ts.length; s++) {
    const t = ts[s]!;
    const next = ts[s + 1];
    if (next && next.tick === t.tick) continue; // several signatures on one tick: the last one wins
    const num = t.numerator > 0 ? t.numerator : 4;
    const den = t.denominator > 0 ? t.denominator : 4;
    const barTicks = (ppq * 4 * num) / den;
    if (!(barTicks > 0) || !Number.isFinite(barTicks)) throw new TooManyBarsError(Infinity);
    const end = next ? next.tick : Math.max(lastTick + 1, t.tick + 1);
    for (let k = 0; ; k++) {
      const start = t.tick + k * barTicks;
      if (start >= end - 1e-9 || start > lastTick) break;
      if (startTick.length >= MAX_BARS) throw new TooManyBarsError(startTick.length);
      startTick.push(start);
      // A signature change cuts the bar before it short (a partial bar, as in Meter).
      lengthTicks.push(next ? Math.min(barTicks, next.tick - start) : barTicks);
    }
    if (!next || next.tick > lastTick) break;
  }
  if (startTick.length === 0) {
    startTick.push(0);
    lengthTicks.push(ppq * 4);
  }
  return { startTick, lengthTicks };
}

/** Index of the bar holding `tick` (binary search; ticks before 0 are bar 0, after the end the last bar). */
export function barOf(grid: BarGrid, tick: number): number {
  const s = grid.startTick;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid]! <= tick + 1e-9) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
