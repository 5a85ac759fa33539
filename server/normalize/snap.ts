// Snap-to-grid: the plain quantizer (one of the evaluation's baselines) and the normalizer's last step.
//
// The grid is the union of 32nd notes (1/8 beat) and 16th-note triplets (1/12 beat), counted from each
// bar line, so triplets stay triplets in 3/8 or 7/8 bars too. An onset moves to its nearest grid point
// only when it lies within `radiusBeats` of it; its offset moves with it (durations are kept), then
// the offset itself snaps under the same rule if that keeps the note sounding. Snapping never
// reorders notes by more than the radius and never touches pitch or count.

import { barOf, type BarGrid } from './bars';

/** Grid steps in quarter notes. */
export const GRID_STEPS_BEATS: readonly number[] = Object.freeze([1 / 8, 1 / 12]);

export interface SnapOptions {
  /** Largest move, in quarter notes (below half the smallest grid gap, 1/48, to stay unambiguous). */
  radiusBeats: number;
}

/** Default radius: just under half of the 1/24-beat gap between neighbouring grid points. */
export const DEFAULT_SNAP: Readonly<SnapOptions> = Object.freeze({ radiusBeats: 0.02 });

/** Nearest grid point to `tick` in its bar (ticks, may be fractional). */
export function nearestGridTick(tick: number, grid: BarGrid, ppq: number): number {
  const b = barOf(grid, tick);
  const start = grid.startTick[b]!;
  let best = start;
  for (const step of GRID_STEPS_BEATS) {
    const g = step * ppq;
    const p = start + Math.round((tick - start) / g) * g;
    if (Math.abs(p - tick) < Math.abs(best - tick)) best = p;
  }
  // The next bar line can be nearer than the last grid point of an irregular (partial) bar.
  const next = grid.startTick[b + 1];
  if (next !== undefined && Math.abs(next - tick) < Math.abs(best - tick)) best = next;
  return best;
}

/** Snaps onsets (and moves offsets with them) in place; see the file comment. */
export function snapTicks(onset: Float64Array, offset: Float64Array, grid: BarGrid, ppq: number, opts: SnapOptions): void {
  const radius = opts.radiusBeats * ppq;
  if (!(radius > 0)) return;
  for (let i = 0; i < onset.length; i++) {
    const on = onset[i]!;
    const target = nearestGridTick(on, grid, ppq);
    if (Math.abs(target - on) > radius) continue;
    const shift = target - on;
    onset[i] = target;
    let off = offset[i]! + shift;
    const offTarget = nearestGridTick(off, grid, ppq);
    if (Math.abs(offTarget - off) <= radius && offTarget > target) off = offTarget;
    offset[i] = Math.max(off, target);
  }
}
