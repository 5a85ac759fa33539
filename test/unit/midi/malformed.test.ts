// Malformed and unusual MIDI bytes: each is refused with a coded error naming the file, or read with a warning.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MidiReadError, type MidiErrorCode } from '../../../server/midi/errors';
import type { MidiDoc, MidiWarningCode } from '../../../server/midi/model';
import { parseMidi, readMidiFile } from '../../../server/midi/read';
import { MAX_EVENTS, MAX_FILE_BYTES, MAX_WARNINGS } from '../../../server/midi/scan';
import { ascii, chunk, ev, header, smf, u32, vlq } from './smfBytes';

const FILE = 'song.mid';

function refused(bytes: Uint8Array | number[], code: MidiErrorCode, problem: RegExp): void {
  const input = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  assert.throws(
    () => parseMidi(input, FILE),
    (e: unknown) => {
      assert.ok(e instanceof MidiReadError, `expected MidiReadError, got ${String(e)}`);
      assert.equal(e.code, code, e.message);
      assert.equal(e.file, FILE);
      assert.ok(e.message.startsWith(`${FILE}: `), e.message);
      assert.match(e.message, problem);
      return true;
    },
  );
}

function codes(doc: MidiDoc): MidiWarningCode[] {
  return doc.warnings.map((w) => w.code);
}

function warned(doc: MidiDoc, code: MidiWarningCode, problem: RegExp): void {
  const w = doc.warnings.find((x) => x.code === code);
  assert.ok(w, `expected a '${code}' warning, got ${JSON.stringify(doc.warnings)}`);
  assert.ok(w.message.startsWith(`${FILE}: `), w.message);
  assert.match(w.message, problem);
}

/** One note C4 (60) from tick 0 to 480 on a track with End-of-Track: 4 + 5 + 4 = 13 bytes. */
const oneNote = [...ev.on(0, 60, 90), ...ev.off(480, 60), ...ev.eot()];

test('a well-formed file reads without warnings', () => {
  const doc = parseMidi(smf([[...ev.tempo(0, 500000), ...ev.eot()], oneNote]), FILE);
  assert.deepEqual(doc.warnings, []);
  assert.equal(doc.notes.length, 1);
  assert.deepEqual(doc.notes[0], { pitch: 60, velocity: 90, onsetTick: 0, offsetTick: 480, onsetSec: 0, offsetSec: 0.5, track: 1, channel: 0 });
});

test('refuses files that are not MIDI, empty, truncated or too large', () => {
  refused([], 'empty', /the file is empty/);
  refused([0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a, 0, 0, 0, 0x0d], 'not-midi', /not a MIDI file.*PNG image/);
  refused(ascii('hello, world\n'), 'not-midi', /not a MIDI file.*text "hello, w"/);
  refused(ascii('MT'), 'truncated', /truncated header/);
  refused([...ascii('MThd'), 0, 0, 0, 6, 0, 1], 'truncated', /truncated header: the file has 10 bytes/);
  refused(header(1, 1, 480), 'truncated', /ends right after its header/);
  refused([...header(1, 1, 480), ...chunk('XFIH', [1, 2, 3])], 'no-tracks', /no track chunk/);
  refused(new Uint8Array(MAX_FILE_BYTES + 1), 'too-large', /over the 67108864-byte limit/);
});

test('refuses bad headers: short length, division 0, SMPTE, format 2, unknown format', () => {
  refused([...ascii('MThd'), ...u32(4), 0, 1, 0, 1, 1, 0xe0, ...chunk('MTrk', oneNote)], 'bad-header', /at least 6/);
  refused([...ascii('MThd'), ...u32(600), 0, 1, 0, 1, 1, 0xe0], 'bad-header', /header chunk says 600 bytes, only 6 remain/);
  refused(smf([oneNote], { ppq: 0 }), 'zero-division', /time division is 0/);
  refused(smf([oneNote], { ppq: 0xe728 }), 'smpte-division', /SMPTE time division .* not supported/);
  refused(smf([oneNote], { format: 2 }), 'type-2', /format 2 .* not supported/);
  refused(smf([oneNote], { format: 7 }), 'bad-header', /unknown SMF format 7/);
});

test('a header longer than 6 bytes is fine: the extra bytes are skipped', () => {
  const bytes = [...ascii('MThd'), ...u32(8), 0, 0, 0, 1, 1, 0xe0, 0xaa, 0xbb, ...chunk('MTrk', oneNote)];
  const doc = parseMidi(Uint8Array.from(bytes), FILE);
  assert.equal(doc.notes.length, 1);
  assert.equal(doc.format, 0);
});

