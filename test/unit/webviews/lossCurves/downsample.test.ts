import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleMinMax, xExtent } from '../../../../webviews/lossCurves/downsample';

const series = (x: number[], y: number[]) => ({ x, y, length: x.length });

test('every extreme survives: each column keeps its min and max in their original order', () => {
  const n = 100_000;
  const x = Array.from({ length: n }, (_, i) => i);
  const y = Array.from({ length: n }, (_, i) => Math.sin(i / 1000));
  y[54_321] = 50; // a spike
  y[77_777] = -50;
  const d = downsampleMinMax([series(x, y)], 0, n - 1, 500);
  assert.equal(d.x.length, 1000);
  const ys = d.ys[0]!;
  const vals = ys.filter((v): v is number => v !== null);
  assert.equal(Math.max(...vals), 50);
  assert.equal(Math.min(...vals), -50);
  assert.equal(d.counts[0], n);
  // Brute force: each column's pair is its (first) min and max, in index order.
  const width = (n - 1) / 500;
  const cols: { min: number; max: number; minAt: number; maxAt: number }[] = [];
  for (let i = 0; i < n; i++) {
    const b = Math.min(499, Math.floor(x[i]! / width));
    const c = cols[b];
    if (!c) cols[b] = { min: y[i]!, max: y[i]!, minAt: i, maxAt: i };
    else {
      if (y[i]! < c.min) Object.assign(c, { min: y[i]!, minAt: i });
      if (y[i]! > c.max) Object.assign(c, { max: y[i]!, maxAt: i });
    }
  }
  for (let b = 0; b < 500; b++) {
    const c = cols[b]!;
    const want = c.minAt === c.maxAt ? [c.min, null] : c.minAt < c.maxAt ? [c.min, c.max] : [c.max, c.min];
    assert.deepEqual([ys[2 * b], ys[2 * b + 1]], want, `column ${b}`);
  }
});

test('series with different x are aligned on one axis; empty columns are null', () => {
  const a = series([0, 10], [1, 2]);
  const b = series([5], [7]);
  const d = downsampleMinMax([a, b], 0, 10, 10);
  assert.equal(d.ys[0]![0], 1);
  assert.equal(d.ys[0]![2 * 9], 2); // x = 10 falls in the last column
  assert.equal(d.ys[1]![2 * 5], 7);
  assert.equal(d.ys[1]!.filter((v) => v !== null).length, 1);
  assert.deepEqual(d.counts, [2, 1]);
});

test('points outside the range and non-finite values are left out', () => {
  const d = downsampleMinMax([series([0, 1, 2, 3], [1, NaN, 3, 4])], 1, 2, 4);
  assert.deepEqual(d.counts, [1]);
  assert.deepEqual(d.ys[0]!.filter((v) => v !== null), [3]);
});

test('a single x value still draws (one column)', () => {
  const d = downsampleMinMax([series([5, 5], [1, 2])], 5, 5, 100);
  assert.equal(d.x.length, 2);
  assert.deepEqual(d.ys[0], [1, 2]);
});

test('a growing buffer is read only up to length', () => {
  const d = downsampleMinMax([{ x: new Float64Array([0, 1, 0, 0]), y: new Float64Array([1, 2, 99, 99]), length: 2 }], 0, 1, 2);
  assert.deepEqual(d.counts, [2]);
  assert.ok(!d.ys[0]!.includes(99));
});

test('xExtent ignores non-finite points and says null for no data', () => {
  assert.deepEqual(xExtent([series([3, 1, 8], [1, 1, NaN])]), [1, 3]);
  assert.equal(xExtent([series([], [])]), null);
});

test('bad bucket counts and ranges are refused', () => {
  assert.throws(() => downsampleMinMax([], 0, 1, 0), RangeError);
  assert.throws(() => downsampleMinMax([], 2, 1, 10), RangeError);
});
