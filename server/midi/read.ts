// Reads a Standard MIDI File into the note model: bounded scan, note pairing, seconds from the tempo map.
//
// The read path uses our own scanner (scan.ts), not @tonejs/midi: the scanner must decode every event
// anyway to validate the file, and tonejs would re-pair notes differently (across channels, dropping
// unterminated notes silently), renumber tracks (it splits them by channel and drops an empty first
// track) and give tempo as float BPM. One parser means one set of rules.

import { readFileSync, statSync } from 'node:fs';
import { MidiReadError } from './errors';
import type { KeySignatureEvent, MidiDoc, Note, PedalEvent, PedalInterval, TimeSignatureEvent } from './model';
import { pairNotes } from './pairNotes';
import { MAX_FILE_BYTES, scanSmf, warningSink } from './scan';
import { TimeMap } from './timeMap';

/** A file longer than this (in seconds at its own tempo map) is refused as 'absurd-delta'. */
export const MAX_DURATION_SEC = 10 * 24 * 3600;

/** Parses SMF bytes. Throws MidiReadError (naming `source`) for anything it cannot read. */
export function parseMidi(bytes: Uint8Array, source: string): MidiDoc {
  try {
    return parseChecked(bytes, source);
  } catch (err) {
    if (err instanceof MidiReadError) throw err;
    // Not expected: the scanner validates everything. Still, no raw TypeError ever leaves the reader.
    const why = err instanceof Error ? err.message : String(err);
    throw new MidiReadError(source, 'internal', `could not be read (internal error: ${why})`, { cause: err });
  }
}

function parseChecked(bytes: Uint8Array, source: string): MidiDoc {
  const scan = scanSmf(bytes, source);
  const sink = warningSink(source);
  const tickNotes = pairNotes(scan.tracks, sink);
  const tm = new TimeMap(scan.ppq, scan.tempos);

  let endTick = 0;
  for (const t of scan.tracks) endTick = Math.max(endTick, t.endTick);
  for (const n of tickNotes) endTick = Math.max(endTick, n.offsetTick);
  const endSec = tm.tickToSec(endTick);
  if (!(endSec <= MAX_DURATION_SEC)) {
    throw new MidiReadError(source, 'absurd-delta', `the file lasts ${Math.round(endSec / 86400)} days at its tempo (absurd delta times)`);
  }

  const notes: Note[] = tickNotes.map((n) => ({
    pitch: n.pitch,
    velocity: n.velocity,
    onsetTick: n.onsetTick,
    offsetTick: n.offsetTick,
    onsetSec: tm.tickToSec(n.onsetTick),
    offsetSec: tm.tickToSec(n.offsetTick),
    track: n.track,
    channel: n.channel,
  }));
  notes.sort(
    (a, b) =>
      a.onsetTick - b.onsetTick || a.pitch - b.pitch || a.track - b.track || a.channel - b.channel || a.offsetTick - b.offsetTick,
  );
  const sustain: PedalEvent[] = [];
  for (const t of scan.tracks) {
    for (const e of t.sustain) sustain.push({ tick: e.tick, sec: tm.tickToSec(e.tick), value: e.value, track: t.index, channel: e.channel });
  }
  // Stable sort: events on one tick keep file order (track, then position), which decides the value.
  sustain.sort((a, b) => a.tick - b.tick);

  const timeSignatures: TimeSignatureEvent[] = [...scan.timeSignatures].sort((a, b) => a.tick - b.tick);
  if (timeSignatures.length === 0) timeSignatures.push({ tick: 0, numerator: 4, denominator: 4 });
  const keySignatures: KeySignatureEvent[] = [...scan.keySignatures].sort((a, b) => a.tick - b.tick);

  return {
    source,
    format: scan.format,
    ppq: scan.ppq,
    notes,
    sustain,
    pedal: pedalIntervals(sustain, tm, endTick),
    tempos: [...tm.tempos],
    timeSignatures,
    keySignatures,
    trackNames: scan.tracks.map((t) => t.name),
    endTick,
    warnings: [...scan.warnings, ...sink.finish()],
  };
}

/** Reads and parses a MIDI file; I/O problems and oversize files are MidiReadErrors too. */
export function readMidiFile(path: string): MidiDoc {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      throw new MidiReadError(path, 'too-large', `the file has ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
    }
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof MidiReadError) throw err;
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot be read (${err instanceof Error ? err.message : String(err)})`;
    throw new MidiReadError(path, 'io', why, { cause: err });
  }
  return parseMidi(bytes, path);
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
