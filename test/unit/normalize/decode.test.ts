// The decoder's guarantees, as properties over arbitrary inputs (random scores, malformed-but-readable
// files) and arbitrary per-bar classes: same notes (pitch, velocity, track, channel, count), at most one
// edit per bar, valid ticks, and a file that writes and reads back with the same pitches.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMidi } from '../../../server/midi/read';
import { writeMidi } from '../../../server/midi/write';
import { TooManyBarsError } from '../../../server/normalize/bars';
import { decodeEdits, editGrid } from '../../../server/normalize/decode';
import { KEEP, N_CLASSES, classToEdit, displacementToClass } from '../../../server/normalize/editSpace';
import { DEFAULT_SNAP } from '../../../server/normalize/snap';
import { applyTickEdits } from '../../../server/normalize/timeEdits';
import { mulberry32, type Rng } from '../../../server/prng';
import type { MidiDoc } from '../../../server/midi/model';
import { malformedDocs, pitchMultiset, randomScore } from './helpers';

function randomClasses(rng: Rng, bars: number, editProb: number): Int32Array {
  return Int32Array.from({ length: bars }, () => (rng() < editProb ? 1 + Math.floor(rng() * (N_CLASSES - 1)) : KEEP));
}

function checkDecoded(doc: MidiDoc, classes: Int32Array, label: string, snap: boolean): void {
  const d = decodeEdits(doc, classes, snap ? { snap: DEFAULT_SNAP } : {});
  assert.equal(d.doc.notes.length, doc.notes.length, `${label}: note count`);
  assert.deepEqual(pitchMultiset(d.doc.notes), pitchMultiset(doc.notes), `${label}: pitch multiset`);
  d.notesByInput.forEach((n, i) => {
    const src = doc.notes[i]!;
    assert.ok(n.pitch === src.pitch && n.velocity === src.velocity && n.track === src.track && n.channel === src.channel, `${label}: note ${i} changed more than its timing`);
    assert.ok(Number.isInteger(n.onsetTick) && n.onsetTick >= 0 && n.offsetTick >= n.onsetTick, `${label}: note ${i} ticks ${n.onsetTick}..${n.offsetTick}`);
    assert.ok(Number.isFinite(n.onsetSec) && n.offsetSec >= n.onsetSec, `${label}: note ${i} seconds`);
  });
  const bars = d.edits.map((e) => e.bar);
  assert.equal(new Set(bars).size, bars.length, `${label}: a bar has more than one edit`);
  for (const e of d.edits) assert.ok(e.bar >= 0 && e.bar < classes.length && classes[e.bar] !== KEEP, `${label}: edit at bar ${e.bar} not asked for`);
  for (let i = 1; i < d.doc.notes.length; i++) assert.ok(d.doc.notes[i]!.onsetTick >= d.doc.notes[i - 1]!.onsetTick, `${label}: output not sorted`);
  const back = parseMidi(writeMidi(d.doc), `${label} (written)`);
  assert.deepEqual(pitchMultiset(back.notes), pitchMultiset(doc.notes), `${label}: pitches after write/read`);
}

test('random scores x random edits: notes, pitches and one edit per bar are kept (with and without snap)', () => {
  const rng = mulberry32(101);
  for (let k = 0; k < 60; k++) {
    const ts = [{ tick: 0, numerator: [2, 3, 4, 6, 7][k % 5]!, denominator: [4, 8][k % 2]! }];
    const doc = randomScore(rng, { bars: 4 + Math.floor(rng() * 20), ppq: [96, 480, 7][k % 3]!, ts });
    const bars = editGrid(doc).startTick.length;
    checkDecoded(doc, randomClasses(rng, bars, [0.1, 0.5, 1][k % 3]!), `random#${k}`, k % 2 === 0);
  }
});

test('malformed-but-readable files x random edits: the same guarantees, or a clear TooManyBarsError', () => {
  const rng = mulberry32(202);
  const docs = malformedDocs(120, 0xbad5eed);
  assert.ok(docs.length >= 60, `only ${docs.length} readable mutants`);
  let decoded = 0;
  for (const { label, doc } of docs) {
    let bars: number;
    try {
      bars = editGrid(doc).startTick.length;
    } catch (e) {
      assert.ok(e instanceof TooManyBarsError, `${label}: ${String(e)}`);
      continue;
    }
    checkDecoded(doc, randomClasses(rng, bars, 0.4), label, rng() < 0.5);
    decoded++;
  }
  assert.ok(decoded >= docs.length / 2, `decoded ${decoded} of ${docs.length}`);
});

test('class count must match the bars, and classes outside the space are refused', () => {
  const doc = randomScore(mulberry32(3), { bars: 4 });
  const bars = editGrid(doc).startTick.length;
  assert.throws(() => decodeEdits(doc, new Int32Array(bars + 1)), RangeError);
  const bad = new Int32Array(bars);
  bad[0] = N_CLASSES;
  assert.throws(() => decodeEdits(doc, bad), RangeError);
});

test('subtract deletes time at the bar line; add inserts it before the line; later edits see earlier ones', () => {
  // Ticks: a note late by 240 at bar 1 (line 1920), one early by 120 at bar 2 (line 3840).
  const v = Float64Array.from([0, 1000, 2160, 2500, 3720, 3800, 4000]);
  applyTickEdits(v, [
    { barStartTick: 1920, shiftTicks: 240 },
    { barStartTick: 3840, shiftTicks: -120 },
  ]);
  // 2160 → 1920; 2500 → 2260; 3720 → 3480 (then < 3720 stays); 3800 → 3560; 4000 → 3760 → 3880.
  assert.deepEqual([...v], [0, 1000, 1920, 2260, 3480, 3560, 3880]);
  const w = Float64Array.from([1900, 1950, 2000, 3000]);
  applyTickEdits(w, [{ barStartTick: 1920, shiftTicks: 120 }]);
  assert.deepEqual([...w], [1900, 1920, 1920, 2880], 'ticks inside the deleted span collapse onto the bar line');
});

test('displacements map to the nearest class; small ones are keep', () => {
  assert.equal(displacementToClass(0.03), KEEP);
  assert.deepEqual(classToEdit(displacementToClass(0.5)), { kind: 'subtract', amountBeats: 0.5 });
  assert.deepEqual(classToEdit(displacementToClass(-1.02)), { kind: 'add', amountBeats: 1 });
  assert.deepEqual(classToEdit(displacementToClass(-9)), { kind: 'add', amountBeats: 2 });
});
