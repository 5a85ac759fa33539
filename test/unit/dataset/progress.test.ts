// Progress bar text and pacing, with a fake stream and a fake clock (no real time involved).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressBar, formatProgress, type ProgressStream } from '../../../server/dataset/progress';

function fakeStream(isTTY: boolean): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return { out, isTTY, columns: 200, write: (s: string) => { out.push(s); return true; } };
}

test('formatProgress shows counts, percent, build rate and ETA', () => {
  // 40 done, 10 of them reused, in 15 s: 30 built / 15 s = 2.0/s; 60 left / 2 = 30 s.
  assert.equal(formatProgress({ done: 40, total: 100, reused: 10, elapsedSec: 15 }), ' 40/100  40% (10 reused) 2.0/s ETA 30s');
  assert.equal(formatProgress({ done: 0, total: 5, reused: 0, elapsedSec: 0 }), '0/5   0% 0.0/s ETA ?');
  // Nothing built yet (all reused): the rate counts reused items rather than showing 0/s.
  assert.equal(formatProgress({ done: 4, total: 8, reused: 4, elapsedSec: 0.5 }), '4/8  50% (4 reused) 8.0/s ETA 1s');
  assert.equal(formatProgress({ done: 5, total: 5, reused: 5, elapsedSec: 0.01 }), '5/5 100% (5 reused) 500.0/s ETA 0s');
  // 1 built in 100 s, 99 left: 9900 s = 2h45m.
  assert.equal(formatProgress({ done: 1, total: 100, reused: 0, elapsedSec: 100 }), '  1/100   1% 0.0/s ETA 2h45m');
  assert.equal(formatProgress({ done: 10, total: 20, reused: 0, elapsedSec: 100 }), '10/20  50% 0.1/s ETA 1m40s');
});

test('off a terminal, at most one line per 10% and one at the end', () => {
  const s = fakeStream(false);
  let t = 0;
  const bar = createProgressBar({ label: 'dataset', stream: s, nowMs: () => t });
  for (let i = 1; i <= 200; i++) {
    t += 500;
    bar.update(i, 200, undefined, i <= 50);
  }
  bar.finish();
  assert.equal(s.out.length, 11); // 0% (first item), 10%, ..., 100%
  assert.ok(s.out.every((l) => l.startsWith('dataset ') && l.endsWith('\n') && !l.includes('\r')));
  assert.equal(s.out[10], 'dataset 200/200 100% (50 reused) 1.5/s ETA 0s\n');
});

test('on a terminal, redraws in place, throttled, and ends the line', () => {
  const s = fakeStream(true);
  let t = 0;
  const bar = createProgressBar({ label: 'dataset', stream: s, nowMs: () => t, redrawMs: 100 });
  for (let i = 1; i <= 10; i++) {
    t += 30; // redraws at 30 ms (first), 150, 270 and at the last item
    bar.update(i, 10);
  }
  bar.finish();
  const draws = s.out.filter((x) => x.startsWith('\r\x1b[2K'));
  assert.equal(draws.length, 5); // 4 throttled updates (last included) + the final draw
  assert.equal(s.out[s.out.length - 1], '\n');
  assert.match(draws[draws.length - 1] ?? '', /^\r\x1b\[2Kdataset \[#{20}\] 10\/10 100% 33\.3\/s ETA 0s$/);
});
