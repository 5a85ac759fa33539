// The decoder: a rough MidiDoc and one class per bar → the edited MidiDoc and the list of edits made.
//
// Pure. The output is the input's notes, one for one, with new ticks only: pitch, velocity, track and
// channel are copied, no note is created or dropped, and each bar carries at most one edit because the
// input is one class per bar. Tempo and pedal events move with the timeline; time and key signatures
// stay (they define the bar lines the edits are anchored to).

import type { MidiDoc, Note, PedalEvent, TempoEvent } from '../midi/model';
import { MAX_WRITE_TICK } from '../midi/encode';
import { pedalIntervals } from '../midi/read';
import { TimeMap } from '../midi/timeMap';
import { barGrid, type BarGrid } from './bars';
import { AMOUNTS_BEATS, classToEdit, type EditKind } from './editSpace';
import { snapTicks, type SnapOptions } from './snap';
import { applyTickEdits, type TickEdit } from './timeEdits';

export interface AppliedEdit {
  /** 0-based bar index (the CLI and protocol report bar + 1). */
  bar: number;
  kind: EditKind;
  amountBeats: number;
  /** The amount in this file's ticks (rounded; an amount that rounds to 0 ticks is not applied). */
  amountTicks: number;
  /** Probability the model gave the displacement it predicted at this bar (1 for oracle or hand-made edits). */
  confidence: number;
}

export interface Decoded {
  doc: MidiDoc;
  edits: AppliedEdit[];
  /** The output notes in the input's note order (doc.notes is re-sorted by onset). */
  notesByInput: Note[];
  grid: BarGrid;
}

export interface DecodeOptions {
  /** Per-bar confidence of the chosen class, same length as `classes` (default 1). */
  confidence?: ArrayLike<number>;
  /** Snap onsets near the grid after the edits (default: no snapping). */
  snap?: SnapOptions;
}

/** Last tick that decides how many bars the file has: the last onset (later ticks carry no bar of notes). */
export function lastOnsetTick(doc: MidiDoc): number {
  let last = 0;
  for (const n of doc.notes) last = Math.max(last, n.onsetTick);
  return last;
}

/**
 * The bars one class each is given for: through the last onset plus the largest edit amount, so content
 * that came early at the very end still has the bar line its "add" edit is anchored to.
 */
export function editGrid(doc: MidiDoc): BarGrid {
  return barGrid(doc.ppq, doc.timeSignatures, lastOnsetTick(doc) + AMOUNTS_BEATS[AMOUNTS_BEATS.length - 1]! * doc.ppq);
}

/**
 * Applies one class per bar of `doc` (classes.length must equal the bar count of `barGrid` up to the
 * last onset plus two beats, `editGrid`; RangeError otherwise, and for a class outside the edit space).
 */
export function decodeEdits(doc: MidiDoc, classes: ArrayLike<number>, opts: DecodeOptions = {}): Decoded {
  const grid = editGrid(doc);
  const nBars = grid.startTick.length;
  if (classes.length !== nBars) throw new RangeError(`decodeEdits: ${classes.length} classes for ${nBars} bars`);
  const edits: AppliedEdit[] = [];
  const tickEdits: TickEdit[] = [];
  for (let b = 0; b < nBars; b++) {
    const e = classToEdit(classes[b]!);
    if (!e) continue;
    const amountTicks = Math.round(e.amountBeats * doc.ppq);
    if (amountTicks === 0) continue;
    const c = opts.confidence ? Number(opts.confidence[b]) : 1;
    edits.push({ bar: b, kind: e.kind, amountBeats: e.amountBeats, amountTicks, confidence: Number.isFinite(c) ? c : 0 });
    tickEdits.push({ barStartTick: grid.startTick[b]!, shiftTicks: e.kind === 'subtract' ? amountTicks : -amountTicks });
  }
  return { ...retime(doc, tickEdits, grid, opts.snap), edits, grid };
}

/** The document with every tick moved by the edits (then optionally snapped); seconds from the new tempo map. */
export function retime(doc: MidiDoc, tickEdits: readonly TickEdit[], grid: BarGrid, snap?: SnapOptions): { doc: MidiDoc; notesByInput: Note[] } {
  const N = doc.notes.length;
  // One sorted array of every time value, so the monotone edits keep it sorted (see timeEdits.ts).
  const refs: { kind: 0 | 1 | 2 | 3; i: number; tick: number }[] = [];
  doc.notes.forEach((n, i) => {
    refs.push({ kind: 0, i, tick: n.onsetTick });
    refs.push({ kind: 1, i, tick: n.offsetTick });
  });
  doc.tempos.forEach((t, i) => refs.push({ kind: 2, i, tick: t.tick }));
  doc.sustain.forEach((p, i) => refs.push({ kind: 3, i, tick: p.tick }));
  refs.sort((a, b) => a.tick - b.tick);
  const values = Float64Array.from(refs, (r) => r.tick);
  applyTickEdits(values, tickEdits);

  const onset = new Float64Array(N);
  const offset = new Float64Array(N);
  const tempoTick = new Float64Array(doc.tempos.length);
  const pedalTick = new Float64Array(doc.sustain.length);
  refs.forEach((r, k) => {
    const v = values[k]!;
    if (r.kind === 0) onset[r.i] = v;
    else if (r.kind === 1) offset[r.i] = v;
    else if (r.kind === 2) tempoTick[r.i] = v;
    else pedalTick[r.i] = v;
  });
  if (snap) snapTicks(onset, offset, grid, doc.ppq, snap);

  const clampTick = (t: number): number => Math.min(MAX_WRITE_TICK, Math.max(0, Math.round(t)));
  // Tempo: the first event stays at 0; later ones keep their order (last one wins on a shared tick).
  const tempoChanges = doc.tempos.map((t, i) => ({ tick: i === 0 ? 0 : clampTick(tempoTick[i]!), usPerQuarter: t.usPerQuarter }));
  const tm = new TimeMap(doc.ppq, tempoChanges);
  const notesByInput: Note[] = doc.notes.map((n, i) => {
    const on = clampTick(onset[i]!);
    let off = Math.max(on, clampTick(offset[i]!));
    // A sounding note stays sounding: collapsing a deleted span must not silence it.
    if (off === on && n.offsetTick > n.onsetTick && on < MAX_WRITE_TICK) off = on + 1;
    return { ...n, onsetTick: on, offsetTick: off, onsetSec: tm.tickToSec(on), offsetSec: tm.tickToSec(off) };
  });
  const notes = [...notesByInput].sort(
    (a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch || a.track - b.track || a.channel - b.channel || a.offsetTick - b.offsetTick,
  );
  const sustain: PedalEvent[] = doc.sustain
    .map((p, i) => ({ ...p, tick: clampTick(pedalTick[i]!) }))
    .map((p) => ({ ...p, sec: tm.tickToSec(p.tick) }));
  sustain.sort((a, b) => a.tick - b.tick);
  let endTick = 0;
  for (const n of notes) endTick = Math.max(endTick, n.offsetTick);
  for (const p of sustain) endTick = Math.max(endTick, p.tick);
  for (const t of tm.tempos) endTick = Math.max(endTick, t.tick);
  for (const t of doc.timeSignatures) endTick = Math.max(endTick, t.tick);
  for (const k of doc.keySignatures) endTick = Math.max(endTick, k.tick);
  const tempos: TempoEvent[] = [...tm.tempos];
  return {
    doc: { ...doc, notes, sustain, pedal: pedalIntervals(sustain, tm, endTick), tempos, endTick, warnings: [...doc.warnings] },
    notesByInput,
  };
}
