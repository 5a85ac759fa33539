// Writing: lossless round trips (hand-made docs and real ASAP files), a cross-check with @tonejs/midi's
// decoder, refused documents, the no-clobber atomic file write, and docFromSeconds.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Midi } from '@tonejs/midi';
import { MidiWriteError } from '../../../server/midi/errors';
import type { MidiDoc, Note } from '../../../server/midi/model';
import { parseMidi, pedalIntervals, readMidiFile } from '../../../server/midi/read';
import { TimeMap } from '../../../server/midi/timeMap';
import { docFromSeconds, writeMidi, writeMidiFile } from '../../../server/midi/write';

const repoRoot = path.resolve(__dirname, '../../..');
const asapDir = path.resolve(repoRoot, '../shared/data/asap');

/** Everything the model holds except the label and the warnings (which describe the source file). */
function content(doc: MidiDoc): Omit<MidiDoc, 'source' | 'warnings'> {
  const { source: _source, warnings: _warnings, ...rest } = doc;
  return rest;
}

function roundTrip(doc: MidiDoc): MidiDoc {
  return parseMidi(writeMidi(doc), doc.source);
}

/** A hand-made document with two note tracks, awkward tempos, key and time signatures and pedal. */
function sampleDoc(): MidiDoc {
  const ppq = 384;
  const tempos = [
    { tick: 0, usPerQuarter: 500001 },
    { tick: 1536, usPerQuarter: 428571 },
    { tick: 3072, usPerQuarter: 16777215 },
  ];
  const tm = new TimeMap(ppq, tempos);
  const raw: Omit<Note, 'onsetSec' | 'offsetSec'>[] = [
    { pitch: 60, velocity: 64, onsetTick: 0, offsetTick: 384, track: 1, channel: 0 },
    { pitch: 60, velocity: 65, onsetTick: 384, offsetTick: 768, track: 1, channel: 0 }, // re-strike at the off tick
    { pitch: 64, velocity: 1, onsetTick: 384, offsetTick: 384, track: 1, channel: 0 }, // zero-length
    { pitch: 64, velocity: 127, onsetTick: 384, offsetTick: 900, track: 1, channel: 0 }, // same tick as the zero-length one
    { pitch: 67, velocity: 50, onsetTick: 400, offsetTick: 1000, track: 1, channel: 0 },
    { pitch: 67, velocity: 51, onsetTick: 500, offsetTick: 1100, track: 1, channel: 0 }, // overlaps, FIFO order
    { pitch: 36, velocity: 70, onsetTick: 0, offsetTick: 3500, track: 2, channel: 1 },
    { pitch: 0, velocity: 10, onsetTick: 3072, offsetTick: 3100, track: 2, channel: 15 },
  ];
  const notes: Note[] = raw
    .map((n) => ({ ...n, onsetSec: tm.tickToSec(n.onsetTick), offsetSec: tm.tickToSec(n.offsetTick) }))
    .sort((a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch || a.track - b.track || a.channel - b.channel || a.offsetTick - b.offsetTick);
  const sustain = [
    { tick: 0, value: 100, track: 1, channel: 0 },
    { tick: 300, value: 63, track: 1, channel: 0 },
    { tick: 310, value: 127, track: 2, channel: 1 },
  ].map((p) => ({ ...p, sec: tm.tickToSec(p.tick) }));
  return {
    source: 'sample.mid',
    format: 1,
    ppq,
    notes,
    sustain,
    pedal: pedalIntervals(sustain, tm, 4000),
    tempos: [...tm.tempos],
    timeSignatures: [
      { tick: 0, numerator: 3, denominator: 4 },
      { tick: 1152, numerator: 7, denominator: 16 },
    ],
    keySignatures: [
      { tick: 0, sharps: -7, mode: 'minor' },
      { tick: 1152, sharps: 7, mode: 'major' },
    ],
    trackNames: ['Sonata', 'right hand', 'left hand'],
    endTick: 4000,
    warnings: [],
  };
}

test('a hand-made document survives write -> read exactly', () => {
  const doc = sampleDoc();
  const back = roundTrip(doc);
  assert.deepEqual(back.warnings.map((w) => w.code), ['overlapping-note', 'zero-length-note']);
  assert.deepEqual(content(back), content(doc));
  // Writing the re-read document gives the same bytes.
  assert.deepEqual(writeMidi(back), writeMidi(doc));
});

test('every tempo and key signature is written exactly', () => {
  const tempos = [1, 2, 3, 499999, 500001, 428571, 1000000, 16777215];
  const doc = sampleDoc();
  for (const us of tempos) {
    const back = roundTrip({ ...doc, tempos: [{ tick: 0, usPerQuarter: us, sec: 0 }] });
    assert.equal(back.tempos[0]?.usPerQuarter, us);
  }
  for (let sharps = -7; sharps <= 7; sharps++) {
    for (const mode of ['major', 'minor'] as const) {
      const back = roundTrip({ ...doc, keySignatures: [{ tick: 0, sharps, mode }] });
      assert.deepEqual(back.keySignatures, [{ tick: 0, sharps, mode }]);
    }
  }
});

test('format 0 with notes on track 0 stays format 0', () => {
  const doc = docFromSeconds({ notes: [{ pitch: 60, velocity: 80, onsetSec: 0, offsetSec: 1 }] });
  const single: MidiDoc = {
    ...doc,
    format: 0,
    trackNames: ['solo'],
    notes: doc.notes.map((n) => ({ ...n, track: 0 })),
    sustain: [],
    pedal: [],
  };
  const back = roundTrip(single);
  assert.equal(back.format, 0);
  assert.deepEqual(content(back), content(single));
});

test('fractional ticks are rounded to the nearest tick', () => {
  const doc = sampleDoc();
  const n = { ...doc.notes[0]!, onsetTick: 10.4, offsetTick: 20.6 };
  const back = roundTrip({ ...doc, notes: [n] });
  assert.deepEqual([back.notes[0]?.onsetTick, back.notes[0]?.offsetTick], [10, 21]);
});

test('@tonejs/midi decodes the written bytes to the same notes, tempo and key signature', () => {
  const doc = sampleDoc();
  const midi = new Midi(writeMidi(doc));
  assert.equal(midi.header.ppq, doc.ppq);
  assert.deepEqual(midi.header.tempos.map((t) => [t.ticks, Math.round(60e6 / t.bpm)]), doc.tempos.map((t) => [t.tick, t.usPerQuarter]));
  assert.deepEqual(midi.header.keySignatures.map((k) => [k.key, k.scale]), [['Cb', 'minor'], ['C#', 'major']]);
  const ours = doc.notes.map((n) => `${n.pitch}@${n.onsetTick}-${n.offsetTick}v${n.velocity}`).sort();
  const theirs = midi.tracks.flatMap((t) => t.notes.map((n) => `${n.midi}@${n.ticks}-${n.ticks + n.durationTicks}v${Math.round(n.velocity * 127)}`)).sort();
  assert.deepEqual(theirs, ours);
});

test('real ASAP files survive read -> write -> read', (t) => {
  if (!existsSync(asapDir)) return t.skip(`ASAP corpus not found at ${asapDir}`);
  const files = [
    'Bach/Fugue/bwv_846/midi_score.mid', // score: format 1, zero-length notes, key signatures
    'Bach/Fugue/bwv_846/Shi05M.mid',
    'Chopin/Etudes_op_10/3/midi_score.mid', // 19 tempo changes
    'Beethoven/Piano_Sonatas/26-1/MorozovY02.mid', // format 0, ppq 384, an orphan note-off
    'Liszt/Hungarian_Rhapsodies/6/KaiRuiR04.mid', // overlapping same-key notes, 4428 pedal events
  ];
  for (const f of files) {
    const doc = readMidiFile(path.join(asapDir, f));
    const back = roundTrip(doc);
    assert.deepEqual(content(back), content(doc), f);
    // The rewritten file is clean: only warnings about what the model itself holds remain.
    for (const w of back.warnings) assert.ok(['zero-length-note', 'overlapping-note'].includes(w.code), `${f}: ${w.message}`);
  }
});

test('documents that cannot be encoded are refused with the problem named', () => {
  const doc = sampleDoc();
  const refused = (d: MidiDoc, problem: RegExp): void => {
    assert.throws(
      () => writeMidi(d),
      (e: unknown) => e instanceof MidiWriteError && e.code === 'invalid-doc' && e.message.startsWith('sample.mid: ') && problem.test(e.message),
    );
  };
  const note0 = doc.notes[0]!;
  refused({ ...doc, notes: [{ ...note0, pitch: 128 }] }, /note 0: pitch 128 must be an integer 0\.\.127/);
  refused({ ...doc, notes: [{ ...note0, velocity: 0 }] }, /note 0: velocity 0/);
  refused({ ...doc, notes: [{ ...note0, velocity: 80.5 }] }, /note 0: velocity 80\.5/);
  refused({ ...doc, notes: [{ ...note0, onsetTick: 10, offsetTick: 5 }] }, /note 0: offset tick 5 is before onset tick 10/);
  refused({ ...doc, notes: [{ ...note0, onsetTick: Number.NaN }] }, /note 0: tick NaN/);
  refused({ ...doc, notes: [{ ...note0, onsetTick: -3 }] }, /note 0: tick -3/);
  refused({ ...doc, ppq: 0 }, /ppq 0/);
  refused({ ...doc, tempos: [{ tick: 0, usPerQuarter: 0, sec: 0 }] }, /tempo 0/);
  refused({ ...doc, timeSignatures: [{ tick: 0, numerator: 3, denominator: 5 }] }, /time signature 3\/5/);
  refused({ ...doc, keySignatures: [{ tick: 0, sharps: 8, mode: 'major' }] }, /key signature with 8 sharps/);
});

test('writeMidiFile writes atomically and never overwrites unless asked', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-write-'));
  try {
    const file = path.join(dir, 'out.mid');
    const doc = sampleDoc();
    writeMidiFile(file, doc);
    assert.deepEqual(content(readMidiFile(file)), content(doc));

    writeFileSync(file, 'precious');
    assert.throws(
      () => writeMidiFile(file, doc),
      (e: unknown) => e instanceof MidiWriteError && e.code === 'exists' && e.message.startsWith(`${file}: already exists`),
    );
    assert.equal(readFileSync(file, 'utf8'), 'precious');

    writeMidiFile(file, doc, { overwrite: true });
    assert.deepEqual(content(readMidiFile(file)), content(doc));
    assert.deepEqual(readdirSync(dir), ['out.mid'], 'no temporary file is left behind');

    const missing = path.join(dir, 'no', 'such', 'dir.mid');
    assert.throws(() => writeMidiFile(missing, doc), (e: unknown) => e instanceof MidiWriteError && e.code === 'io' && e.message.startsWith(`${missing}: cannot be written`));
    assert.throws(() => writeMidiFile(path.join(dir, 'bad.mid'), { ...doc, ppq: -1 }), (e: unknown) => e instanceof MidiWriteError && e.code === 'invalid-doc');
    assert.deepEqual(readdirSync(dir), ['out.mid']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docFromSeconds: ticks at 480 ppq / 120 BPM, rounded velocities, pedal, and a lossless write', () => {
  const doc = docFromSeconds({
    source: 'perf.mid',
    notes: [
      { pitch: 62, velocity: 80.6, onsetSec: 1.0004, offsetSec: 1.5 },
      { pitch: 60, velocity: 200, onsetSec: 0, offsetSec: 0.25 },
      { pitch: 61, velocity: -4, onsetSec: 0.5, offsetSec: 0.5 },
    ],
    sustain: [
      { sec: 0.1, value: 127 },
      { sec: 0.9, value: 12.4 },
    ],
  });
  // A tick is 1/960 s: 1.0004 s is tick 960.384 -> 960.
  assert.deepEqual(
    doc.notes.map((n) => [n.pitch, n.velocity, n.onsetTick, n.offsetTick, n.onsetSec, n.offsetSec, n.track, n.channel]),
    [
      [60, 127, 0, 240, 0, 0.25, 1, 0],
      [61, 1, 480, 480, 0.5, 0.5, 1, 0],
      [62, 81, 960, 1440, 1, 1.5, 1, 0],
    ],
  );
  assert.deepEqual(doc.sustain.map((p) => [p.tick, p.value]), [[96, 127], [864, 12]]);
  assert.deepEqual(doc.pedal.map((p) => [p.startTick, p.endTick]), [[96, 864]]);
  assert.equal(doc.endTick, 1440);
  assert.deepEqual(doc.tempos, [{ tick: 0, usPerQuarter: 500000, sec: 0 }]);
  const back = roundTrip(doc);
  assert.deepEqual(content(back), content(doc));

  assert.throws(
    () => docFromSeconds({ source: 'p.mid', notes: [{ pitch: 60, velocity: 80, onsetSec: -1, offsetSec: 0 }] }),
    (e: unknown) => e instanceof MidiWriteError && /p\.mid: note 0: time -1 s must be finite and not negative/.test(e.message),
  );
  assert.throws(
    () => docFromSeconds({ notes: [{ pitch: 60, velocity: Number.NaN, onsetSec: 0, offsetSec: 1 }] }),
    (e: unknown) => e instanceof MidiWriteError && /note 0: velocity is not a finite number/.test(e.message),
  );
});
