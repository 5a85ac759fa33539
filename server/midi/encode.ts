// Encodes a MidiDoc as Standard MIDI File bytes, losslessly for everything the note model holds.
//
// Not @tonejs/midi's encoder: it floors 60e6/bpm (about 6% of integer tempos come back one µs
// short), writes key signatures with the wrong number of sharps, forces one channel per track and
// a separate conductor track, and fixes ppq at 480 unless loaded from JSON. The subset we write
// (notes, CC64, tempo, time/key signature, track name) is small enough to encode directly;
// tests cross-check the bytes with tonejs's decoder.
//
// Layout: one MTrk chunk per track index (0..max used, or as many as trackNames), so Note.track
// survives a round trip; tempo, time and key signatures go in chunk 0. No running status.
// Event order within a tick: meta, note-offs of sounding notes, pedal, then note-ons sorted by
// (onset, offset), each zero-length note's off right after its on. This is exactly what first-in-first-out
// pairing (pairNotes.ts) reads back as the same notes.

import { MidiWriteError } from './errors';
import type { MidiDoc } from './model';

/** An event to place in a track: its tick, its class within the tick, and its bytes after the delta. */
interface PendingEvent {
  tick: number;
  rank: number;
  seq: number;
  /** A 3-byte channel message packed as status << 16 | data1 << 8 | data2 (when `meta` is absent). */
  packed: number;
  /** A meta event's bytes after the delta. */
  meta?: Uint8Array;
}

const RANK_META = 0;
const RANK_NOTE_OFF = 1;
const RANK_PEDAL = 2;
const RANK_NOTE_ON = 3;

/** Highest tick written: every delta then fits the 4-byte VLQ limit (155 hours at 480 ppq, 120 BPM). */
export const MAX_WRITE_TICK = 0x0fffffff;

/** A growable byte buffer (the output of a long performance is a few MB; number[] pushes were slow). */
function byteWriter(initial: number): { u8(b: number): void; u32(v: number): void; vlq(v: number): void; bytes(b: Uint8Array): void; at(): number; patchU32(pos: number, v: number): void; done(): Uint8Array } {
  let buf = new Uint8Array(Math.max(64, initial));
  let len = 0;
  const ensure = (n: number): void => {
    if (len + n <= buf.length) return;
    const next = new Uint8Array(Math.max(buf.length * 2, len + n));
    next.set(buf.subarray(0, len));
    buf = next;
  };
  const w = {
    u8(b: number): void {
      ensure(1);
      buf[len++] = b & 0xff;
    },
    u32(v: number): void {
      ensure(4);
      w.patchU32(len, v);
      len += 4;
    },
    vlq(v: number): void {
      ensure(4);
      if (v >= 0x200000) buf[len++] = ((v >>> 21) & 0x7f) | 0x80;
      if (v >= 0x4000) buf[len++] = ((v >>> 14) & 0x7f) | 0x80;
      if (v >= 0x80) buf[len++] = ((v >>> 7) & 0x7f) | 0x80;
      buf[len++] = v & 0x7f;
    },
    bytes(b: Uint8Array): void {
      ensure(b.length);
      buf.set(b, len);
      len += b.length;
    },
    at: (): number => len,
    patchU32(pos: number, v: number): void {
      buf[pos] = (v >>> 24) & 0xff;
      buf[pos + 1] = (v >>> 16) & 0xff;
      buf[pos + 2] = (v >>> 8) & 0xff;
      buf[pos + 3] = v & 0xff;
    },
    done: (): Uint8Array => buf.slice(0, len),
  };
  return w;
}

/** A meta event's bytes after the delta: FF, type, length (VLQ), data. */
function meta(type: number, data: readonly number[]): Uint8Array {
  const w = byteWriter(data.length + 6);
  w.u8(0xff);
  w.u8(type);
  w.vlq(data.length);
  w.bytes(Uint8Array.from(data));
  return w.done();
}

function latin1Bytes(text: string): number[] {
  return Array.from(text.slice(0, 0xffff), (ch) => {
    const c = ch.charCodeAt(0);
    return c < 256 ? c : 0x3f; // '?' for what latin1 cannot hold; names are labels, not data.
  });
}

