// Windows cover every note, stitching weights sum to 1, and the cross-fade leaves no seam.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planWindows, predictWindowed, stitchWeights } from '../../../server/inference/windowing';

const SIZES = [0, 1, 100, 512, 513, 640, 896, 897, 1000, 1300, 5000];

test('plans: one window for short pieces, full windows from first to last note, overlaps >= 128', () => {
  assert.deepEqual(planWindows(0), { starts: [], length: 0 });
  assert.deepEqual(planWindows(300), { starts: [0], length: 300 });
  assert.deepEqual(planWindows(512), { starts: [0], length: 512 });
  // 1280 notes: hop 384 fits exactly: 0, 384, 768.
  assert.deepEqual(planWindows(1280), { starts: [0, 384, 768], length: 512 });
  for (const n of SIZES.filter((x) => x > 512)) {
    const { starts, length } = planWindows(n);
    assert.equal(length, 512);
    assert.equal(starts[0], 0);
    assert.equal(starts[starts.length - 1]! + length, n, `n=${n}: the last window ends on the last note`);
    for (let w = 1; w < starts.length; w++) assert.ok(starts[w - 1]! + length - starts[w]! >= 128, `n=${n}: overlap at window ${w}`);
  }
  assert.throws(() => planWindows(10, 8, 8), /overlap < window/);
});

test('stitching weights are positive and sum to 1 at every note; pairwise overlaps are linear cross-fades', () => {
  for (const n of SIZES) {
    const plan = planWindows(n);
    const weights = stitchWeights(plan, n);
    const total = new Float64Array(n);
    weights.forEach((ws, w) => ws.forEach((x, j) => {
      assert.ok(x > 0 && x <= 1, `n=${n} window ${w} note ${j}: ${x}`);
      total[plan.starts[w]! + j]! += x;
    }));
    total.forEach((s, i) => assert.ok(Math.abs(s - 1) < 1e-12, `n=${n} note ${i}: weights sum to ${s}`));
  }
  // 1280 notes: the 128-note overlap of windows 0 and 1 fades linearly, (j + 0.5) / 128.
  const weights = stitchWeights(planWindows(1280), 1280);
  for (let j = 0; j < 128; j++) {
    assert.ok(Math.abs(weights[1]![j]! - (j + 0.5) / 128) < 1e-12);
    assert.ok(Math.abs(weights[0]![384 + j]! - (1 - (j + 0.5) / 128)) < 1e-12);
  }
});

test('a model whose output depends only on the note gives exactly the unwindowed result', async () => {
  const f = (i: number): number[] => [Math.sin(i / 37) * 10, i * 0.001];
  for (const n of SIZES) {
    const out = await predictWindowed(n, 2, async (starts, length) =>
      starts.map((s) => Float32Array.from({ length: length * 2 }, (_, x) => f(s + (x >> 1))[x & 1]!)),
    );
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(out[2 * i]! - Math.fround(f(i)[0]!)) < 1e-9 && Math.abs(out[2 * i + 1]! - Math.fround(f(i)[1]!)) < 1e-9, `n=${n} note ${i}`);
    }
  }
});

test('windows that disagree by a constant blend without a jump', async () => {
  // Each window's prediction is a flat level of its own (10 × its index): a hard cut would jump by 10.
  for (const n of [900, 1300, 5000]) {
    const out = await predictWindowed(n, 1, async (starts, length) => starts.map((_, w) => new Float32Array(length).fill(10 * w)));
    let maxStep = 0;
    for (let i = 1; i < n; i++) maxStep = Math.max(maxStep, Math.abs(out[i]! - out[i - 1]!));
    // Spread over an overlap of at least 128 notes, a step of 10 is at most 10 / 128 per note.
    assert.ok(maxStep <= 10 / 128 + 1e-9, `n=${n}: largest step between neighbours ${maxStep}`);
    assert.equal(out[0], 0);
    assert.equal(out[n - 1], 10 * (planWindows(n).starts.length - 1));
  }
});
