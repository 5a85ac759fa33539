// Per-note feature values of one performance, the raw material of the distribution metrics.
//
// Definitions (matched by the Python trainer):
// - velocity: each note's velocity (may be fractional for raw model output; must lie in [0, 127]).
// - IOI in ms: onsets sorted ascending, exact duplicates dropped (a chord struck at one instant has no
//   inner IOI), then 1000 · (onset[k+1] − onset[k]) for consecutive distinct onsets.
// - duration in ms: 1000 · (offsetSec − onsetSec) per note; must be >= 0.
// - pedal: the sustain (CC64) value in force at each note onset. The pedal events form a step function:
//   events are ordered by time (stable, so of two events at one instant the later in the list wins) and
//   the value at onset t is that of the last event with sec <= t; 0 when no event precedes.
// Bad input (unequal column lengths, non-finite numbers, a value out of range) is a RangeError naming
// the performance (`label`) and the index.

import { assertFiniteSeries } from './validate';

/** One performance as columns, one entry per note (any order), plus its sustain-pedal events. */
export interface PerformanceNotes {
  onsetSec: number[];
  offsetSec: number[];
  velocity: number[];
  /** Sustain pedal (CC64) changes; value 0..127. Any order. */
  pedal: { sec: number; value: number }[];
}

export interface PerformanceFeatureValues {
  velocity: number[];
  ioiMs: number[];
  durationMs: number[];
  pedal: number[];
}

/** Checks the shape and ranges of a performance; throws RangeError naming `label` and the index. */
export function validatePerformanceNotes(perf: PerformanceNotes, label: string): void {
  const n = perf.onsetSec.length;
  for (const column of ['offsetSec', 'velocity'] as const) {
    if (perf[column].length !== n) {
      throw new RangeError(`${label}: ${column} has ${perf[column].length} values but onsetSec has ${n}`);
    }
  }
  assertFiniteSeries(perf.onsetSec, `${label}.onsetSec`);
  assertFiniteSeries(perf.offsetSec, `${label}.offsetSec`);
  assertFiniteSeries(perf.velocity, `${label}.velocity`);
  for (let i = 0; i < n; i++) {
    const on = perf.onsetSec[i] as number;
    const off = perf.offsetSec[i] as number;
    if (off < on) throw new RangeError(`${label}: note ${i} ends before it starts (onsetSec ${on}, offsetSec ${off})`);
    const v = perf.velocity[i] as number;
    if (v < 0 || v > 127) throw new RangeError(`${label}.velocity[${i}] is ${v}, outside 0..127`);
  }
  perf.pedal.forEach((e, i) => {
    if (!Number.isFinite(e.sec)) throw new RangeError(`${label}.pedal[${i}].sec is ${String(e.sec)}; it must be finite`);
    if (!Number.isFinite(e.value) || e.value < 0 || e.value > 127) {
      throw new RangeError(`${label}.pedal[${i}].value is ${String(e.value)}, outside 0..127`);
    }
  });
}

/** IOIs in ms between consecutive distinct onsets, in time order. */
export function interOnsetIntervalsMs(onsetSec: readonly number[]): number[] {
  const sorted = [...onsetSec].sort((a, b) => a - b);
  const out: number[] = [];
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1] as number;
    const cur = sorted[k] as number;
    if (cur > prev) out.push(1000 * (cur - prev));
  }
  return out;
}

/** Sustain value in force at each time in `atSec` (step function of `events`, 0 before the first). */
export function pedalValuesAt(events: readonly { sec: number; value: number }[], atSec: readonly number[]): number[] {
  // Array.prototype.sort is stable (ES2019), which gives "the later of two simultaneous events wins".
  const ordered = [...events].sort((a, b) => a.sec - b.sec);
  return atSec.map((t) => {
    // Last event with sec <= t, by binary search.
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ordered[mid] as { sec: number }).sec <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : (ordered[lo - 1] as { value: number }).value;
  });
}

/** All four feature value lists of one validated performance. */
export function performanceFeatureValues(perf: PerformanceNotes, label: string): PerformanceFeatureValues {
  validatePerformanceNotes(perf, label);
  return {
    velocity: [...perf.velocity],
    ioiMs: interOnsetIntervalsMs(perf.onsetSec),
    durationMs: perf.onsetSec.map((on, i) => 1000 * ((perf.offsetSec[i] as number) - on)),
    pedal: pedalValuesAt(perf.pedal, perf.onsetSec),
  };
}
