// Round trip: score + extracted expression re-renders every aligned onset and velocity exactly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScore } from '../../../server/features/scoreFeatures';
import { emptyExpression } from '../../../server/features/expression';
import { render } from '../../../server/features/render';
import { extractExpression, type Link } from '../../../server/features/targets';
import { mulberry32, gaussian } from '../../../server/prng';
import { scoreDoc, twoVoiceScore } from './helpers';

function randomExpression(groups: number, notes: number, seed: number, tempoSd: number) {
  const rng = mulberry32(seed);
  const e = emptyExpression(groups, notes);
  e.startSec = 1.5;
  e.initTempo = 0.2;
  for (let g = 0; g < groups; g++) e.tempo[g] = tempoSd * gaussian(rng);
  for (let i = 0; i < notes; i++) {
    e.velocity[i] = 1 + Math.floor(rng() * 127);
    e.asyncSec[i] = 0.02 * gaussian(rng);
    e.articulation[i] = 0.3 * gaussian(rng);
    e.pedalOnset[i] = rng() < 0.5 ? 1 : 0;
    e.pedalOffset[i] = 1;
  }
  return e;
}

test('extract(render(e)) recovers onsets, velocities and unbounded tempo exactly', () => {
  const a = analyzeScore(twoVoiceScore(12));
  // Tempo sd 1.0: IOI ratios from e^-3 to e^3, far beyond any "half a grid step" cap.
  const e = randomExpression(a.groups.length, a.doc.notes.length, 7, 1.0);
  const r = render(a, e);
  const pairs: Link[] = r.notes.map((n, i) => ({ scoreIndex: n.scoreIndex, perfIndex: i }));
  const back = extractExpression(a, r.notes, pairs, r.pedal);
  const r2 = render(a, back);
  for (let i = 0; i < r.notes.length; i++) {
    assert.ok(Math.abs(r2.notes[i]!.onsetSec - r.notes[i]!.onsetSec) < 1e-9, `onset ${i}`);
    assert.equal(r2.notes[i]!.velocity, r.notes[i]!.velocity);
    assert.ok(Math.abs(r2.notes[i]!.offsetSec - r.notes[i]!.offsetSec) < 1e-9, `offset ${i}`);
  }
  // Group onsets are means of the chord, so the per-group tempo comes back where the chord is intact.
  const maxTempo = Math.max(...[...back.tempo].filter(Number.isFinite).map(Math.abs));
  assert.ok(maxTempo > 1.5, `large rubato survives (max |log ratio| ${maxTempo})`);
});

test('deletions and out-of-order groups still round-trip every aligned note', () => {
  const a = analyzeScore(twoVoiceScore(6));
  const e = randomExpression(a.groups.length, a.doc.notes.length, 11, 0.3);
  const r = render(a, e);
  // Delete every 5th note and move group 10 before group 9 (a performer's slip, or a grace note).
  const g9 = a.groups[9]!;
  const g10 = a.groups[10]!;
  const perf = r.notes.map((n) => ({ ...n }));
  const shift = r.groupOnsetSec[10]! - r.groupOnsetSec[9]! + 0.05;
  for (const i of g10.noteIndices) perf[i]!.onsetSec -= shift;
  const pairs: Link[] = perf.map((_, i) => ({ scoreIndex: i, perfIndex: i })).filter((_, i) => i % 5 !== 0);
  const back = extractExpression(a, perf, pairs, r.pedal);
  assert.ok(Number.isNaN(back.tempo[10]!), 'a group played before its predecessor has no tempo');
  const r2 = render(a, back);
  for (const p of pairs) {
    assert.ok(Math.abs(r2.notes[p.scoreIndex]!.onsetSec - perf[p.perfIndex]!.onsetSec) < 1e-9, `onset ${p.scoreIndex}`);
    assert.equal(r2.notes[p.scoreIndex]!.velocity, perf[p.perfIndex]!.velocity);
  }
  assert.ok(g9.noteIndices.length > 0);
});

test('tempo target is log(performed IOI / score IOI), hand-computed', () => {
  // Quarter notes at 120 BPM: score IOI 0.5 s. Performed IOIs 0.5, 1.0, 0.25 s.
  const a = analyzeScore(scoreDoc([0, 1, 2, 3].map((q) => ({ pitch: 60 + q, q, d: 1 }))));
  const onsets = [2, 2.5, 3.5, 3.75];
  const perf = onsets.map((t, i) => ({ pitch: 60 + i, velocity: 50 + i, onsetSec: t, offsetSec: t + 0.4 }));
  const e = extractExpression(a, perf, perf.map((_, i) => ({ scoreIndex: i, perfIndex: i })), []);
  assert.ok(Number.isNaN(e.tempo[0]!));
  assert.ok(Math.abs(e.tempo[1]! - Math.log(0.5 / 0.5)) < 1e-12);
  assert.ok(Math.abs(e.tempo[2]! - Math.log(1.0 / 0.5)) < 1e-12);
  assert.ok(Math.abs(e.tempo[3]! - Math.log(0.25 / 0.5)) < 1e-12);
  // Overall: 1.75 s performed over 1.5 s notated.
  assert.ok(Math.abs(e.initTempo - Math.log(1.75 / 1.5)) < 1e-12);
  assert.deepEqual([...e.velocity], [50, 51, 52, 53]);
  assert.ok(Math.abs(e.startSec - 2) < 1e-12);
});

test('large timestamps keep sub-millisecond precision (float64 walk, no float32 drift)', () => {
  // 4,000 sixteenths: over 8 minutes of music.
  const specs = Array.from({ length: 4000 }, (_, k) => ({ pitch: 60 + (k % 12), q: k * 0.25, d: 0.25 }));
  const a = analyzeScore(scoreDoc(specs));
  const e = randomExpression(a.groups.length, a.doc.notes.length, 3, 0.2);
  e.startSec = 3600; // an hour into a long recording
  const r = render(a, e);
  const back = extractExpression(a, r.notes, r.notes.map((_, i) => ({ scoreIndex: i, perfIndex: i })), []);
  const r2 = render(a, back);
  const worst = Math.max(...r.notes.map((n, i) => Math.abs(r2.notes[i]!.onsetSec - n.onsetSec)));
  assert.ok(worst < 1e-6, `worst onset error ${worst}`);
});

test('one wildly misaligned group does not mask the groups after it', () => {
  const a = analyzeScore(twoVoiceScore(8));
  const e = randomExpression(a.groups.length, a.doc.notes.length, 5, 0.1);
  const r = render(a, e);
  const perf = r.notes.map((n) => ({ ...n }));
  // An alignment error: group 12's notes linked to notes a minute later.
  for (const i of a.groups[12]!.noteIndices) perf[i]!.onsetSec += 60;
  const pairs: Link[] = perf.map((_, i) => ({ scoreIndex: i, perfIndex: i }));
  const back = extractExpression(a, perf, pairs, r.pedal);
  assert.ok(Number.isNaN(back.tempo[12]!), 'the outlier gets no tempo');
  const defined = [...back.tempo].slice(13).filter(Number.isFinite).length;
  assert.equal(defined, a.groups.length - 13, 'every later group keeps its tempo');
  const r2 = render(a, back);
  for (const p of pairs) assert.ok(Math.abs(r2.notes[p.scoreIndex]!.onsetSec - perf[p.perfIndex]!.onsetSec) < 1e-9);
});
