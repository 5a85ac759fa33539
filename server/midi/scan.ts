// Bounded structural scanner for Standard MIDI File bytes: validates every chunk and event and keeps
// only what the note model needs. It is the single parser on the read path (see read.ts for why).
//
// Tolerant readings (each leaves a warning, never a silent change):
// - a track chunk whose length overruns the file: the events that are there are read (a partial last
//   event is dropped) — 'chunk-length' if an End-of-Track is found, else 'truncated-track';
// - a track without End-of-Track: it ends at its chunk end ('missing-end-of-track');
// - a chunk length too long (End-of-Track followed by the next "MTrk" inside the chunk) or too short
//   (the track's End-of-Track lies past the chunk end, followed by a chunk or the file end): the
//   End-of-Track decides ('chunk-length');
// - bytes after End-of-Track inside a chunk, or junk after the last track: ignored ('trailing-bytes');
// - unknown chunk types (four ASCII letters): skipped ('unknown-chunk');
// - running status used right after a meta or sysex event (the spec says they cancel it; many
//   writers rely on it anyway): kept ('running-status');
// - malformed tempo / time-signature / key-signature meta events: ignored ('bad-meta',
//   'tempo-out-of-range').
// Refused (MidiReadError): a data byte with no running status in effect ('bad-event': there is no
// reliable way to resynchronise, since every event starts with a delta), system common/real-time
// status bytes, VLQs over 4 bytes, cumulative ticks over MAX_TICK, more than MAX_EVENTS events.
//
// Every loop advances its position by at least one byte, and no length field is used before it is
// checked against the bytes that remain, so any input ends in bounded time and memory.

import { MidiReadError } from './errors';
import { hex, latin1, parseTrack, type TrackParse } from './trackEvents';
import { MAX_EVENTS, MAX_FILE_BYTES, warningSink, type SmfScan, type WarningSink } from './scanTypes';

export * from './scanTypes';

function tagAt(bytes: Uint8Array, pos: number): string {
  return String.fromCharCode(bytes[pos] ?? 0, bytes[pos + 1] ?? 0, bytes[pos + 2] ?? 0, bytes[pos + 3] ?? 0);
}

function u32At(bytes: Uint8Array, pos: number): number {
  return ((bytes[pos]! << 24) >>> 0) + (bytes[pos + 1]! << 16) + (bytes[pos + 2]! << 8) + bytes[pos + 3]!;
}

function isChunkStart(bytes: Uint8Array, pos: number): boolean {
  return pos + 8 <= bytes.length && tagAt(bytes, pos) === 'MTrk';
}

function isAsciiTag(tag: string): boolean {
  return /^[A-Za-z0-9 _-]{4}$/.test(tag);
}

/** A short, printable description of the first bytes, for "not a MIDI file" messages. */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 8);
  if (head[0] === 0x89 && tagAt(bytes, 1).startsWith('PNG')) return 'it looks like a PNG image';
  if (tagAt(bytes, 0) === 'RIFF') return 'it is a RIFF file (RMID-wrapped MIDI is not supported; extract the MThd data)';
  if (head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) {
    return `it starts with the text "${latin1.decode(head)}"`;
  }
  return `it starts with bytes ${Array.from(head, hex).join(' ')}`;
}

