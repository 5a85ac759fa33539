// Score features: onset groups with grace notes, metric positions, chords and voices.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScore, feature } from '../../../server/features/scoreFeatures';
import { Meter } from '../../../server/features/meter';
import { scoreDoc } from './helpers';

test('grace notes join the following onset group', () => {
  const a = analyzeScore(
    scoreDoc([
      { pitch: 60, q: 0, d: 1 },
      { pitch: 71, q: 0.96, d: 0 }, // a grace 0.04 quarters before the beat
      { pitch: 72, q: 1, d: 1 },
      { pitch: 64, q: 1, d: 1 },
    ]),
  );
  assert.equal(a.groups.length, 2);
  assert.deepEqual(a.groups[1]!.noteIndices.map((i) => a.doc.notes[i]!.pitch).sort(), [64, 71, 72]);
  assert.deepEqual(a.groups[1]!.principal.map((i) => a.doc.notes[i]!.pitch).sort(), [64, 72]);
  const grace = a.doc.notes.findIndex((n) => n.pitch === 71);
  assert.equal(feature(a, grace, 'is_grace'), 1);
  assert.equal(feature(a, grace, 'is_top_voice'), 0);
});

test('metric positions in 6/8 with a pickup bar of 1/8', () => {
  const ppq = 480;
  const m = new Meter(ppq, [
    { tick: 0, numerator: 1, denominator: 8 },
    { tick: 240, numerator: 6, denominator: 8 },
  ]);
  assert.deepEqual([m.at(0).bar, m.at(0).barPhase], [0, 0]);
  const downbeat = m.at(240);
  assert.equal(downbeat.bar, 1);
  assert.equal(downbeat.barPhase, 0);
  const third = m.at(240 + 3 * 240); // fourth eighth of bar 1
  assert.equal(third.bar, 1);
  assert.equal(third.beatInBar, 3);
  assert.ok(Math.abs(third.barPhase - 0.5) < 1e-12);
  assert.equal(m.at(240 + 6 * 240).bar, 2);
});

test('chord rank, top and bottom voices, intervals, velocities', () => {
  const a = analyzeScore(
    scoreDoc([
      { pitch: 48, q: 0, d: 2, velocity: 40 },
      { pitch: 55, q: 0, d: 2, velocity: 41 },
      { pitch: 67, q: 0, d: 1, velocity: 90 },
      { pitch: 69, q: 1, d: 1, velocity: 91 },
    ]),
  );
  const idx = (p: number): number => a.doc.notes.findIndex((n) => n.pitch === p);
  assert.equal(feature(a, idx(48), 'chord_size'), 3);
  assert.equal(feature(a, idx(48), 'chord_rank'), 0);
  assert.equal(feature(a, idx(55), 'chord_rank'), 0.5);
  assert.equal(feature(a, idx(67), 'is_top_voice'), 1);
  assert.equal(feature(a, idx(48), 'is_bottom_voice'), 1);
  assert.equal(feature(a, idx(69), 'melodic_interval'), 2);
  assert.equal(feature(a, idx(67), 'score_velocity'), 90);
  assert.equal(feature(a, idx(67), 'ioi_beats'), 1);
  assert.equal(feature(a, idx(69), 'prev_ioi_beats'), 1);
  assert.equal(feature(a, idx(48), 'notated_bpm'), 120);
  assert.equal(feature(a, idx(48), 'is_downbeat'), 1);
  assert.equal(feature(a, idx(69), 'is_downbeat'), 0);
});
