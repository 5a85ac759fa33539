// Sanity checks: each passes on a plausible output and fails on an output crafted to break exactly it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanityCheck, type SanityCheckId, type SanityOutput, type SanityReport, type SanityScore } from '../../../server/eval';

// Five score notes in three onset groups: a dyad, a single note, a dyad.
const score: SanityScore = { pitch: [60, 64, 67, 62, 65], group: [0, 0, 1, 2, 2] };
// Group mean onsets 0.005, 0.5, 1.11 → IOIs 0.495 and 0.61 s (not flat); velocities vary; tempo varies.
const good: SanityOutput = {
  pitch: [64, 60, 67, 62, 65],
  onsetSec: [0, 0.01, 0.5, 1.1, 1.12],
  offsetSec: [0.4, 0.45, 1.0, 1.5, 1.6],
  velocity: [60, 70, 55, 80, 72],
  localTempo: [0.1, -0.05, 0.2],
};

const failedChecks = (r: SanityReport): SanityCheckId[] => r.failures.map((f) => f.check);
const messageOf = (r: SanityReport, check: SanityCheckId): string => r.failures.find((f) => f.check === check)?.message ?? '';

test('a plausible output passes every check', () => {
  const r = sanityCheck(score, good);
  assert.deepEqual(r, { passed: true, failures: [], skipped: [] });
});

test('note-count: a dropped note fails and mapping-dependent checks are skipped', () => {
  const out: SanityOutput = {
    ...good,
    pitch: good.pitch.slice(0, 4),
    onsetSec: good.onsetSec.slice(0, 4),
    offsetSec: good.offsetSec.slice(0, 4),
    velocity: good.velocity.slice(0, 4),
  };
  const r = sanityCheck(score, out);
  assert.equal(r.passed, false);
  assert.deepEqual(failedChecks(r), ['note-count', 'pitch-multiset']);
  assert.match(messageOf(r, 'note-count'), /score has 5 notes but output pitch has 4/);
  assert.deepEqual(r.skipped.map((s) => s.check), ['onset-order']);
  // One ragged column is enough.
  assert.deepEqual(failedChecks(sanityCheck(score, { ...good, offsetSec: [0.4] })), ['note-count']);
});

test('pitch-multiset: a wrong pitch names what is missing and extra', () => {
  const r = sanityCheck(score, { ...good, pitch: [64, 61, 67, 62, 65] });
  assert.deepEqual(failedChecks(r), ['pitch-multiset']);
  assert.match(messageOf(r, 'pitch-multiset'), /pitch 60: 1 missing; pitch 61: 1 extra/);
});

test('finite: NaN, infinity and non-MIDI velocities fail', () => {
  const nanOnset = sanityCheck(score, { ...good, onsetSec: [0, Number.NaN, 0.5, 1.1, 1.12] });
  assert.deepEqual(failedChecks(nanOnset), ['finite']);
  assert.match(messageOf(nanOnset, 'finite'), /onsetSec\[1\] is NaN/);
  const infTempo = sanityCheck(score, { ...good, localTempo: [0.1, Infinity, 0.2] });
  assert.match(messageOf(infTempo, 'finite'), /localTempo\[1\] is Infinity/);
  const badVelocity = sanityCheck(score, { ...good, velocity: [60, 0, 55.5, 80, 128] });
  assert.deepEqual(failedChecks(badVelocity), ['finite']);
  assert.match(messageOf(badVelocity, 'finite'), /velocity\[1\] is 0, not an integer 1\.\.127 \(3 problems in all\)/);
});

test('onset-order: a group starting clearly before its predecessor fails, within tolerance passes', () => {
  // Group 2 mean moves to 0.4 s: 100 ms before group 1 at 0.5 s.
  const backwards = sanityCheck(score, { ...good, onsetSec: [0, 0.01, 0.5, 0.39, 0.41] });
  assert.deepEqual(failedChecks(backwards), ['onset-order']);
  assert.match(messageOf(backwards, 'onset-order'), /group 2 starts at 0\.400 s, 100\.0 ms before group 1/);
  // 30 ms early is within the default 50 ms, but not within 10 ms.
  const slightly = { ...good, onsetSec: [0, 0.01, 0.5, 0.46, 0.48] };
  assert.equal(sanityCheck(score, slightly).passed, true);
  assert.deepEqual(failedChecks(sanityCheck(score, slightly, { onsetOrderToleranceSec: 0.01 })), ['onset-order']);
});

test('timing-collapsed: flat local tempo fails', () => {
  const r = sanityCheck(score, { ...good, localTempo: [0.1, 0.1, 0.1] });
  assert.deepEqual(failedChecks(r), ['timing-collapsed']);
  assert.match(messageOf(r, 'timing-collapsed'), /local tempo std is \S+ \(< 0\.001\)/);
});

test('timing-collapsed: evenly spaced groups fail even when the tempo varies', () => {
  // Group means 0, 0.5, 1.0 → IOIs 0.5, 0.5.
  const r = sanityCheck(score, { ...good, onsetSec: [-0.01, 0.01, 0.5, 0.99, 1.01] });
  assert.deepEqual(failedChecks(r), ['timing-collapsed']);
  assert.match(messageOf(r, 'timing-collapsed'), /all 2 IOIs between group onsets equal 500\.000 ms/);
});

test('velocity-collapsed: one loudness, or a std below half a step, fails', () => {
  const flat = sanityCheck(score, { ...good, velocity: [64, 64, 64, 64, 64] });
  assert.deepEqual(failedChecks(flat), ['velocity-collapsed']);
  // [64,64,64,64,65]: mean 64.2, variance (4·0.04 + 0.64)/5 = 0.16, std 0.4 < 0.5.
  const almost = sanityCheck(score, { ...good, velocity: [64, 64, 64, 64, 65] });
  assert.match(messageOf(almost, 'velocity-collapsed'), /velocity std is 0\.400/);
  // [63,65,63,65,64]: variance (4·1 + 0)/5 = 0.8, std ≈ 0.894 ≥ 0.5 passes.
  assert.equal(sanityCheck(score, { ...good, velocity: [63, 65, 63, 65, 64] }).passed, true);
});

test('a fully collapsed output fails several checks at once', () => {
  const collapsed: SanityOutput = {
    ...good,
    onsetSec: [0, 0, 0.5, 1, 1],
    velocity: [64, 64, 64, 64, 64],
    localTempo: [0, 0, 0],
  };
  assert.deepEqual(failedChecks(sanityCheck(score, collapsed)), ['timing-collapsed', 'velocity-collapsed']);
});

test('too little data skips checks instead of failing them', () => {
  const one: SanityScore = { pitch: [60], group: [0] };
  const r = sanityCheck(one, { pitch: [60], onsetSec: [0], offsetSec: [1], velocity: [64], localTempo: [] });
  assert.equal(r.passed, true);
  assert.deepEqual(r.skipped.map((s) => s.check), ['onset-order', 'timing-collapsed', 'velocity-collapsed']);
});

test('a malformed score is a RangeError', () => {
  assert.throws(() => sanityCheck({ pitch: [60, 62], group: [0] }, good), /2 pitches but 1 group/);
  assert.throws(() => sanityCheck({ pitch: [60], group: [-1] }, good), /group\[0\] is -1/);
  assert.throws(() => sanityCheck(score, good, { onsetOrderToleranceSec: -1 }), RangeError);
});
