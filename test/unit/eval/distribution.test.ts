// Histogram bins, per-performance features, JS divergence / intersection, and pooled distribution metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BIN_SPECS,
  binCount,
  binIndex,
  distributionMetrics,
  histogramIntersection,
  interOnsetIntervalsMs,
  jensenShannon,
  pedalValuesAt,
  performanceFeatureValues,
  type PerformanceNotes,
} from '../../../server/eval';

const close = (actual: number | null | undefined, expected: number): void => {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= 1e-15, `${String(actual)} vs ${expected}`);
};

// JS([½,½], [1,0]): M = [¾,¼]; KL(P‖M) = ½log2(⅔) + ½log2(2) = 1 − ½log2 3; KL(Q‖M) = log2(4/3) = 2 − log2 3;
// JS = ½(3 − 1.5·log2 3) = 1.5 − 0.75·log2 3 ≈ 0.311278.
const JS_HALF_VS_ONE = 1.5 - 0.75 * Math.log2(3);

test('every feature has 32 bins except pedal with 8', () => {
  assert.equal(binCount(BIN_SPECS.velocity), 32);
  assert.equal(binCount(BIN_SPECS.ioiMs), 32);
  assert.equal(binCount(BIN_SPECS.durationMs), 32);
  assert.equal(binCount(BIN_SPECS.pedal), 8);
});

test('bins are half-open and edges go to the bin above', () => {
  const v = (x: number): number => binIndex(BIN_SPECS.velocity, x, 'v');
  assert.deepEqual([v(0), v(1), v(3), v(4), v(64), v(126.5), v(127)], [0, 0, 0, 1, 16, 31, 31]);
  const p = (x: number): number => binIndex(BIN_SPECS.pedal, x, 'p');
  assert.deepEqual([p(0), p(15), p(16), p(63), p(64), p(127)], [0, 0, 1, 3, 4, 7]);
  const ms = (x: number): number => binIndex(BIN_SPECS.ioiMs, x, 'ms');
  assert.deepEqual(
    [ms(0), ms(9.99), ms(10), ms(12.58), ms(12.59), ms(100), ms(9999), ms(10000), ms(1e9)],
    [0, 0, 1, 1, 2, 11, 30, 31, 31],
  );
});

test('values outside a range without overflow bins are RangeErrors', () => {
  assert.throws(() => binIndex(BIN_SPECS.velocity, 128, 'pred[0].velocity[3]'), /pred\[0\]\.velocity\[3\] is 128/);
  assert.throws(() => binIndex(BIN_SPECS.pedal, -1, 'x'), RangeError);
  assert.throws(() => binIndex(BIN_SPECS.ioiMs, Number.NaN, 'x'), /NaN/);
});

test('IOIs skip simultaneous onsets and follow time order', () => {
  // Sorted onsets [0, 0, 0.5, 1.25] → distinct [0, 0.5, 1.25] → [500, 750] ms.
  assert.deepEqual(interOnsetIntervalsMs([0.5, 0, 0, 1.25]), [500, 750]);
  assert.deepEqual(interOnsetIntervalsMs([2]), []);
});

test('pedal value at an onset is the last event at or before it, 0 before any', () => {
  const events = [
    { sec: 1, value: 64 },
    { sec: 0.5, value: 20 },
    { sec: 1, value: 100 }, // same instant as the 64: the later in the list wins
  ];
  assert.deepEqual(pedalValuesAt(events, [0.2, 0.5, 0.9, 1, 3]), [0, 20, 20, 100, 100]);
  assert.deepEqual(pedalValuesAt([], [0, 1]), [0, 0]);
});

test('JS divergence and intersection, hand-computed', () => {
  close(jensenShannon([1, 1], [2, 0]), JS_HALF_VS_ONE);
  close(histogramIntersection([1, 1], [2, 0]), 0.5);
  // Disjoint supports: JS = ½·1·log2(1/½) + ½·1·log2(1/½) = 1; no overlap.
  assert.equal(jensenShannon([1, 0], [0, 3]), 1);
  assert.equal(histogramIntersection([1, 0], [0, 3]), 0);
  // Same shape at different totals: identical distributions.
  assert.equal(jensenShannon([1, 2, 3], [2, 4, 6]), 0);
  close(histogramIntersection([1, 2, 3], [2, 4, 6]), 1);
});

