import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema, emaInto, newEmaState } from '../../../../webviews/lossCurves/ema';

test('weight 0 is the identity', () => {
  assert.deepEqual(ema([3, 1, 4, 1, 5], 0), [3, 1, 4, 1, 5]);
});

test('debiased: the first point is itself and a constant series stays constant', () => {
  const out = ema([2, 2, 2, 2], 0.9);
  for (const v of out) assert.ok(Math.abs(v - 2) < 1e-12, String(v));
});

test('matches the TensorBoard recurrence by hand', () => {
  const w = 0.5;
  // acc1 = 0.5*1 = 0.5 → /0.5 = 1; acc2 = 0.25 + 1.5 = 1.75 → /0.75 = 2.3333; acc3 = 0.875 + 0 = 0.875 → /0.875 = 1
  const out = ema([1, 3, 0], w);
  assert.ok(Math.abs(out[0]! - 1) < 1e-12);
  assert.ok(Math.abs(out[1]! - 7 / 3) < 1e-12);
  assert.ok(Math.abs(out[2]! - 1) < 1e-12);
});

test('a non-finite point is drawn as itself and does not move the average', () => {
  const out = ema([1, NaN, 3], 0.5);
  assert.ok(Number.isNaN(out[1]!));
  assert.ok(Math.abs(out[2]! - 7 / 3) < 1e-12);
});

test('incremental smoothing equals smoothing the whole series at once', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 7) + i / 100);
  const whole = ema(xs, 0.8);
  const out = new Float64Array(xs.length);
  const st = newEmaState();
  for (let from = 0; from < xs.length; from += 37) emaInto(xs, out, from, Math.min(xs.length, from + 37), 0.8, st);
  assert.deepEqual([...out], whole);
});

test('weights outside [0, 1) are refused', () => {
  assert.throws(() => ema([1], 1), RangeError);
  assert.throws(() => ema([1], -0.1), RangeError);
});