test('refuses absurd delta times: VLQ over 4 bytes, ticks beyond 2^31, a file lasting years', () => {
  refused(smf([[0x81, 0x80, 0x80, 0x80, 0x00, 0x90, 60, 90, ...ev.eot()]]), 'absurd-delta', /delta time longer than 4 bytes/);
  const huge: number[] = [];
  for (let i = 0; i < 9; i++) huge.push(...ev.cc(0x0fffffff, 7, 100));
  refused(smf([[...huge, ...ev.eot()]]), 'absurd-delta', /beyond the 2147483647 limit/);
  // ppq 1 at the slowest tempo: 2^28 quarters of 16.7 s each is 140 years.
  refused(smf([[...ev.tempo(0, 0xffffff), ...ev.on(0x0fffffff, 60, 90), ...ev.off(0, 60), ...ev.eot()]], { ppq: 1 }), 'absurd-delta', /lasts \d+ days/);
});

test('refuses a data byte with no running status, and system messages inside a track', () => {
  refused(smf([[0x00, 60, 90, ...ev.eot()]]), 'bad-event', /track 0, byte 23: data byte 0x3c with no running status/);
  refused(smf([[0x00, 0xf8, ...ev.eot()]]), 'bad-event', /system message 0xf8 is not allowed/);
  refused(smf([[0x00, 0x90, 60, 0x90, ...ev.eot()]]), 'bad-event', /status byte where a data byte/);
});

test('refuses more than MAX_EVENTS events', () => {
  // Running-status volume changes: 3 bytes each, validated but not stored.
  const n = MAX_EVENTS + 1;
  const body = new Uint8Array(4 + 3 * n);
  body.set([0x00, 0xb0, 7, 100]);
  for (let i = 1; i < n; i++) body.set([0x00, 7, 100], 4 + 3 * (i - 1));
  const bytes = Uint8Array.from([...header(0, 1, 480), ...ascii('MTrk'), ...u32(body.length)]);
  const all = new Uint8Array(bytes.length + body.length);
  all.set(bytes);
  all.set(body, bytes.length);
  refused(all, 'too-large', /more than 4000000 events/);
});

test('junk where a chunk must start is refused; after the last track it is ignored', () => {
  refused([...header(1, 2, 480), ...chunk('MTrk', oneNote), 0x00, 0x01, 0x02, 0x03, 0, 0, 0, 0], 'bad-chunk-length', /expected a track chunk at byte 35/);
  const doc = parseMidi(Uint8Array.from([...smf([oneNote]), 0x00, 0x01, 0x02, 0x03, 0, 0, 0, 0]), FILE);
  warned(doc, 'trailing-bytes', /8 bytes of junk after the last track/);
  const short = parseMidi(Uint8Array.from([...smf([oneNote]), 0x00, 0x01]), FILE);
  warned(short, 'trailing-bytes', /2 stray bytes/);
});

test('a last track chunk that overruns the file: the events there are read, with a warning', () => {
  const bytes = Uint8Array.from([...header(1, 1, 480), ...chunk('MTrk', [...ev.on(0, 60, 90), ...ev.off(480, 60), ...ev.on(0, 62, 80)], 5000)]);
  const doc = parseMidi(bytes, FILE);
  warned(doc, 'truncated-track', /truncated track 0: chunk says 5000 bytes, 13 remain/);
  warned(doc, 'unterminated-note', /1 notes never switched off/);
  assert.deepEqual(doc.notes.map((n) => [n.pitch, n.onsetTick, n.offsetTick]), [[60, 0, 480], [62, 480, 480]]);
  // Cut inside an event: the partial event is dropped.
  const cut = Uint8Array.from([...header(1, 1, 480), ...chunk('MTrk', [...ev.on(0, 60, 90), ...ev.off(480, 60), 0x00, 0x90], 5000)]);
  const doc2 = parseMidi(cut, FILE);
  warned(doc2, 'truncated-track', /chunk says 5000 bytes, 11 remain.*channel message is cut off/);
  assert.equal(doc2.notes.length, 1);
  // A truncated file whose length field is right: the file ends inside the track.
  // The note-on is complete, its note-off is cut after the delta: the note is closed at the last
  // complete event (tick 0), so it is also zero-length.
  const trunc = smf([oneNote]).subarray(0, 14 + 8 + 6);
  const doc3 = parseMidi(trunc, FILE);
  assert.deepEqual(codes(doc3), ['truncated-track', 'unterminated-note', 'zero-length-note']);
});

test('a track without End-of-Track ends at its chunk end', () => {
  const doc = parseMidi(smf([[...ev.on(0, 60, 90), ...ev.off(480, 60)], oneNote]), FILE);
  warned(doc, 'missing-end-of-track', /track 0 has no End-of-Track/);
  assert.equal(doc.notes.length, 2);
});

