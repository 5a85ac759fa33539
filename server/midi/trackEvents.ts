// Parses the events of one MTrk chunk: channel messages, sysex and meta events, with running status.
// Part of the bounded scanner (scan.ts): throws MidiReadError for corrupt bytes and reports running
// out of bytes as a 'truncated' end, so the caller decides whether the chunk length or the file is wrong.

import { MidiReadError } from './errors';
import type { MidiWarningCode } from './model';
import { MAX_EVENTS, MAX_TICK, type RawTrack, type SmfScan } from './scanTypes';

export type TrackEnd =
  | { kind: 'eot'; pos: number }
  | { kind: 'bound'; pos: number }
  | { kind: 'truncated'; pos: number; what: string };

export interface TrackParse {
  track: RawTrack;
  end: TrackEnd;
  events: number;
  tempos: SmfScan['tempos'];
  timeSignatures: SmfScan['timeSignatures'];
  keySignatures: SmfScan['keySignatures'];
  /** Warnings found while parsing; only the parse that is kept reports them. */
  notes: { code: MidiWarningCode; message: string }[];
}

export const latin1 = new TextDecoder('latin1');

export function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Parses the events of one track between `start` and `bound` (exclusive). Throws MidiReadError for
 * invalid bytes; running out of bytes is reported as a 'truncated' end, never thrown, so the caller
 * can decide whether the chunk length or the file is at fault.
 */
export function parseTrack(
  bytes: Uint8Array,
  source: string,
  index: number,
  start: number,
  bound: number,
  eventBudget: number,
): TrackParse {
  const track: RawTrack = { index, name: '', noteEvents: [], sustain: [], endTick: 0 };
  const out: TrackParse = { track, end: { kind: 'bound', pos: bound }, events: 0, tempos: [], timeSignatures: [], keySignatures: [], notes: [] };
  const where = (pos: number): string => `track ${index}, byte ${pos}`;
  let pos = start;
  let tick = 0;
  let running = 0;
  let afterMetaOrSysex = false;
  let warnedRunning = false;
  let haveName = false;

  // Reads a variable-length quantity at `pos`; undefined when the bytes run out first.
  const readVlq = (what: 'delta' | 'length'): number | undefined => {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      if (pos >= bound) return undefined;
      const b = bytes[pos++]!;
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) return value;
    }
    if (what === 'delta') {
      throw new MidiReadError(source, 'absurd-delta', `${where(pos - 4)}: delta time longer than 4 bytes (corrupt or absurd)`);
    }
    throw new MidiReadError(source, 'bad-event', `${where(pos - 4)}: event length longer than 4 bytes (corrupt)`);
  };

  while (pos < bound) {
    const eventPos = pos;
    const delta = readVlq('delta');
    if (delta === undefined) return truncated(out, eventPos, 'a delta time is cut off');
    tick += delta;
    if (tick > MAX_TICK) {
      throw new MidiReadError(source, 'absurd-delta', `${where(eventPos)}: time reaches tick ${tick}, beyond the ${MAX_TICK} limit (absurd delta times)`);
    }
    if (++out.events > eventBudget) {
      throw new MidiReadError(source, 'too-large', `more than ${MAX_EVENTS} events; refusing to read further`);
    }
    if (pos >= bound) return truncated(out, eventPos, 'an event is cut off after its delta time');
    let status = bytes[pos]!;
    if (status & 0x80) {
      pos++;
    } else {
      if (running === 0) {
        throw new MidiReadError(source, 'bad-event', `${where(pos)}: data byte ${hex(status)} with no running status in effect (corrupt track)`);
      }
      if (afterMetaOrSysex && !warnedRunning) {
        out.notes.push({ code: 'running-status', message: `${where(pos)}: running status used after a meta/sysex event (kept)` });
        warnedRunning = true;
      }
      status = running;
    }

    if (status < 0xf0) {
      running = status;
      afterMetaOrSysex = false;
      const type = status & 0xf0;
      const channel = status & 0x0f;
      const need = type === 0xc0 || type === 0xd0 ? 1 : 2;
      if (pos + need > bound) return truncated(out, eventPos, 'a channel message is cut off');
      const d1 = bytes[pos]!;
      const d2 = need === 2 ? bytes[pos + 1]! : 0;
      if (d1 & 0x80 || d2 & 0x80) {
        throw new MidiReadError(source, 'bad-event', `${where(pos)}: status byte where a data byte of ${hex(status)} was expected (corrupt track)`);
      }
      pos += need;
      if (type === 0x90 && d2 > 0) track.noteEvents.push({ tick, on: true, channel, pitch: d1, velocity: d2 });
      else if (type === 0x80 || type === 0x90) track.noteEvents.push({ tick, on: false, channel, pitch: d1, velocity: 0 });
      else if (type === 0xb0 && d1 === 64) track.sustain.push({ tick, channel, value: d2 });
      track.endTick = tick;
      continue;
    }

    if (status === 0xf0 || status === 0xf7) {
      const len = readVlq('length');
      if (len === undefined || pos + len > bound) return truncated(out, eventPos, 'a sysex event is cut off');
      pos += len;
      afterMetaOrSysex = true;
      track.endTick = tick;
      continue;
    }

    if (status !== 0xff) {
      throw new MidiReadError(source, 'bad-event', `${where(eventPos)}: system message ${hex(status)} is not allowed in a MIDI file (corrupt track)`);
    }
    if (pos >= bound) return truncated(out, eventPos, 'a meta event is cut off');
    const metaType = bytes[pos++]!;
    const len = readVlq('length');
    if (len === undefined || pos + len > bound) {
      return truncated(out, eventPos, `a meta event (type ${hex(metaType)}${len === undefined ? '' : `, ${len} bytes`}) is cut off`);
    }
    const data = bytes.subarray(pos, pos + len);
    pos += len;
    afterMetaOrSysex = true;
    track.endTick = tick;
    if (metaType === 0x2f) {
      out.end = { kind: 'eot', pos };
      return out;
    }
    readMeta(out, metaType, data, tick, where(eventPos), () => {
      if (!haveName) {
        track.name = latin1.decode(data);
        haveName = true;
      }
    });
  }
  return out;
}

