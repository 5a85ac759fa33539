// Pearson r: hand-computed values and every way it must say null or throw instead of returning NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pearson } from '../../../server/eval';

const close = (actual: number | null, expected: number, tol = 1e-15): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${String(actual)} vs ${expected}`);
};

test('perfect positive and negative correlation', () => {
  close(pearson([1, 2, 3], [2, 4, 6]), 1);
  close(pearson([1, 2, 3], [3, 2, 1]), -1);
});

test('hand-computed r = 0.8', () => {
  // a=[1,2,3,4], b=[1,3,2,4]; means 2.5; da=[-1.5,-.5,.5,1.5], db=[-1.5,.5,-.5,1.5]
  // Σda·db = 2.25 - .25 - .25 + 2.25 = 4; Σda² = Σdb² = 5; r = 4/5
  close(pearson([1, 2, 3, 4], [1, 3, 2, 4]), 0.8);
});

test('fewer than three points is null', () => {
  assert.equal(pearson([], []), null);
  assert.equal(pearson([1, 2], [2, 1]), null);
});

test('constant or rounding-constant sides are null, never NaN', () => {
  assert.equal(pearson([5, 5, 5, 5], [1, 2, 3, 4]), null);
  assert.equal(pearson([1, 2, 3, 4], [0, 0, 0, 0]), null);
  // 0.1 is inexact, so a naive mean leaves tiny non-zero deviations.
  assert.equal(pearson(new Array<number>(1000).fill(0.1), Array.from({ length: 1000 }, (_, i) => i)), null);
  // std / rms ≈ 5e-13, below the 1e-9 threshold.
  assert.equal(pearson([1, 1 + 1e-12, 1, 1 + 1e-12], [0, 1, 0, 1]), null);
});

test('small but real variation is kept', () => {
  // std / rms ≈ 5e-7, well above the threshold: the two series are perfectly aligned.
  close(pearson([1, 1 + 1e-6, 1, 1 + 1e-6], [0, 1, 0, 1]), 1, 1e-9);
});

test('non-finite values and unequal lengths are RangeErrors naming the place', () => {
  assert.throws(() => pearson([1, 2, Number.NaN], [1, 2, 3]), /a\[2\] is NaN/);
  assert.throws(() => pearson([1, 2, 3], [Infinity, 2, 3]), /b\[0\] is Infinity/);
  assert.throws(() => pearson([1, 2, 3], [1, 2]), RangeError);
});