test('chunk lengths too long or too short are corrected by the End-of-Track', () => {
  const tooLong = Uint8Array.from([...header(1, 2, 480), ...chunk('MTrk', oneNote, oneNote.length + 10), ...chunk('MTrk', oneNote)]);
  const a = parseMidi(tooLong, FILE);
  warned(a, 'chunk-length', /track 0: chunk says 23 bytes but its End-of-Track ends after 13 \(the next track starts there\)/);
  assert.deepEqual(a.notes.map((n) => n.track), [0, 1]);
  const tooShort = Uint8Array.from([...header(1, 2, 480), ...chunk('MTrk', oneNote, 5), ...chunk('MTrk', oneNote)]);
  const b = parseMidi(tooShort, FILE);
  warned(b, 'chunk-length', /track 0: chunk says 5 bytes but its End-of-Track ends after 13/);
  assert.deepEqual(b.notes.map((n) => n.track), [0, 1]);
  // Too short, and no End-of-Track anywhere after it to trust: refused.
  const lost = Uint8Array.from([...header(1, 2, 480), ...chunk('MTrk', [...ev.on(0, 60, 90), ...ev.off(480, 60)], 5), 0x44, 0x55]);
  refused(lost, 'bad-chunk-length', /track 0: chunk says 5 bytes but a delta time is cut off at its end, and no End-of-Track follows/);
});

test('bytes after End-of-Track inside a chunk, unknown chunks and a wrong track count are warnings', () => {
  const doc = parseMidi(
    Uint8Array.from([...header(1, 3, 480), ...chunk('XFIH', [1, 2, 3, 4]), ...chunk('MTrk', [...oneNote, 0x00, 0x00, 0x00])]),
    FILE,
  );
  warned(doc, 'unknown-chunk', /unknown chunk "XFIH" of 4 bytes at byte 14/);
  warned(doc, 'trailing-bytes', /track 0: 3 bytes after End-of-Track/);
  warned(doc, 'track-count', /declares 3 tracks, the file has 1/);
  assert.equal(doc.notes.length, 1);
});

test('note pairing: velocity-0 note-on, unterminated, orphan off, overlapping (FIFO), zero-length', () => {
  const track = [
    ...ev.on(0, 60, 90),
    ...ev.on(100, 60, 0), // velocity 0 = off: C4 is 0..100
    ...ev.off(0, 61), // orphan
    ...ev.on(0, 64, 70), // E4 at 100
    ...ev.on(50, 64, 71), // E4 again at 150 while sounding
    ...ev.off(50, 64), // 200: ends the OLDEST E4 (FIFO)
    ...ev.off(100, 64), // 300
    ...ev.on(0, 67, 60),
    ...ev.off(0, 67), // zero-length G4 at 300
    ...ev.on(0, 72, 50), // never switched off
    ...ev.eot(200), // track ends at 500
  ];
  const doc = parseMidi(smf([track], { format: 0 }), FILE);
  assert.deepEqual(
    doc.notes.map((n) => [n.pitch, n.velocity, n.onsetTick, n.offsetTick]),
    [
      [60, 90, 0, 100],
      [64, 70, 100, 200],
      [64, 71, 150, 300],
      [67, 60, 300, 300],
      [72, 50, 300, 500],
    ],
  );
  warned(doc, 'unterminated-note', /^song\.mid: 1 notes never switched off \(closed at the end of their track\)$/);
  warned(doc, 'orphan-note-off', /1 note-offs without a sounding note/);
  warned(doc, 'overlapping-note', /1 notes start while the same key is still sounding/);
  warned(doc, 'zero-length-note', /1 zero-length notes \(kept\)/);
});

test('same pitch on different channels or tracks is not an overlap', () => {
  const doc = parseMidi(smf([[...ev.on(0, 60, 90, 0), ...ev.on(0, 60, 80, 1), ...ev.off(10, 60, 1), ...ev.off(10, 60, 0), ...ev.eot()], oneNote]), FILE);
  assert.deepEqual(codes(doc), []);
  assert.deepEqual(doc.notes.map((n) => [n.channel, n.track, n.onsetTick, n.offsetTick]), [[0, 0, 0, 20], [1, 0, 0, 10], [0, 1, 0, 480]]);
});

test('running status is read; after a meta event it is kept with a warning', () => {
  const plain = parseMidi(smf([[0x00, 0x90, 60, 90, 0x10, 62, 91, 0x10, 60, 0, 0x00, 62, 0, ...ev.eot()]]), FILE);
  assert.deepEqual(codes(plain), []);
  assert.deepEqual(plain.notes.map((n) => [n.pitch, n.velocity, n.onsetTick, n.offsetTick]), [[60, 90, 0, 32], [62, 91, 16, 32]]);
  const afterMeta = parseMidi(smf([[0x00, 0x90, 60, 90, ...ev.name(0, 'x'), 0x10, 60, 0, ...ev.eot()]]), FILE);
  warned(afterMeta, 'running-status', /track 0, byte \d+: running status used after a meta\/sysex event/);
  assert.equal(afterMeta.notes[0]?.offsetTick, 16);
});

