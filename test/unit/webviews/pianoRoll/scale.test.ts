import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampPitch, clampTime, fitPitch, fitTime, follow, isBlackKey, niceStep, panTime, pitchName, pitchToY, secToX, xToSec, yToPitch, zoomPitch, zoomTime, MAX_ROWS, MIN_SEC_PER_PX } from '../../../../webviews/pianoRoll/scale';

test('time scale: sec → x → sec round-trips, and zoom keeps the time under the anchor', () => {
  const v = { startSec: 3, secPerPx: 0.01 };
  assert.equal(secToX(v, 4), 100);
  assert.equal(xToSec(v, 250), 5.5);
  for (const factor of [2, 0.5, 1.7]) {
    const z = zoomTime(v, factor, 300);
    assert.ok(Math.abs(xToSec(z, 300) - xToSec(v, 300)) < 1e-12, `anchor moved at factor ${factor}`);
    assert.ok(Math.abs(z.secPerPx - v.secPerPx / factor) < 1e-15);
  }
  assert.equal(zoomTime(v, 1e9, 0).secPerPx, MIN_SEC_PER_PX);
  assert.equal(panTime(v, 50).startSec, 3.5);
});

test('fit shows the whole piece, and clamping keeps the view on it', () => {
  const f = fitTime(120, 1000);
  assert.ok(xToSec(f, 0) < 0 && xToSec(f, 1000) > 120);
  const lost = clampTime({ startSec: 5000, secPerPx: 0.05 }, 1000, 120);
  assert.ok(lost.startSec < 120, 'a view past the end comes back to the piece');
  const before = clampTime({ startSec: -5000, secPerPx: 0.05 }, 1000, 120);
  assert.ok(before.startSec > -50 && before.startSec <= 0);
});

test('follow turns the page when the playhead leaves the view and not before', () => {
  const v = { startSec: 0, secPerPx: 0.01 };
  assert.equal(follow(v, 5, 1000), v);
  const moved = follow(v, 12, 1000);
  assert.ok(moved.startSec < 12 && xToSec(moved, 1000) > 12);
});

test('pitch axis: rows map to keys both ways; fit and zoom stay within the keyboard', () => {
  const p = { low: 60, rows: 12 };
  assert.equal(pitchToY(p, 71, 120), 0);
  assert.equal(pitchToY(p, 60, 120), 110);
  assert.equal(yToPitch(p, 115, 120), 60);
  assert.equal(yToPitch(p, 1, 120), 71);
  const fit = fitPitch(21, 108);
  assert.ok(fit.low <= 21 && fit.low + fit.rows >= 109);
  assert.deepEqual(clampPitch({ low: 120, rows: 500 }), { low: 0, rows: MAX_ROWS });
  const z = zoomPitch({ low: 40, rows: 40 }, 2, 60);
  assert.equal(z.rows, 20);
  assert.ok(Math.abs((60 - z.low) / z.rows - (60 - 40) / 40) < 1e-12, 'the anchor key keeps its place');
});

test('keys and names', () => {
  assert.deepEqual([60, 61, 62, 63, 64, 65, 66].map(isBlackKey), [false, true, false, true, false, false, true]);
  assert.equal(pitchName(60), 'C4');
  assert.equal(pitchName(21), 'A0');
  assert.equal(niceStep(0.01, 60), 1);
  assert.equal(niceStep(0.05, 60), 5);
});