/** Encodes the document; throws MidiWriteError naming `label` when a value cannot be written. */
export function encodeSmf(doc: MidiDoc, label: string = doc.source): Uint8Array {
  const bad = (problem: string): never => {
    throw new MidiWriteError(label, 'invalid-doc', problem);
  };
  const isInt = (x: number, lo: number, hi: number): boolean => Number.isInteger(x) && x >= lo && x <= hi;
  const tickOf = (t: number, what: string, index?: number): number => {
    const tick = Math.round(t);
    if (!(tick >= 0 && tick <= MAX_WRITE_TICK)) {
      bad(`${what}${index === undefined ? '' : ` ${index}`}: tick ${t} is not a time from 0 to ${MAX_WRITE_TICK}`);
    }
    return tick;
  };
  if (!isInt(doc.ppq, 1, 0x7fff)) bad(`ppq ${doc.ppq} must be an integer 1..32767`);

  let trackCount = Math.max(1, doc.trackNames.length);
  for (const n of doc.notes) trackCount = Math.max(trackCount, n.track + 1);
  for (const p of doc.sustain) trackCount = Math.max(trackCount, p.track + 1);
  if (trackCount > 0xffff) bad(`${trackCount} tracks, more than a MIDI file can hold`);
  const tracks: PendingEvent[][] = Array.from({ length: trackCount }, () => []);
  let seq = 0;
  const listOf = (track: number): PendingEvent[] => tracks[track] ?? bad(`track ${track} is not a valid track index`);
  const addMeta = (track: number, tick: number, bytes: Uint8Array): void => {
    listOf(track).push({ tick, rank: RANK_META, seq: seq++, packed: 0, meta: bytes });
  };
  const addChannel = (track: number, tick: number, rank: number, status: number, data1: number, data2: number): void => {
    listOf(track).push({ tick, rank, seq: seq++, packed: (status << 16) | (data1 << 8) | data2 });
  };

  doc.trackNames.forEach((name, i) => {
    if (name !== '') addMeta(i, 0, meta(0x03, latin1Bytes(name)));
  });
  for (const t of doc.tempos) {
    if (!isInt(t.usPerQuarter, 1, 0xffffff)) bad(`tempo ${t.usPerQuarter} µs per quarter must be an integer 1..16777215`);
    const us = t.usPerQuarter;
    addMeta(0, tickOf(t.tick, 'tempo'), meta(0x51, [(us >> 16) & 0xff, (us >> 8) & 0xff, us & 0xff]));
  }
  for (const ts of doc.timeSignatures) {
    const power = Math.log2(ts.denominator);
    if (!isInt(ts.numerator, 1, 255) || !isInt(power, 0, 7)) bad(`time signature ${ts.numerator}/${ts.denominator} cannot be written`);
    addMeta(0, tickOf(ts.tick, 'time signature'), meta(0x58, [ts.numerator, power, 24, 8]));
  }
  for (const ks of doc.keySignatures) {
    if (!isInt(ks.sharps, -7, 7)) bad(`key signature with ${ks.sharps} sharps cannot be written`);
    addMeta(0, tickOf(ks.tick, 'key signature'), meta(0x59, [ks.sharps & 0xff, ks.mode === 'minor' ? 1 : 0]));
  }

  const notes = doc.notes.map((n, i) => {
    if (!isInt(n.pitch, 0, 127)) bad(`note ${i}: pitch ${n.pitch} must be an integer 0..127`);
    if (!isInt(n.velocity, 1, 127)) bad(`note ${i}: velocity ${n.velocity} must be an integer 1..127`);
    if (!isInt(n.channel, 0, 15)) bad(`note ${i}: channel ${n.channel} must be an integer 0..15`);
    if (!isInt(n.track, 0, 0xfffe)) bad(`note ${i}: track ${n.track} must be a non-negative integer`);
    const on = tickOf(n.onsetTick, 'note', i);
    const off = tickOf(n.offsetTick, 'note', i);
    if (off < on) bad(`note ${i}: offset tick ${n.offsetTick} is before onset tick ${n.onsetTick}`);
    return { n, on, off };
  });
  notes.sort((a, b) => a.on - b.on || a.off - b.off);
  for (const { n, on, off } of notes) {
    addChannel(n.track, on, RANK_NOTE_ON, 0x90 | n.channel, n.pitch, n.velocity);
    // A zero-length note's off follows its own on directly, so it never looks like an overlap.
    addChannel(n.track, off, off === on ? RANK_NOTE_ON : RANK_NOTE_OFF, 0x80 | n.channel, n.pitch, 64);
  }
  doc.sustain.forEach((p, i) => {
    if (!isInt(p.value, 0, 127) || !isInt(p.channel, 0, 15) || !isInt(p.track, 0, 0xfffe)) bad(`pedal event ${i}: value, channel or track out of range`);
    addChannel(p.track, tickOf(p.tick, 'pedal event', i), RANK_PEDAL, 0xb0 | p.channel, 64, p.value);
  });

  const out = byteWriter(16 + doc.notes.length * 8 + doc.sustain.length * 4 + trackCount * 64);
  out.bytes(Uint8Array.of(0x4d, 0x54, 0x68, 0x64));
  out.u32(6);
  const format = doc.format === 0 && trackCount === 1 ? 0 : 1;
  for (const b of [0, format, trackCount >> 8, trackCount, doc.ppq >> 8, doc.ppq]) out.u8(b);
  tracks.forEach((events, i) => {
    events.sort((a, b) => a.tick - b.tick || a.rank - b.rank || a.seq - b.seq);
    out.bytes(Uint8Array.of(0x4d, 0x54, 0x72, 0x6b));
    const lengthAt = out.at();
    out.u32(0);
    let last = 0;
    for (const e of events) {
      out.vlq(e.tick - last);
      last = e.tick;
      if (e.meta) {
        out.bytes(e.meta);
      } else {
        out.u8(e.packed >>> 16);
        out.u8(e.packed >>> 8);
        out.u8(e.packed);
      }
    }
    // The conductor track ends at the document's end so that endTick survives a round trip.
    const eot = i === 0 ? Math.max(last, tickOf(doc.endTick, 'end tick')) : last;
    out.vlq(eot - last);
    out.bytes(Uint8Array.of(0xff, 0x2f, 0x00));
    out.patchU32(lengthAt, out.at() - lengthAt - 4);
  });
  return out.done();
}
