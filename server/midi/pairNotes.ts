// Pairs note-on and note-off events of each track into notes (in ticks), with counted warnings.
//
// Pairing is per (track, channel, pitch) and first-in-first-out: a note-off ends the OLDEST sounding
// note of its key. FIFO is what the writer's event order reproduces, so read -> write -> read is
// stable, and it turns the common "re-strike before the old note-off" order into two sensible
// notes instead of a zero-length one (LIFO's result).

import type { RawTrack, WarningSink } from './scan';

/** A paired note, times in ticks; seconds are added by the reader. */
export interface TickNote {
  pitch: number;
  velocity: number;
  onsetTick: number;
  offsetTick: number;
  track: number;
  channel: number;
}

/** Pairs every track's note events. Warnings are counted per kind and reported once per file. */
export function pairNotes(tracks: readonly RawTrack[], sink: WarningSink): TickNote[] {
  const notes: TickNote[] = [];
  let orphanOffs = 0;
  let overlapping = 0;
  let unterminated = 0;
  for (const track of tracks) {
    // Open notes per key = channel * 128 + pitch; each queue holds onsets in arrival order.
    const open = new Map<number, { tick: number; velocity: number }[]>();
    for (const e of track.noteEvents) {
      const key = e.channel * 128 + e.pitch;
      let queue = open.get(key);
      if (e.on) {
        if (!queue) {
          queue = [];
          open.set(key, queue);
        }
        if (queue.length > 0) overlapping++;
        queue.push({ tick: e.tick, velocity: e.velocity });
        continue;
      }
      const first = queue?.shift();
      if (!first) {
        orphanOffs++;
        continue;
      }
      notes.push({ pitch: e.pitch, velocity: first.velocity, onsetTick: first.tick, offsetTick: e.tick, track: track.index, channel: e.channel });
    }
    for (const [key, queue] of open) {
      for (const on of queue) {
        unterminated++;
        notes.push({ pitch: key % 128, velocity: on.velocity, onsetTick: on.tick, offsetTick: Math.max(on.tick, track.endTick), track: track.index, channel: Math.floor(key / 128) });
      }
    }
  }
  if (unterminated > 0) sink.warn('unterminated-note', `${unterminated} notes never switched off (closed at the end of their track)`);
  if (orphanOffs > 0) sink.warn('orphan-note-off', `${orphanOffs} note-offs without a sounding note (ignored)`);
  if (overlapping > 0) sink.warn('overlapping-note', `${overlapping} notes start while the same key is still sounding on the same channel (paired first-in-first-out)`);
  const zeroLength = notes.reduce((n, x) => n + (x.offsetTick === x.onsetTick ? 1 : 0), 0);
  if (zeroLength > 0) sink.warn('zero-length-note', `${zeroLength} zero-length notes (kept)`);
  return notes;
}