function truncated(out: TrackParse, pos: number, what: string): TrackParse {
  out.end = { kind: 'truncated', pos, what };
  return out;
}

function readMeta(out: TrackParse, metaType: number, data: Uint8Array, tick: number, where: string, onName: () => void): void {
  if (metaType === 0x03) {
    onName();
  } else if (metaType === 0x51) {
    if (data.length !== 3) {
      out.notes.push({ code: 'bad-meta', message: `${where}: tempo event with ${data.length} bytes instead of 3 (ignored)` });
      return;
    }
    const usPerQuarter = (data[0]! << 16) | (data[1]! << 8) | data[2]!;
    if (usPerQuarter === 0) {
      out.notes.push({ code: 'tempo-out-of-range', message: `${where}: tempo of 0 µs per quarter (ignored)` });
      return;
    }
    out.tempos.push({ tick, usPerQuarter });
  } else if (metaType === 0x58) {
    const numerator = data[0] ?? 0;
    const power = data[1] ?? 255;
    if (data.length < 2 || numerator === 0 || power > 7) {
      out.notes.push({ code: 'bad-meta', message: `${where}: invalid time signature (ignored)` });
      return;
    }
    out.timeSignatures.push({ tick, numerator, denominator: 2 ** power });
  } else if (metaType === 0x59) {
    const sharps = data.length === 2 ? ((data[0]! << 24) >> 24) : 99;
    const mode = data[1];
    if (sharps < -7 || sharps > 7 || (mode !== 0 && mode !== 1)) {
      out.notes.push({ code: 'bad-meta', message: `${where}: invalid key signature (ignored)` });
      return;
    }
    out.keySignatures.push({ tick, sharps, mode: mode === 0 ? 'major' : 'minor' });
  }
}
