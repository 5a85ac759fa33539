// Centred moving average: hand-worked windows, edge cases, and agreement with per-window recomputation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smooth, windowSpan } from '../../../server/eval';

test('window span puts the extra item after for even windows', () => {
  assert.deepEqual(windowSpan(1), { before: 0, after: 0 });
  assert.deepEqual(windowSpan(2), { before: 0, after: 1 });
  assert.deepEqual(windowSpan(3), { before: 1, after: 1 });
  assert.deepEqual(windowSpan(8), { before: 3, after: 4 });
  assert.deepEqual(windowSpan(32), { before: 15, after: 16 });
});

test('odd window truncates at both ends', () => {
  // w=3: [ (1+2)/2, (1+2+3)/3, (2+3+4)/3, (3+4+5)/3, (4+5)/2 ]
  assert.deepEqual(smooth([1, 2, 3, 4, 5], 3), [1.5, 2, 3, 4, 4.5]);
});

test('even window looks one further ahead than back', () => {
  // w=2 averages x[i] and x[i+1]; the last item has only itself.
  assert.deepEqual(smooth([1, 2, 3, 4, 5], 2), [1.5, 2.5, 3.5, 4.5, 5]);
  // w=8 over 1..10 (3 before, 4 after):
  // i0: 1..5 → 3, i1: 1..6 → 3.5, i2: 1..7 → 4, i3: 1..8 → 4.5, i4: 2..9 → 5.5,
  // i5: 3..10 → 6.5, i6: 4..10 → 7, i7: 5..10 → 7.5, i8: 6..10 → 8, i9: 7..10 → 8.5
  const x = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.deepEqual(smooth(x, 8), [3, 3.5, 4, 4.5, 5.5, 6.5, 7, 7.5, 8, 8.5]);
});

test('w=1 is the identity and returns a copy', () => {
  const x = [0.3, -2, 7.25];
  const y = smooth(x, 1);
  assert.deepEqual(y, x);
  assert.notEqual(y, x);
});

test('a window longer than the series averages the whole series everywhere', () => {
  // (2+4+9)/3 = 5
  assert.deepEqual(smooth([2, 4, 9], 10), [5, 5, 5]);
  assert.deepEqual(smooth([7], 32), [7]);
});

test('empty series gives an empty result', () => {
  assert.deepEqual(smooth([], 8), []);
});

test('bad window sizes and non-finite values are RangeErrors', () => {
  for (const w of [0, -1, 2.5, Number.NaN, Infinity]) {
    assert.throws(() => smooth([1, 2, 3], w), RangeError);
  }
  assert.throws(() => smooth([1, Number.NaN, 3], 2), /x\[1\] is NaN/);
  assert.throws(() => smooth([1, 2, -Infinity], 1), /x\[2\] is -Infinity/);
});

test('sliding sum stays exact after huge values have left the window', () => {
  // A plain running sum would keep rounding residue from 1e15 in every later window.
  const x = [1e15, -1e15, 3e14, 0.1, 0.2, 0.3, 0.7, 0.05];
  const y = smooth(x, 2);
  assert.equal(y[4], (0.2 + 0.3) / 2);
  assert.equal(y[5], (0.3 + 0.7) / 2);
  assert.equal(y[6], (0.7 + 0.05) / 2);
  assert.equal(y[7], 0.05);
});

test('matches a per-window recomputation on a long random series', () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const x = Array.from({ length: 20000 }, () => 64 + 40 * (rand() - 0.5));
  for (const w of [1, 2, 7, 8, 32, 333]) {
    const { before, after } = windowSpan(w);
    const y = smooth(x, w);
    for (let i = 0; i < x.length; i += 97) {
      const lo = Math.max(0, i - before);
      const hi = Math.min(x.length - 1, i + after);
      let s = 0;
      for (let j = lo; j <= hi; j++) s += x[j] as number;
      const expected = s / (hi - lo + 1);
      assert.ok(Math.abs((y[i] as number) - expected) <= 1e-13 * Math.abs(expected), `w=${w} i=${i}`);
    }
  }
});