test('an empty histogram gives null, bad counts throw', () => {
  assert.equal(jensenShannon([0, 0], [1, 2]), null);
  assert.equal(histogramIntersection([1, 2], [0, 0]), null);
  assert.equal(jensenShannon([], []), null);
  assert.throws(() => jensenShannon([1, -1], [1, 1]), RangeError);
  assert.throws(() => jensenShannon([1, 2, 3], [1, 2]), RangeError);
});

const plain: PerformanceNotes = { onsetSec: [0, 0.1], offsetSec: [0.05, 0.6], velocity: [64, 64], pedal: [] };
const pedalled: PerformanceNotes = { onsetSec: [0, 0.1], offsetSec: [0.05, 0.6], velocity: [64, 100], pedal: [{ sec: 0, value: 127 }] };

test('per-performance features', () => {
  const f = performanceFeatureValues(pedalled, 'human[0]');
  assert.deepEqual(f.velocity, [64, 100]);
  assert.deepEqual(f.ioiMs, [100]);
  assert.deepEqual(f.durationMs, [50, 500]);
  assert.deepEqual(f.pedal, [127, 127]);
});

test('distribution metrics of a small hand-worked pair', () => {
  const m = distributionMetrics([plain], [pedalled]);
  // velocity: pred {64, 64} all in bin 16; human {64, 100} in bins 16 and 25 → JS([1,0],[½,½]).
  close(m.velocity.js, JS_HALF_VS_ONE);
  close(m.velocity.intersection, 0.5);
  assert.equal(m.velocity.predCounts[16], 2);
  assert.equal(m.velocity.humanCounts[25], 1);
  // IOI [100] and durations [50, 500] are the same on both sides.
  assert.equal(m.ioiMs.js, 0);
  assert.equal(m.ioiMs.intersection, 1);
  assert.equal(m.ioiMs.predCounts[11], 1);
  assert.equal(m.durationMs.js, 0);
  // pedal: pred 0, 0 (bin 0), human 127, 127 (bin 7): disjoint.
  assert.equal(m.pedal.js, 1);
  assert.equal(m.pedal.intersection, 0);
  close(m.overall.js, (JS_HALF_VS_ONE + 0 + 0 + 1) / 4);
  close(m.overall.intersection, (0.5 + 1 + 1 + 0) / 4);
});

test('pooling: two performances count together', () => {
  const m = distributionMetrics([plain, plain], [plain]);
  assert.equal(m.velocity.predCounts[16], 4);
  assert.equal(m.velocity.js, 0);
});

test('empty sets and missing features give nulls, not NaN', () => {
  const none = distributionMetrics([], []);
  for (const f of ['velocity', 'ioiMs', 'durationMs', 'pedal'] as const) {
    assert.equal(none[f].js, null);
    assert.equal(none[f].intersection, null);
    assert.equal(none[f].predCounts.length, f === 'pedal' ? 8 : 32);
  }
  assert.deepEqual(none.overall, { js: null, intersection: null });
  assert.equal(distributionMetrics([plain], []).velocity.js, null);
  // One-note performances have no IOI, so `overall` is null while the other features are defined.
  const one: PerformanceNotes = { onsetSec: [1], offsetSec: [1.5], velocity: [80], pedal: [] };
  const m = distributionMetrics([one], [one]);
  assert.equal(m.ioiMs.js, null);
  assert.equal(m.velocity.js, 0);
  assert.equal(m.overall.js, null);
});

test('bad performances are RangeErrors naming set, performance and note', () => {
  const backwards: PerformanceNotes = { ...plain, offsetSec: [0.05, 0.05] };
  assert.throws(() => distributionMetrics([plain, backwards], []), /pred\[1\]: note 1 ends before it starts/);
  const loud: PerformanceNotes = { ...plain, velocity: [64, 200] };
  assert.throws(() => distributionMetrics([], [loud]), /human\[0\]\.velocity\[1\] is 200/);
  const ragged: PerformanceNotes = { ...plain, velocity: [64] };
  assert.throws(() => distributionMetrics([ragged], []), /velocity has 1 values but onsetSec has 2/);
  const nan: PerformanceNotes = { ...plain, onsetSec: [0, Number.NaN] };
  assert.throws(() => distributionMetrics([nan], []), /pred\[0\]\.onsetSec\[1\] is NaN/);
  const badPedal: PerformanceNotes = { ...plain, pedal: [{ sec: 0, value: 128 }] };
  assert.throws(() => distributionMetrics([badPedal], []), /pred\[0\]\.pedal\[0\]\.value is 128/);
});
