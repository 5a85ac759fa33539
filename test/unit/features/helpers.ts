// Builds small score documents for feature tests.

import type { MidiDoc, Note } from '../../../server/midi/model';
import { TimeMap } from '../../../server/midi/timeMap';

export interface NoteSpec {
  pitch: number;
  /** Onset and duration in quarters. */
  q: number;
  d: number;
  velocity?: number;
}

export function scoreDoc(
  specs: NoteSpec[],
  opts: { ppq?: number; bpm?: number; ts?: { tick: number; numerator: number; denominator: number }[]; tempos?: { tick: number; usPerQuarter: number }[] } = {},
): MidiDoc {
  const ppq = opts.ppq ?? 480;
  const tm = new TimeMap(ppq, opts.tempos ?? [{ tick: 0, usPerQuarter: Math.round(60e6 / (opts.bpm ?? 120)) }]);
  const notes: Note[] = specs
    .map((s) => {
      const onsetTick = Math.round(s.q * ppq);
      const offsetTick = Math.round((s.q + s.d) * ppq);
      return { pitch: s.pitch, velocity: s.velocity ?? 64, onsetTick, offsetTick, onsetSec: tm.tickToSec(onsetTick), offsetSec: tm.tickToSec(offsetTick), track: 0, channel: 0 };
    })
    .sort((a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch);
  return {
    source: 'fixture.mid',
    format: 0,
    ppq,
    notes,
    sustain: [],
    pedal: [],
    tempos: [...tm.tempos],
    timeSignatures: opts.ts ?? [{ tick: 0, numerator: 4, denominator: 4 }],
    keySignatures: [],
    trackNames: [''],
    endTick: notes.reduce((m, n) => Math.max(m, n.offsetTick), 0),
    warnings: [],
  };
}

/** A two-voice fixture: a melody in eighths over half-note chords, `bars` bars of 4/4. */
export function twoVoiceScore(bars: number): MidiDoc {
  const specs: NoteSpec[] = [];
  for (let b = 0; b < bars; b++) {
    for (let k = 0; k < 8; k++) specs.push({ pitch: 72 + ((b + k) % 7), q: b * 4 + k * 0.5, d: 0.5, velocity: 60 + ((b * 8 + k) % 5) * 5 });
    for (const h of [0, 2]) for (const p of [48, 55, 64]) specs.push({ pitch: p, q: b * 4 + h, d: 2, velocity: 50 });
  }
  return scoreDoc(specs);
}
