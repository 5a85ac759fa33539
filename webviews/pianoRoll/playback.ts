// Pure parts of playback: how long each note sounds (the sustain pedal holds a released key until the
// pedal comes up) and the notes in onset order for the scheduler. Unit-tested.

import type { RollNotes, RollPedal } from '../../server/protocol/preview';
import { lowerBound } from './noteIndex';

export interface PlaybackPlan {
  /** Note indices by onset. */
  order: Int32Array;
  /** Onsets in that order (for binary search from a seek position). */
  onsetSorted: Float64Array;
  /** Per note (original index): when the sound is released, pedal included. */
  soundingOffsetSec: Float64Array;
}

export function planPlayback(notes: RollNotes, pedal: RollPedal): PlaybackPlan {
  const n = notes.pitch.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => notes.onsetSec[a]! - notes.onsetSec[b]! || a - b);
  const onsetSorted = Float64Array.from(order, (i) => notes.onsetSec[i]!);
  // Pedal intervals sorted by start; a released key keeps sounding until the interval around its release ends.
  const ped = Array.from(pedal.startSec, (s, i) => [s, pedal.endSec[i]!] as const).sort((a, b) => a[0] - b[0]);
  const starts = ped.map((p) => p[0]);
  // Running max of ends, so overlapping intervals (several channels) are merged by the lookup.
  const reach: number[] = [];
  ped.forEach((p, i) => reach.push(Math.max(p[1], i ? reach[i - 1]! : -Infinity)));
  const soundingOffsetSec = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const off = notes.offsetSec[i]!;
    const k = lowerBound(starts, off + 1e-9) - 1; // last interval starting at or before the release
    soundingOffsetSec[i] = k >= 0 && reach[k]! > off ? reach[k]! : off;
  }
  return { order, onsetSorted, soundingOffsetSec };
}

/** Position in `order` of the first note starting at or after `sec`. */
export const firstAtOrAfter = (plan: PlaybackPlan, sec: number): number => lowerBound(plan.onsetSorted, sec);
