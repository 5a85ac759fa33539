// Converts match-file onsets in beats (of the current time signature) to quarter notes on the unfolded timeline.

import type { MatchTimeSignature } from './match';

/**
 * A beats → quarters function for a time-signature map. A beat is the signature's denominator note,
 * so each segment contributes 4/denominator quarters per beat. Quarters are 0 where beats are 0;
 * times before the first change use the first signature (pickups have negative onsets).
 */
export function beatsToQuartersFn(map: readonly MatchTimeSignature[]): (beats: number) => number {
  if (map.length === 0) return (beats) => beats; // No signature given: quarter-note beats, as in 4/4.
  const starts: number[] = [];
  const quarters: number[] = [];
  const factors: number[] = map.map((t) => 4 / t.denominator);
  let q = map[0]!.onsetBeats * factors[0]!;
  for (let i = 0; i < map.length; i++) {
    if (i > 0) q += (map[i]!.onsetBeats - map[i - 1]!.onsetBeats) * factors[i - 1]!;
    starts.push(map[i]!.onsetBeats);
    quarters.push(q);
  }
  return (beats) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= beats) lo = mid;
      else hi = mid - 1;
    }
    return quarters[lo]! + (beats - starts[lo]!) * factors[lo]!;
  };
}
