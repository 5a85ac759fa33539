// Small builders shared by the alignment tests: hand-made MidiDocs and the corpus location.

import path from 'node:path';
import type { MidiDoc, Note } from '../../../server/midi/model';

export const repoRoot = path.resolve(__dirname, '../../..');
export const asapDir = path.resolve(repoRoot, '../shared/data/asap');

/** A MidiDoc at 120 BPM (so seconds = ticks / (2 * ppq)) holding the given [pitch, onsetTick, durationTicks] notes. */
export function midiDoc(source: string, ppq: number, notes: Array<[number, number, number]>): MidiDoc {
  const secPerTick = 0.5 / ppq;
  const list: Note[] = notes
    .map(([pitch, onsetTick, dur]) => ({
      pitch,
      velocity: 64,
      onsetTick,
      offsetTick: onsetTick + dur,
      onsetSec: onsetTick * secPerTick,
      offsetSec: (onsetTick + dur) * secPerTick,
      track: 0,
      channel: 0,
    }))
    .sort((a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch);
  return {
    source,
    format: 0,
    ppq,
    notes: list,
    sustain: [],
    pedal: [],
    tempos: [{ tick: 0, usPerQuarter: 500_000, sec: 0 }],
    timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
    keySignatures: [],
    trackNames: [''],
    endTick: list.reduce((m, n) => Math.max(m, n.offsetTick), 0),
    warnings: [],
  };
}
