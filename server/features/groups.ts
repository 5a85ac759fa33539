// Onset groups of a score: the notes that a pianist plays "together", the unit of local tempo.

import type { MidiDoc } from '../midi/model';

/**
 * Notes starting less than this fraction of a quarter before the next onset belong to that next
 * onset's group: they are grace notes or spread-chord notes written as tiny offsets. Without this
 * a grace note 10 ticks before its principal makes a "tempo" from a 20 ms score IOI, the largest
 * outliers in the corpus.
 */
export const GRACE_FRACTION_OF_QUARTER = 1 / 16;

export interface OnsetGroup {
  /** Score tick of the group's principal onset (its latest onset). */
  tick: number;
  /** Score time of `tick` in seconds at the notated tempo. */
  sec: number;
  /** Indices into `doc.notes`, ascending. */
  noteIndices: number[];
  /** Indices of the notes that start exactly at `tick` (the chord proper, without graces). */
  principal: number[];
}

/** Groups `doc.notes` (sorted by onset) into onset groups; returns groups in time order. */
export function onsetGroups(doc: MidiDoc, tickToSec: (tick: number) => number): OnsetGroup[] {
  const notes = doc.notes;
  const ticks: number[] = [];
  for (const n of notes) if (ticks.length === 0 || ticks[ticks.length - 1] !== n.onsetTick) ticks.push(n.onsetTick);
  // Walk backwards so a run of graces (t1 < t2 < principal) all attach to the principal.
  const graceGap = doc.ppq * GRACE_FRACTION_OF_QUARTER;
  const groupTickOf = new Map<number, number>();
  let principalTick = Number.NaN;
  for (let i = ticks.length - 1; i >= 0; i--) {
    const t = ticks[i]!;
    const next = ticks[i + 1];
    if (next === undefined || next - t >= graceGap) principalTick = t;
    groupTickOf.set(t, principalTick);
  }
  const groups: OnsetGroup[] = [];
  const byTick = new Map<number, OnsetGroup>();
  notes.forEach((n, i) => {
    const gt = groupTickOf.get(n.onsetTick)!;
    let g = byTick.get(gt);
    if (!g) {
      g = { tick: gt, sec: tickToSec(gt), noteIndices: [], principal: [] };
      byTick.set(gt, g);
      groups.push(g);
    }
    g.noteIndices.push(i);
    if (n.onsetTick === gt) g.principal.push(i);
  });
  groups.sort((a, b) => a.tick - b.tick);
  return groups;
}
