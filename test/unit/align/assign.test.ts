// Optimal same-pitch pairing within a tolerance (used by both aligners).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignByPitch, type TimedPitch } from '../../../server/align/assign';

const ev = (pitch: number, time: number): TimedPitch => ({ pitch, time });

function check(a: TimedPitch[], b: TimedPitch[], tol: number, expected: Array<[number, number]>): void {
  assert.deepEqual(assignByPitch(a, b, tol), expected);
}

test('pairs equal pitches within the tolerance, one to one', () => {
  check([ev(60, 0), ev(64, 0), ev(60, 1)], [ev(60, 1.05), ev(60, 0.02), ev(64, 0.5)], 0.1, [
    [0, 1],
    [2, 0],
  ]);
});

test('never pairs different pitches, or notes farther apart than the tolerance', () => {
  check([ev(60, 0)], [ev(61, 0)], 1, []);
  check([ev(60, 0)], [ev(60, 0.2)], 0.1, []);
  check([ev(60, 0)], [ev(60, 0.1)], 0.1, [[0, 0]]);
});

test('maximises the number of pairs rather than taking the nearest greedily', () => {
  // Greedy nearest would pair a1 (0.1) with b0 (0.12) and leave a0 and b1 unpaired.
  check([ev(60, 0), ev(60, 0.1)], [ev(60, 0.12), ev(60, 0.25)], 0.16, [
    [0, 0],
    [1, 1],
  ]);
});

test('among pairings of equal size, takes the smallest total distance', () => {
  check([ev(60, 0), ev(60, 0.1)], [ev(60, 0.09), ev(60, 0.11)], 0.2, [
    [0, 0],
    [1, 1],
  ]);
  check([ev(60, 0.1)], [ev(60, 0.0), ev(60, 0.09), ev(60, 0.2)], 0.2, [[0, 1]]);
});

test('a dense trill pairs in order', () => {
  const a = Array.from({ length: 40 }, (_, i) => ev(i % 2 ? 72 : 71, i * 0.05));
  const b = Array.from({ length: 40 }, (_, i) => ev(i % 2 ? 72 : 71, i * 0.05 + 0.03));
  const pairs = assignByPitch(a, b, 0.12);
  assert.equal(pairs.length, 40);
  assert.ok(pairs.every(([x, y]) => x === y));
});

test('empty inputs give no pairs', () => {
  check([], [ev(60, 0)], 1, []);
  check([ev(60, 0)], [], 1, []);
});
