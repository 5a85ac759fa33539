// Match-file parsing (versions 1.0.0 and 5.0) on small hand-written snippets.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseMatch, readMatchFile } from '../../../server/asap/match';
import { beatsToQuartersFn } from '../../../server/asap/matchTime';

const V1 = `info(matchFileVersion,1.0.0).
info(piece,-).
info(midiClockUnits,480).
info(midiClockRate,500000).
scoreprop(keySignature,G,0:1,0,-0.5000).
scoreprop(timeSignature,4/4,0:1,0,-0.5000).
snote(n1-1,[D,n],5,0:1,0,1/24,-0.5000,-0.3333,[v1,staff1])-note(n0,74,1924,1992,79,0,0).
snote(n9-1,[D,n],5,1:3,0,0,2.0000,2.0000,[v1,staff1])-deletion.
snote(n24-1,[F,#],3,1:4,0,1/8,3.0000,3.5000,[v5,staff2,grace])-note(n17,54,4544,4912,46,0,0).
insertion-note(n18,66,4938,5223,53,0,0).
sustain(2240,64).
soft(2250,0).
`;

const V5 = `info(matchFileVersion,5.0).
info(midiClockUnits,480).
info(midiClockRate,500000).
info(keySignature,[Bb Maj]).
info(timeSignature,[2/4]).
meta(timeSignature,2/4,1,-0.5).
meta(timeSignature,6/8,3,3.5).
snote(n2-1,[D,n],3,1:1,0,1/8,-0.5,0.0,[])-note(n0,[D,n],3,491,529,529,52).
snote(n7-1,[B,b],3,2:1,1/8,1/8,0.5,1.0,[])-note(n6,[B,b],3,1015,1062,1100,58).
snote(n8-1,[C,x],4,3:1,0,3/8,3.5,6.5,[])-deletion.
insertion-note(n3,[E,b],3,813,2073,2073,52).
sustain(804,127).
`;

test('parses a version 1.0.0 file: header, notes, pairs, pedal, time signatures', () => {
  const m = parseMatch(V1, 'v1.match');
  assert.equal(m.version, '1.0.0');
  assert.deepEqual(m.warnings, []);
  assert.equal(m.clockUnits, 480);
  assert.equal(m.clockRate, 500000);
  assert.equal(m.info['piece'], '-');
  assert.equal(m.scoreNotes.length, 3);
  assert.equal(m.perfNotes.length, 3);
  const [d5, del, fs3] = m.scoreNotes;
  assert.deepEqual(
    { id: d5!.id, pitch: d5!.pitch, bar: d5!.bar, beat: d5!.beat, on: d5!.onsetBeats, off: d5!.offsetBeats, grace: d5!.isGrace },
    { id: 'n1-1', pitch: 74, bar: 0, beat: 1, on: -0.5, off: -0.3333, grace: false },
  );
  assert.equal(d5!.durationWholeNotes, 1 / 24);
  assert.deepEqual(d5!.attrs, ['v1', 'staff1']);
  assert.equal(del!.isGrace, true, 'zero duration means grace');
  assert.equal(fs3!.pitch, 54, 'F#3 = 12*4 + 5 + 1');
  assert.equal(fs3!.isGrace, true, 'grace attribute');
  assert.equal(fs3!.offsetWholeNotes, 0);
  const n0 = m.perfNotes[0]!;
  assert.deepEqual({ pitch: n0.pitch, on: n0.onsetTick, off: n0.offsetTick, vel: n0.velocity }, { pitch: 74, on: 1924, off: 1992, vel: 79 });
  assert.equal(n0.onsetSec, 1924 / 960);
  assert.equal(n0.adjOffsetTick, undefined);
  assert.deepEqual(m.matches, [
    { scoreIndex: 0, perfIndex: 0 },
    { scoreIndex: 2, perfIndex: 1 },
  ]);
  assert.deepEqual(m.deletions, [1]);
  assert.deepEqual(m.insertions, [2]);
  assert.deepEqual(m.sustain, [{ tick: 2240, sec: 2240 / 960, value: 64 }]);
  assert.deepEqual(m.soft, [{ tick: 2250, sec: 2250 / 960, value: 0 }]);
  assert.deepEqual(m.timeSignatures, [{ onsetBeats: -0.5, numerator: 4, denominator: 4 }]);
});

