// A MidiDoc as one piano-roll take: columnar notes, pedal intervals, the tempo curve and bar/beat lines.

import type { MidiDoc } from '../midi/model';
import { TimeMap } from '../midi/timeMap';
import type { RollGrid, RollNotes, RollPedal, RollTake, RollTempo } from '../protocol/preview';

/** More grid lines than this are not drawable anyway; beats are dropped first, then bars thinned. */
export const MAX_GRID_LINES = 200_000;

export function scoreTake(doc: MidiDoc): RollTake {
  const tm = new TimeMap(doc.ppq, doc.tempos);
  const notes = notesOf(doc);
  const endSec = Math.max(tm.tickToSec(doc.endTick), ...maxOf(notes.offsetSec));
  return {
    notes,
    pedal: pedalOf(doc),
    tempo: tempoOf(doc),
    grid: gridOf(doc, tm),
    durationSec: endSec,
  };
}

function maxOf(xs: number[]): number[] {
  let m = 0;
  for (const x of xs) if (x > m) m = x;
  return [m];
}

export function notesOf(doc: MidiDoc): RollNotes {
  const n = doc.notes.length;
  const out: RollNotes = { pitch: new Array<number>(n), onsetSec: new Array<number>(n), offsetSec: new Array<number>(n), velocity: new Array<number>(n), track: new Array<number>(n), channel: new Array<number>(n) };
  doc.notes.forEach((x, i) => {
    out.pitch[i] = x.pitch;
    out.onsetSec[i] = x.onsetSec;
    out.offsetSec[i] = x.offsetSec;
    out.velocity[i] = x.velocity;
    out.track[i] = x.track;
    out.channel[i] = x.channel;
  });
  return out;
}

export function pedalOf(doc: MidiDoc): RollPedal {
  return { startSec: doc.pedal.map((p) => p.startSec), endSec: doc.pedal.map((p) => p.endSec) };
}

/** The tempo map as a step curve in quarter-note BPM (the TimeMap always has a segment at 0). */
export function tempoOf(doc: MidiDoc): RollTempo {
  const tm = new TimeMap(doc.ppq, doc.tempos);
  return { sec: tm.tempos.map((t) => t.sec), bpm: tm.tempos.map((t) => 60e6 / t.usPerQuarter) };
}

/**
 * Bar and beat lines from the time signatures, following `Meter` (server/features/meter.ts): a
 * time-signature change starts a bar, bars are counted from the start of the file. Bar numbers are
 * 1-based (the first bar of the file is bar 1).
 */
export function gridOf(doc: MidiDoc, tm: TimeMap = new TimeMap(doc.ppq, doc.tempos)): RollGrid {
  const ts = [...doc.timeSignatures].sort((a, b) => a.tick - b.tick);
  if (ts.length === 0 || ts[0]!.tick > 0) ts.unshift({ tick: 0, numerator: 4, denominator: 4 });
  const endTick = Math.max(doc.endTick, ...doc.notes.slice(-64).map((n) => n.offsetTick));
  const barTicks: number[] = [];
  const beatTicks: number[] = [];
  for (let s = 0; s < ts.length; s++) {
    const seg = ts[s]!;
    const next = s + 1 < ts.length ? ts[s + 1]!.tick : endTick + 1;
    if (next <= seg.tick) continue; // several signatures on one tick: the last one wins
    const num = seg.numerator > 0 ? seg.numerator : 4;
    const den = seg.denominator > 0 ? seg.denominator : 4;
    const bar = (doc.ppq * 4 * num) / den;
    const beat = (doc.ppq * 4) / den;
    for (let t = seg.tick; t < next && barTicks.length < MAX_GRID_LINES; t += bar) {
      barTicks.push(t);
      for (let b = 1; b < num && beatTicks.length <= MAX_GRID_LINES; b++) if (t + b * beat < next) beatTicks.push(t + b * beat);
    }
  }
  const tooMany = barTicks.length + beatTicks.length > MAX_GRID_LINES;
  return {
    barSec: barTicks.map((t) => tm.tickToSec(t)),
    barNumber: barTicks.map((_, i) => i + 1),
    beatSec: tooMany ? [] : beatTicks.map((t) => tm.tickToSec(t)),
  };
}
