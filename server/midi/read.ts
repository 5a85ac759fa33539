// Reads a Standard MIDI File into the note model (first version: @tonejs/midi, no validation yet).

import { readFileSync } from 'node:fs';
import { Midi } from '@tonejs/midi';
import type { MidiDoc, Note, PedalEvent, PedalInterval } from './model';
import { TimeMap } from './timeMap';

export function parseMidi(bytes: Uint8Array, source: string): MidiDoc {
  const midi = new Midi(bytes);
  const ppq = midi.header.ppq;
  const tm = new TimeMap(
    ppq,
    midi.header.tempos.map((t) => ({ tick: t.ticks, usPerQuarter: Math.round(60e6 / t.bpm) })),
  );
  const notes: Note[] = [];
  const sustain: PedalEvent[] = [];
  midi.tracks.forEach((track, ti) => {
    for (const n of track.notes) {
      const onsetTick = n.ticks;
      const offsetTick = n.ticks + n.durationTicks;
      notes.push({
        pitch: n.midi,
        velocity: Math.max(1, Math.round(n.velocity * 127)),
        onsetTick,
        offsetTick,
        onsetSec: tm.tickToSec(onsetTick),
        offsetSec: tm.tickToSec(offsetTick),
        track: ti,
        channel: track.channel,
      });
    }
    for (const cc of track.controlChanges[64] ?? []) {
      sustain.push({ tick: cc.ticks, sec: tm.tickToSec(cc.ticks), value: Math.round(cc.value * 127), track: ti, channel: track.channel });
    }
  });
  notes.sort((a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch);
  sustain.sort((a, b) => a.tick - b.tick);
  const endTick = midi.durationTicks;
  return {
    source,
    format: midi.tracks.length > 1 ? 1 : 0,
    ppq,
    notes,
    sustain,
    pedal: pedalIntervals(sustain, tm, endTick),
    tempos: [...tm.tempos],
    timeSignatures: midi.header.timeSignatures.length
      ? midi.header.timeSignatures.map((t) => ({ tick: t.ticks, numerator: t.timeSignature[0] ?? 4, denominator: t.timeSignature[1] ?? 4 }))
      : [{ tick: 0, numerator: 4, denominator: 4 }],
    keySignatures: [],
    trackNames: midi.tracks.map((t) => t.name),
    endTick,
    warnings: [],
  };
}

export function readMidiFile(path: string): MidiDoc {
  return parseMidi(readFileSync(path), path);
}

/** Pedal-down spans (value >= 64) per channel; an unreleased pedal ends at the last tick. */
export function pedalIntervals(events: readonly PedalEvent[], tm: TimeMap, endTick: number): PedalInterval[] {
  const open = new Map<number, number>();
  const out: PedalInterval[] = [];
  for (const e of events) {
    const down = e.value >= 64;
    const start = open.get(e.channel);
    if (down && start === undefined) open.set(e.channel, e.tick);
    else if (!down && start !== undefined) {
      out.push({ startTick: start, endTick: e.tick, startSec: tm.tickToSec(start), endSec: e.sec, channel: e.channel });
      open.delete(e.channel);
    }
  }
  for (const [channel, start] of open) {
    const end = Math.max(endTick, start);
    out.push({ startTick: start, endTick: end, startSec: tm.tickToSec(start), endSec: tm.tickToSec(end), channel });
  }
  return out.sort((a, b) => a.startTick - b.startTick);
}