test('sysex events are skipped; their length is checked', () => {
  const doc = parseMidi(smf([[0x00, 0xf0, 3, 0x7e, 0x7f, 0xf7, ...oneNote]]), FILE);
  assert.equal(doc.notes.length, 1);
  const lying = Uint8Array.from([...header(0, 1, 480), ...chunk('MTrk', [0x00, 0xf0, ...vlq(100000), 1, 2, 3])]);
  warned(parseMidi(lying, FILE), 'truncated-track', /sysex event is cut off/);
});

test('malformed tempo, time and key signature events are ignored with a warning', () => {
  const doc = parseMidi(
    smf([[0x00, 0xff, 0x51, 2, 7, 0xa1, ...ev.tempo(0, 0), ...ev.timeSig(0, 0, 2), 0x00, 0xff, 0x59, 2, 9, 0, ...oneNote]]),
    FILE,
  );
  assert.deepEqual(codes(doc), ['bad-meta', 'tempo-out-of-range', 'bad-meta', 'bad-meta']);
  assert.deepEqual(doc.tempos, [{ tick: 0, usPerQuarter: 500000, sec: 0 }]);
  assert.deepEqual(doc.timeSignatures, [{ tick: 0, numerator: 4, denominator: 4 }]);
  assert.deepEqual(doc.keySignatures, []);
});

test('warnings are capped, with a count of the rest', () => {
  const bytes = [...header(1, 1, 480)];
  for (let i = 0; i < MAX_WARNINGS + 10; i++) bytes.push(...chunk('JUNK', [i]));
  bytes.push(...chunk('MTrk', oneNote));
  const doc = parseMidi(Uint8Array.from(bytes), FILE);
  assert.equal(doc.warnings.length, MAX_WARNINGS + 1);
  warned(doc, 'too-many-warnings', /10 more warnings not shown/);
});

test('tempo (exact µs), time and key signatures, names, sustain and pedal are read', () => {
  const conductor = [
    ...ev.name(0, 'Piano Sonata'),
    ...ev.tempo(0, 500001),
    ...ev.timeSig(0, 6, 3),
    ...ev.keySig(0, -3, true),
    ...ev.tempo(960, 250000),
    ...ev.keySig(0, 7, false),
    ...ev.eot(),
  ];
  const piano = [...ev.name(0, 'right hand'), ...ev.cc(0, 64, 127, 2), ...ev.on(0, 60, 90, 2), ...ev.cc(480, 64, 40, 2), ...ev.off(960, 60, 2), ...ev.eot(100)];
  const doc = parseMidi(smf([conductor, piano]), FILE);
  assert.deepEqual(doc.warnings, []);
  assert.equal(doc.format, 1);
  assert.deepEqual(doc.trackNames, ['Piano Sonata', 'right hand']);
  assert.deepEqual(doc.tempos.map((t) => [t.tick, t.usPerQuarter]), [[0, 500001], [960, 250000]]);
  assert.deepEqual(doc.timeSignatures, [{ tick: 0, numerator: 6, denominator: 8 }]);
  assert.deepEqual(doc.keySignatures, [{ tick: 0, sharps: -3, mode: 'minor' }, { tick: 960, sharps: 7, mode: 'major' }]);
  assert.deepEqual(doc.sustain.map((p) => [p.tick, p.value, p.channel, p.track]), [[0, 127, 2, 1], [480, 40, 2, 1]]);
  // 480 ticks at 500001 µs/quarter = 0.500001 s.
  assert.equal(doc.pedal.length, 1);
  assert.equal(doc.pedal[0]?.endTick, 480);
  assert.ok(Math.abs((doc.pedal[0]?.endSec ?? 0) - 0.500001) < 1e-12);
  // Note 0..1440: 960 ticks at 500001 (1.000002 s) + 480 at 250000 (0.25 s).
  assert.ok(Math.abs((doc.notes[0]?.offsetSec ?? 0) - 1.250002) < 1e-12);
  assert.equal(doc.endTick, 1540);
});

test('readMidiFile: a missing file is an io error naming it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-midi-'));
  try {
    const p = path.join(dir, 'nope.mid');
    assert.throws(() => readMidiFile(p), (e: unknown) => e instanceof MidiReadError && e.code === 'io' && e.message === `${p}: file not found`);
    assert.throws(() => readMidiFile(dir), (e: unknown) => e instanceof MidiReadError && e.code === 'io' && e.message.startsWith(`${dir}: cannot be read`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
