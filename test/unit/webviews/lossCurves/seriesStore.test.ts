import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema } from '../../../../webviews/lossCurves/ema';
import { GrowingSeries, RunSeries } from '../../../../webviews/lossCurves/seriesStore';

test('grows past its first capacity and keeps every point', () => {
  const s = new GrowingSeries();
  for (let i = 0; i < 100_000; i++) s.push(i, i * 0.1, i % 7);
  assert.equal(s.length, 100_000);
  assert.equal(s.step[99_999], 99_999);
  assert.equal(s.value[99_998], 99_998 % 7);
});

test('incremental smoothing after appends equals smoothing the whole series', () => {
  const s = new GrowingSeries();
  const vals: number[] = [];
  for (let i = 0; i < 50; i++) {
    const v = Math.cos(i);
    vals.push(v);
    s.push(i, NaN, v);
    s.smoothedFor(0.7);
  }
  assert.deepEqual([...s.smoothedFor(0.7).subarray(0, 50)], ema(vals, 0.7));
  // A new weight recomputes.
  assert.deepEqual([...s.smoothedFor(0.2).subarray(0, 50)], ema(vals, 0.2));
});

test('a step that goes back (a resumed run) replaces the tail from that step', () => {
  const s = new GrowingSeries();
  for (let i = 0; i < 10; i++) s.push(i * 10, NaN, i);
  s.smoothedFor(0.5);
  s.push(50, NaN, 100);
  assert.equal(s.length, 6);
  assert.deepEqual([...s.step.subarray(0, 6)], [0, 10, 20, 30, 40, 50]);
  assert.deepEqual([...s.smoothedFor(0.5).subarray(0, 6)], ema([0, 1, 2, 3, 4, 100], 0.5));
});

test('rows become one series per metric; nulls are skipped; wall time is relative to the first', () => {
  const r = new RunSeries();
  r.add({ step: 1, wallTime: 1000, values: { train_loss: 2, lr: 0.1 } });
  r.add({ step: 2, wallTime: 1010, values: { train_loss: 1.5, lr: null } });
  r.add({ step: 2, wallTime: 1011, values: { val_loss: 1.7 } });
  assert.equal(r.metrics.get('train_loss')!.length, 2);
  assert.equal(r.metrics.get('lr')!.length, 1);
  assert.equal(r.metrics.get('val_loss')!.wall[0], 11);
  assert.equal(r.points(), 4);
});
