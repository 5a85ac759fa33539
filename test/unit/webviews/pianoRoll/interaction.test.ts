import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMidiFile } from '../../../../server/midi/read';
import { notesOf } from '../../../../server/preview/scoreTake';
import { noteAt } from '../../../../webviews/pianoRoll/hitTest';
import { layoutFor, regionAt } from '../../../../webviews/pianoRoll/layout';
import { NoteIndex } from '../../../../webviews/pianoRoll/noteIndex';
import { planPlayback } from '../../../../webviews/pianoRoll/playback';
import { alphaLevel, confidenceAlpha, ALPHA_LEVELS } from '../../../../webviews/pianoRoll/prepared';
import { thinning } from '../../../../webviews/pianoRoll/render';
import { pitchToY, secToX } from '../../../../webviews/pianoRoll/scale';
import { restoreState, Sequencer, INITIAL_STATE } from '../../../../webviews/pianoRoll/viewState';

const notes = notesOf(readMidiFile('examples/minuet-g-major.mid'));
const index = new NoteIndex(notes);

test('hit testing finds each note at its own centre, and nothing in an empty row', () => {
  const time = { startSec: -0.5, secPerPx: 0.02 };
  const pitch = { low: 36, rows: 60 };
  const h = 600;
  const rowH = h / pitch.rows;
  for (let i = 0; i < notes.pitch.length; i++) {
    const x = secToX(time, (notes.onsetSec[i]! + notes.offsetSec[i]!) / 2);
    const y = pitchToY(pitch, notes.pitch[i]!, h) + rowH / 2;
    const hit = noteAt(notes, index, time, pitch, h, x, y);
    assert.ok(hit >= 0, `note ${i} not found`);
    assert.equal(notes.pitch[hit], notes.pitch[i]);
    assert.ok(notes.onsetSec[hit]! <= notes.offsetSec[i]! && notes.offsetSec[hit]! >= notes.onsetSec[i]!);
  }
  const unused = [...Array(128).keys()].find((k) => k >= 36 && !notes.pitch.includes(k))!;
  assert.equal(noteAt(notes, index, time, pitch, h, 300, pitchToY(pitch, unused, h) + rowH / 2), -1);
});

test('layout: regions tile the canvas without overlap and lanes keep the roll the larger part', () => {
  const L = layoutFor(1000, 700);
  assert.ok(L.roll.h > 2 * (L.velocity.h + L.pedal.h + L.tempo.h) * 0.7);
  assert.ok(L.velocity.y >= L.roll.y + L.roll.h && L.pedal.y >= L.velocity.y + L.velocity.h && L.tempo.y >= L.pedal.y + L.pedal.h);
  assert.ok(L.tempo.y + L.tempo.h <= 700);
  assert.equal(regionAt(L, 500, L.roll.y + 5), 'roll');
  assert.equal(regionAt(L, 10, L.roll.y + 5), 'gutter');
  assert.equal(regionAt(L, 500, L.tempo.y + 1), 'tempo');
  const tiny = layoutFor(10, 10);
  assert.ok(Object.values(tiny).every((r) => r.w >= 0 && r.h >= 0));
});

test('stale humanize answers never replace a newer one; busy until the newest is answered', () => {
  const s = new Sequencer();
  const one = s.next();
  const two = s.next();
  assert.ok(s.busy);
  assert.equal(s.accept(two), true);
  assert.equal(s.busy, false);
  assert.equal(s.accept(one), false, 'the older answer arrives late and is dropped');
  const three = s.next();
  assert.equal(s.accept(99), false, 'an answer to a request never sent is dropped');
  assert.ok(s.busy);
  assert.equal(s.accept(three), true);
});

test('saved state is restored field by field; garbage falls back to defaults', () => {
  assert.deepEqual(restoreState(undefined), INITIAL_STATE);
  assert.deepEqual(restoreState('x'), INITIAL_STATE);
  const good = { version: 1, time: { startSec: 3, secPerPx: 0.01 }, pitch: { low: 40, rows: 30 }, mode: 'B', playTake: 'A', style: { rubato: 0.1, dynamics: 10, articulation: -0.2, pedal: 0.4, tempo: 0 }, strength: 0.3, method: 'rules' };
  assert.deepEqual(restoreState(good), good);
  const bad = restoreState({ ...good, time: { startSec: NaN, secPerPx: 1 }, mode: 'C', strength: 4, style: { rubato: 1 } });
  assert.equal(bad.time, null);
  assert.equal(bad.mode, 'AB');
  assert.equal(bad.strength, null);
  assert.equal(bad.style, null);
  assert.deepEqual(bad.pitch, good.pitch);
});

test('playback: the pedal holds a released key until it comes up; order is by onset', () => {
  const n = { pitch: [60, 62, 64], onsetSec: [1, 0, 3], offsetSec: [1.5, 0.5, 3.5], velocity: [64, 64, 64], track: [0, 0, 0], channel: [0, 0, 0] };
  const plan = planPlayback(n, { startSec: [1.2, 4], endSec: [2.5, 5] });
  assert.deepEqual([...plan.order], [1, 0, 2]);
  assert.deepEqual([...plan.soundingOffsetSec], [2.5, 0.5, 3.5]);
});

test('confidence shading: monotonic alpha, never invisible; levels cover 0..1', () => {
  assert.ok(confidenceAlpha(0) > 0 && confidenceAlpha(1) === 1 && confidenceAlpha(0.3) < confidenceAlpha(0.7));
  assert.equal(alphaLevel(0), 0);
  assert.equal(alphaLevel(1), ALPHA_LEVELS - 1);
});

test('bar lines thin out by powers of two when they would crowd', () => {
  const bars = Array.from({ length: 100 }, (_, i) => i * 2);
  assert.equal(thinning(bars, 0.01, 6), 1);
  assert.equal(thinning(bars, 1, 6), 4);
});
