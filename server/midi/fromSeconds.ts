// Builds a valid MidiDoc from notes given in seconds at one fixed tempo (MAESTRO style), for writing
// performances: the humanizer thinks in seconds, the file needs ticks.

import { MidiWriteError } from './errors';
import type { MidiDoc, Note, PedalEvent } from './model';
import { pedalIntervals } from './read';
import { TimeMap } from './timeMap';

export interface SecondsNote {
  pitch: number;
  /** Rounded to an integer and clamped to 1..127 (a model's output is a real number). */
  velocity: number;
  onsetSec: number;
  offsetSec: number;
  /** Default 0. */
  channel?: number;
}

export interface SecondsDocInput {
  /** Label for the document (usually the path it will be written to). Default 'performance'. */
  source?: string;
  notes: readonly SecondsNote[];
  /** Sustain pedal (CC64) values; rounded and clamped to 0..127. */
  sustain?: ReadonlyArray<{ sec: number; value: number; channel?: number }>;
  /** Ticks per quarter; default 480. */
  ppq?: number;
  /** The one tempo; default 500000 µs per quarter (120 BPM), so a tick is 1/960 s at 480 ppq. */
  usPerQuarter?: number;
  /** Name of the note track; default 'Piano'. */
  trackName?: string;
}

/**
 * A format-1 document: track 0 holds the tempo (and 4/4), track 1 channel 0 the notes and pedal.
 * Times are rounded to the nearest tick and the seconds recomputed from the ticks, so the document
 * equals what reading the written file gives back.
 */
export function docFromSeconds(input: SecondsDocInput): MidiDoc {
  const source = input.source ?? 'performance';
  const ppq = input.ppq ?? 480;
  const usPerQuarter = input.usPerQuarter ?? 500_000;
  const bad = (problem: string): never => {
    throw new MidiWriteError(source, 'invalid-doc', problem);
  };
  if (!Number.isInteger(ppq) || ppq < 1 || ppq > 0x7fff) bad(`ppq ${ppq} must be an integer 1..32767`);
  if (!Number.isInteger(usPerQuarter) || usPerQuarter < 1 || usPerQuarter > 0xffffff) bad(`tempo ${usPerQuarter} µs per quarter is out of range`);
  const tm = new TimeMap(ppq, [{ tick: 0, usPerQuarter }]);
  const toTick = (sec: number, what: string): number => {
    if (!Number.isFinite(sec) || sec < 0) bad(`${what}: time ${sec} s must be finite and not negative`);
    return Math.round(tm.secToTick(sec));
  };
  const clampInt = (x: number, lo: number, hi: number, what: string): number => {
    if (!Number.isFinite(x)) bad(`${what} is not a finite number`);
    return Math.min(hi, Math.max(lo, Math.round(x)));
  };

  const notes: Note[] = input.notes.map((n, i) => {
    const where = `note ${i}`;
    if (!Number.isInteger(n.pitch) || n.pitch < 0 || n.pitch > 127) bad(`${where}: pitch ${n.pitch} must be an integer 0..127`);
    const channel = n.channel ?? 0;
    if (!Number.isInteger(channel) || channel < 0 || channel > 15) bad(`${where}: channel ${channel} must be an integer 0..15`);
    if (n.offsetSec < n.onsetSec) bad(`${where}: offset ${n.offsetSec} s is before onset ${n.onsetSec} s`);
    const onsetTick = toTick(n.onsetSec, where);
    const offsetTick = toTick(n.offsetSec, where);
    return {
      pitch: n.pitch,
      velocity: clampInt(n.velocity, 1, 127, `${where}: velocity`),
      onsetTick,
      offsetTick,
      onsetSec: tm.tickToSec(onsetTick),
      offsetSec: tm.tickToSec(offsetTick),
      track: 1,
      channel,
    };
  });
  notes.sort((a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch || a.channel - b.channel || a.offsetTick - b.offsetTick);

  const sustain: PedalEvent[] = (input.sustain ?? []).map((p, i) => {
    const tick = toTick(p.sec, `pedal event ${i}`);
    const channel = p.channel ?? 0;
    if (!Number.isInteger(channel) || channel < 0 || channel > 15) bad(`pedal event ${i}: channel ${channel} must be an integer 0..15`);
    return { tick, sec: tm.tickToSec(tick), value: clampInt(p.value, 0, 127, `pedal event ${i}: value`), track: 1, channel };
  });
  sustain.sort((a, b) => a.tick - b.tick);

  let endTick = 0;
  for (const n of notes) endTick = Math.max(endTick, n.offsetTick);
  for (const p of sustain) endTick = Math.max(endTick, p.tick);
  return {
    source,
    format: 1,
    ppq,
    notes,
    sustain,
    pedal: pedalIntervals(sustain, tm, endTick),
    tempos: [...tm.tempos],
    timeSignatures: [{ tick: 0, numerator: 4, denominator: 4 }],
    keySignatures: [],
    trackNames: ['', input.trackName ?? 'Piano'],
    endTick,
    warnings: [],
  };
}
