// A take made ready for drawing: its note index and the ranges the axes need, computed once per take.

import type { RollTake } from '../../server/protocol/preview';
import { NoteIndex } from './noteIndex';

export interface PreparedTake {
  take: RollTake;
  index: NoteIndex;
  minPitch: number;
  maxPitch: number;
  minBpm: number;
  maxBpm: number;
}

export function prepareTake(take: RollTake): PreparedTake {
  let minPitch = 127;
  let maxPitch = 0;
  for (const p of take.notes.pitch) {
    if (p < minPitch) minPitch = p;
    if (p > maxPitch) maxPitch = p;
  }
  let minBpm = Infinity;
  let maxBpm = -Infinity;
  for (const b of take.tempo.bpm) {
    if (b < minBpm) minBpm = b;
    if (b > maxBpm) maxBpm = b;
  }
  if (!(minBpm <= maxBpm)) {
    minBpm = 120;
    maxBpm = 120;
  }
  return { take, index: new NoteIndex(take.notes), minPitch, maxPitch, minBpm, maxBpm };
}

/** Alpha for a humanized note from the model's confidence: never invisible, fully opaque when sure. */
export const confidenceAlpha = (c: number): number => 0.2 + 0.8 * Math.min(1, Math.max(0, c));

/** Confidence alpha quantized to this many levels, so a frame fills one path per level. */
export const ALPHA_LEVELS = 8;
export const alphaLevel = (c: number): number => Math.min(ALPHA_LEVELS - 1, Math.floor(Math.min(1, Math.max(0, c)) * ALPHA_LEVELS));
