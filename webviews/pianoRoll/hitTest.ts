// Which note is under the pointer. Pure: unit-tested with real notes.

import type { RollNotes } from '../../server/protocol/preview';
import type { NoteIndex } from './noteIndex';
import { xToSec, yToPitch, type PitchView, type TimeView } from './scale';

/** Pixels of slack around short notes so they can still be hovered. */
const SLACK_PX = 2;

/**
 * The note at (x, y) in plot coordinates (x from the roll's left, y from its top), or -1. Among
 * overlapping notes of that key the one that started last wins (it is drawn on top).
 */
export function noteAt(notes: RollNotes, index: NoteIndex, time: TimeView, pitch: PitchView, heightPx: number, x: number, y: number): number {
  const key = yToPitch(pitch, y, heightPx);
  const t = xToSec(time, x);
  const slack = SLACK_PX * time.secPerPx;
  let best = -1;
  index.query(t - slack, t + slack, (i) => {
    if (notes.pitch[i] !== key) return;
    if (best < 0 || notes.onsetSec[i]! >= notes.onsetSec[best]!) best = i;
  });
  return best;
}
