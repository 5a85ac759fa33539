import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricRow } from '../../../../server/protocol/runs';
import { newRunStream, receiveAppend, receiveBackfill, receiveBackfillFailure, startBackfill, type Chunk, type RunStream } from '../../../../webviews/lossCurves/offsets';

/** A fake log: row i occupies bytes [10i, 10i+10). */
const row = (i: number): MetricRow => ({ step: i, wallTime: i, values: { train_loss: 1 / (i + 1) } });
const chunk = (from: number, to: number): Chunk => ({ fromOffset: from * 10, nextOffset: to * 10, rows: Array.from({ length: to - from }, (_, k) => row(from + k)) });

function steps(applied: MetricRow[]): number[] {
  return applied.map((r) => r.step);
}

test('backfill pages then live appends: every row once, in order', () => {
  const s = newRunStream();
  assert.equal(startBackfill(s), 0);
  const got: MetricRow[] = [];
  let st = receiveBackfill(s, chunk(0, 5), false);
  got.push(...st.apply);
  assert.equal(st.requestFrom, 50);
  st = receiveBackfill(s, chunk(5, 8), true);
  got.push(...st.apply);
  assert.equal(st.requestFrom, null);
  st = receiveAppend(s, chunk(8, 9));
  got.push(...st.apply);
  assert.deepEqual(steps(got), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(s.nextOffset, 90);
});

test('appends that overtake the backfill wait, then apply exactly once', () => {
  const s = newRunStream();
  startBackfill(s);
  const got: MetricRow[] = [];
  // Live rows 10..12 arrive while the history 0..10 is still being read.
  let st = receiveAppend(s, chunk(10, 11));
  assert.deepEqual(st.apply, []);
  assert.equal(st.requestFrom, null, 'a backfill is already in flight');
  st = receiveAppend(s, chunk(11, 12));
  got.push(...st.apply);
  st = receiveBackfill(s, chunk(0, 10), true);
  got.push(...st.apply);
  assert.deepEqual(steps(got), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(s.pending.length, 0);
  assert.equal(st.requestFrom, null);
});

test('a page that already covers buffered appends makes them duplicates', () => {
  const s = newRunStream();
  startBackfill(s);
  receiveAppend(s, chunk(3, 4));
  const st = receiveBackfill(s, chunk(0, 6), true);
  assert.deepEqual(steps(st.apply), [0, 1, 2, 3, 4, 5]);
  assert.equal(st.duplicates, 1);
});

test('a gap in live appends asks for a backfill from the last nextOffset, and fills it', () => {
  const s: RunStream = newRunStream();
  startBackfill(s);
  receiveBackfill(s, chunk(0, 3), true);
  const got: MetricRow[] = [];
  let st = receiveAppend(s, chunk(5, 6)); // rows 3, 4 were lost
  assert.deepEqual(st.apply, []);
  assert.equal(st.requestFrom, 30);
  st = receiveAppend(s, chunk(6, 7));
  assert.equal(st.requestFrom, null, 'one backfill at a time');
  st = receiveBackfill(s, chunk(3, 5), true);
  got.push(...st.apply);
  assert.deepEqual(steps(got), [3, 4, 5, 6]);
  assert.equal(s.nextOffset, 70);
});

test('resent appends are dropped as duplicates', () => {
  const s = newRunStream();
  startBackfill(s);
  receiveBackfill(s, chunk(0, 4), true);
  const st = receiveAppend(s, chunk(2, 4));
  assert.deepEqual(st.apply, []);
  assert.equal(st.duplicates, 1);
  assert.equal(st.requestFrom, null);
});

test('a chunk straddling our offset is not split: it is dropped and the backfill re-reads it', () => {
  const s = newRunStream();
  startBackfill(s);
  receiveBackfill(s, chunk(0, 4), true);
  let st = receiveAppend(s, chunk(2, 6));
  assert.deepEqual(st.apply, []);
  assert.equal(st.requestFrom, 40);
  st = receiveBackfill(s, chunk(4, 6), true);
  assert.deepEqual(steps(st.apply), [4, 5]);
});

test('a page answering an out-of-date request is never applied out of place', () => {
  const s = newRunStream();
  startBackfill(s);
  receiveBackfill(s, chunk(0, 4), true);
  const st = receiveBackfill(s, chunk(6, 8), true);
  assert.deepEqual(st.apply, []);
  assert.equal(st.requestFrom, 40);
});

test('an empty complete page at our offset means caught up', () => {
  const s = newRunStream();
  startBackfill(s);
  const st = receiveBackfill(s, { fromOffset: 0, nextOffset: 0, rows: [] }, true);
  assert.equal(st.requestFrom, null);
  assert.equal(s.caughtUp, true);
});

test('after a failure nothing is retried by itself; startBackfill retries from where we are', () => {
  const s = newRunStream();
  startBackfill(s);
  receiveBackfillFailure(s, 0, 'log unreadable');
  assert.equal(s.inFlight, null);
  const st = receiveAppend(s, chunk(3, 4));
  assert.equal(st.requestFrom, null);
  s.error = null;
  assert.equal(startBackfill(s), 0);
});