test('parses a version 5.0 file: spelled performed notes, adjusted offsets, meta time signatures', () => {
  const m = parseMatch(V5, 'v5.match');
  assert.equal(m.version, '5.0');
  assert.deepEqual(m.warnings, []);
  assert.deepEqual(
    m.scoreNotes.map((n) => n.pitch),
    [50, 58, 62],
    'D3 = 50, Bb3 = 58, Cx4 = 62',
  );
  assert.deepEqual(
    m.perfNotes.map((n) => [n.id, n.pitch, n.onsetTick, n.offsetTick, n.adjOffsetTick, n.velocity]),
    [
      ['n0', 50, 491, 529, 529, 52],
      ['n6', 58, 1015, 1062, 1100, 58],
      ['n3', 51, 813, 2073, 2073, 52],
    ],
  );
  assert.deepEqual(m.deletions, [2]);
  assert.deepEqual(m.insertions, [2]);
  assert.deepEqual(m.timeSignatures, [
    { onsetBeats: -0.5, numerator: 2, denominator: 4 },
    { onsetBeats: 3.5, numerator: 6, denominator: 8 },
  ]);
});

test('a header-only time signature (info) is used when there are no meta lines', () => {
  const m = parseMatch('info(matchFileVersion,5.0).\ninfo(timeSignature,[3/8]).\n', 'x.match');
  assert.deepEqual(m.timeSignatures, [{ onsetBeats: 0, numerator: 3, denominator: 8 }]);
});

test('malformed lines and unknown kinds become warnings naming file and line, never a crash', () => {
  const text = [
    'info(matchFileVersion,1.0.0).',
    'info(midiClockUnits,480).',
    'info(midiClockRate,500000).',
    'snote(n1-1,[H,n],5,0:1,0,1/24,-0.5,-0.3,[])-note(n0,74,1924,1992,79,0,0).',
    'insertion-note(n1,74,100).',
    'sustain(abc,64).',
    'ornament(n5,[trill])-note(n2,60,10,20,64,0,0).',
    'ornament(n6,[trill])-note(n3,60,30,40,64,0,0).',
    'snote(n2-1,[C,n],4,1:1,0,1/4,0.0,1.0,[])-note(n4,60,0,100,64,0,0).',
  ].join('\n');
  const m = parseMatch(text, 'bad.match');
  assert.equal(m.scoreNotes.length, 1);
  assert.equal(m.matches.length, 1);
  assert.deepEqual(
    m.warnings.map((w) => /^bad\.match(:\d+)?/.exec(w)?.[0]),
    ['bad.match:4', 'bad.match:5', 'bad.match:6', 'bad.match'],
  );
  assert.match(m.warnings[0]!, /malformed score note/);
  assert.match(m.warnings[3]!, /2 line\(s\) of unsupported kind "ornament"/);
});

test('missing or odd header fields fall back to the ASAP clock with a warning', () => {
  const m = parseMatch('snote(n2-1,[C,n],4,1:1,0,1/4,0.0,1.0,[])-note(n4,60,960,1920,64,0,0).\n', 'nohdr.match');
  assert.equal(m.perfNotes[0]!.onsetSec, 1);
  assert.equal(m.warnings.length, 3);
  assert.match(m.warnings[0]!, /^nohdr\.match: match file version "missing"/);
});

test('readMatchFile gunzips .match.gz and names the file when it cannot be read', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-match-'));
  try {
    const gz = path.join(dir, 'A.match.gz');
    writeFileSync(gz, gzipSync(Buffer.from(V1)));
    const m = readMatchFile(gz);
    assert.equal(m.source, gz);
    assert.equal(m.scoreNotes.length, 3);
    const broken = path.join(dir, 'B.match.gz');
    writeFileSync(broken, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    assert.throws(() => readMatchFile(broken), (e: Error) => e.message.startsWith(`${broken}: corrupt gzip`));
    assert.throws(() => readMatchFile(path.join(dir, 'none.match.gz')), /none\.match\.gz: cannot read match file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('beats → quarters integrates 4/denominator over the time-signature map', () => {
  // 2/4 from a half-beat pickup, then 6/8 from beat 3.5: a 6/8 beat is an eighth, half a quarter.
  const q = beatsToQuartersFn([
    { onsetBeats: -0.5, numerator: 2, denominator: 4 },
    { onsetBeats: 3.5, numerator: 6, denominator: 8 },
  ]);
  assert.equal(q(-0.5), -0.5);
  assert.equal(q(0), 0);
  assert.equal(q(3.5), 3.5);
  assert.equal(q(9.5), 3.5 + 3);
  assert.equal(q(-1), -1, 'before the first change the first signature extends');
  const half = beatsToQuartersFn([{ onsetBeats: 0, numerator: 2, denominator: 2 }]);
  assert.equal(half(3), 6, 'a 2/2 beat is a half note');
  assert.equal(beatsToQuartersFn([])(2.5), 2.5);
});