/** Reads the header chunk; returns the position of the first chunk after it. */
function scanHeader(bytes: Uint8Array, source: string): { format: 0 | 1; declaredTracks: number; ppq: number; next: number } {
  if (bytes.length === 0) throw new MidiReadError(source, 'empty', 'the file is empty');
  if (tagAt(bytes, 0) !== 'MThd') {
    if (bytes.length < 4 && 'MThd'.startsWith(tagAt(bytes, 0).slice(0, bytes.length))) {
      throw new MidiReadError(source, 'truncated', `truncated header: only ${bytes.length} bytes`);
    }
    throw new MidiReadError(source, 'not-midi', `not a MIDI file (no "MThd" header; ${describeStart(bytes)})`);
  }
  if (bytes.length < 14) throw new MidiReadError(source, 'truncated', `truncated header: the file has ${bytes.length} bytes, a MIDI header needs 14`);
  const headerLen = u32At(bytes, 4);
  if (headerLen < 6) throw new MidiReadError(source, 'bad-header', `header chunk length is ${headerLen}, must be at least 6`);
  if (headerLen > bytes.length - 8) {
    throw new MidiReadError(source, 'bad-header', `header chunk says ${headerLen} bytes, only ${bytes.length - 8} remain`);
  }
  const format = (bytes[8]! << 8) | bytes[9]!;
  const declaredTracks = (bytes[10]! << 8) | bytes[11]!;
  const division = (bytes[12]! << 8) | bytes[13]!;
  if (format === 2) throw new MidiReadError(source, 'type-2', 'format 2 (independent sequences) is not supported; convert it to format 1');
  if (format !== 0 && format !== 1) throw new MidiReadError(source, 'bad-header', `unknown SMF format ${format}`);
  if (division & 0x8000) {
    throw new MidiReadError(source, 'smpte-division', 'SMPTE time division (frames per second) is not supported; only ticks per quarter note');
  }
  if (division === 0) throw new MidiReadError(source, 'zero-division', 'time division is 0 ticks per quarter note');
  return { format, declaredTracks, ppq: division, next: 8 + headerLen };
}

/**
 * Validates SMF bytes and extracts notes, sustain pedal, tempo, time and key signatures. Throws
 * MidiReadError when the bytes cannot be read; returns warnings for what was tolerated.
 */
export function scanSmf(bytes: Uint8Array, source: string): SmfScan {
  if (bytes.length > MAX_FILE_BYTES) {
    throw new MidiReadError(source, 'too-large', `the file has ${bytes.length} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
  }
  const header = scanHeader(bytes, source);
  const sink = warningSink(source);
  const scan: SmfScan = { format: header.format, ppq: header.ppq, tracks: [], tempos: [], timeSignatures: [], keySignatures: [], warnings: [] };
  const fileEnd = bytes.length;
  let eventBudget = MAX_EVENTS;
  let pos = header.next;

  while (pos < fileEnd) {
    if (fileEnd - pos < 8) {
      sink.warn('trailing-bytes', `${fileEnd - pos} stray bytes at the end of the file (ignored)`);
      break;
    }
    const tag = tagAt(bytes, pos);
    const length = u32At(bytes, pos + 4);
    if (tag !== 'MTrk') {
      if (isAsciiTag(tag) && length <= fileEnd - pos - 8) {
        sink.warn('unknown-chunk', `unknown chunk "${tag}" of ${length} bytes at byte ${pos} (skipped)`);
        pos += 8 + length;
        continue;
      }
      if (scan.tracks.length > 0 && scan.tracks.length >= header.declaredTracks) {
        sink.warn('trailing-bytes', `${fileEnd - pos} bytes of junk after the last track (ignored)`);
        break;
      }
      throw new MidiReadError(
        source,
        'bad-chunk-length',
        `expected a track chunk at byte ${pos}, found ${Array.from(bytes.subarray(pos, pos + 4), hex).join(' ')} (a chunk length is wrong or the file is corrupt)`,
      );
    }
    const index = scan.tracks.length;
    const { parse, next } = scanTrackChunk(bytes, source, index, pos, length, eventBudget, sink);
    eventBudget -= parse.events;
    for (const n of parse.notes) sink.warn(n.code, n.message);
    scan.tracks.push(parse.track);
    scan.tempos.push(...parse.tempos);
    scan.timeSignatures.push(...parse.timeSignatures);
    scan.keySignatures.push(...parse.keySignatures);
    pos = next;
  }

  if (scan.tracks.length === 0) {
    if (pos >= fileEnd && header.next >= fileEnd) throw new MidiReadError(source, 'truncated', 'the file ends right after its header (no tracks)');
    throw new MidiReadError(source, 'no-tracks', 'the file has no track chunk');
  }
  if (scan.tracks.length !== header.declaredTracks) {
    sink.warn('track-count', `header declares ${header.declaredTracks} tracks, the file has ${scan.tracks.length}`);
  }
  if (header.format === 0 && scan.tracks.length > 1) {
    sink.warn('track-count', `format 0 file with ${scan.tracks.length} tracks (all read)`);
  }
  scan.warnings = sink.finish();
  return scan;
}

/** Parses one MTrk chunk, deciding between its length field and its End-of-Track when they disagree. */
function scanTrackChunk(
  bytes: Uint8Array,
  source: string,
  index: number,
  pos: number,
  length: number,
  eventBudget: number,
  sink: WarningSink,
): { parse: TrackParse; next: number } {
  const fileEnd = bytes.length;
  const dataStart = pos + 8;
  const declaredEnd = dataStart + length;
  const remain = fileEnd - dataStart;

  if (declaredEnd > fileEnd) {
    const parse = parseTrack(bytes, source, index, dataStart, fileEnd, eventBudget);
    if (parse.end.kind === 'eot') {
      sink.warn('chunk-length', `track ${index}: chunk says ${length} bytes, ${remain} remain; its End-of-Track was found at byte ${parse.end.pos}`);
      return { parse, next: parse.end.pos };
    }
    const lost = parse.end.kind === 'truncated' ? ` (${parse.end.what})` : '';
    sink.warn('truncated-track', `truncated track ${index}: chunk says ${length} bytes, ${remain} remain; read the events that are there${lost}`);
    return { parse, next: fileEnd };
  }

  const parse = parseTrack(bytes, source, index, dataStart, declaredEnd, eventBudget);
  if (parse.end.kind === 'eot') {
    const eotEnd = parse.end.pos;
    if (eotEnd < declaredEnd) {
      if (isChunkStart(bytes, eotEnd)) {
        sink.warn('chunk-length', `track ${index}: chunk says ${length} bytes but its End-of-Track ends after ${eotEnd - dataStart} (the next track starts there)`);
        return { parse, next: eotEnd };
      }
      sink.warn('trailing-bytes', `track ${index}: ${declaredEnd - eotEnd} bytes after End-of-Track (ignored)`);
    }
    return { parse, next: declaredEnd };
  }

  const clean = parse.end.kind === 'bound';
  const nextIsChunk = declaredEnd === fileEnd || isChunkStart(bytes, declaredEnd);
  if (clean && nextIsChunk) {
    sink.warn('missing-end-of-track', `track ${index} has no End-of-Track event`);
    return { parse, next: declaredEnd };
  }
  if (declaredEnd < fileEnd) {
    // The length may be too short: read on to the file end and trust an End-of-Track that is
    // followed by another chunk or the end of the file.
    const longer = parseTrack(bytes, source, index, dataStart, fileEnd, eventBudget);
    if (longer.end.kind === 'eot' && (longer.end.pos === fileEnd || isChunkStart(bytes, longer.end.pos))) {
      sink.warn('chunk-length', `track ${index}: chunk says ${length} bytes but its End-of-Track ends after ${longer.end.pos - dataStart}`);
      return { parse: longer, next: longer.end.pos };
    }
  }
  if (clean) {
    sink.warn('missing-end-of-track', `track ${index} has no End-of-Track event`);
    return { parse, next: declaredEnd };
  }
  const what = parse.end.kind === 'truncated' ? parse.end.what : 'an event is cut off';
  if (declaredEnd === fileEnd) {
    sink.warn('truncated-track', `truncated track ${index}: the file ends inside it (${what}); read the events before that`);
    return { parse, next: fileEnd };
  }
  throw new MidiReadError(source, 'bad-chunk-length', `track ${index}: chunk says ${length} bytes but ${what} at its end, and no End-of-Track follows (wrong chunk length or corrupt track)`);
}
