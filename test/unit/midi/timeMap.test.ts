// Tick <-> second conversion: hand-computed values, tempo changes, and float64 precision at large ticks.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMidi } from '../../../server/midi/read';
import { TimeMap } from '../../../server/midi/timeMap';
import { ev, smf } from './smfBytes';

/** Exact seconds at `tick` as a float, from integer arithmetic: sum of ticks * µs over 1e6 * ppq. */
function exactSec(ppq: number, tempos: { tick: number; usPerQuarter: number }[], tick: number): number {
  let num = 0n;
  for (let i = 0; i < tempos.length; i++) {
    const t = tempos[i]!;
    if (t.tick >= tick) break;
    const end = Math.min(tick, tempos[i + 1]?.tick ?? tick);
    num += BigInt(end - t.tick) * BigInt(t.usPerQuarter);
  }
  const den = BigInt(1e6 * ppq);
  // Whole seconds plus the remainder keeps the result within one rounding of the true value.
  return Number(num / den) + Number(num % den) / Number(den);
}

test('one tempo: hand-computed seconds', () => {
  const tm = new TimeMap(480, [{ tick: 0, usPerQuarter: 500000 }]);
  assert.equal(tm.tickToSec(0), 0);
  assert.equal(tm.tickToSec(480), 0.5);
  assert.equal(tm.tickToSec(960 + 240), 1.25);
  assert.equal(tm.secToTick(1.25), 1200);
  assert.equal(tm.bpmAt(100), 120);
});

test('tempo changes: seconds are piecewise linear', () => {
  // 960 ticks at 120 BPM = 1 s, then 480 ticks at 240 BPM = 0.25 s, then 480 at 60 BPM = 1 s.
  const tm = new TimeMap(480, [
    { tick: 0, usPerQuarter: 500000 },
    { tick: 960, usPerQuarter: 250000 },
    { tick: 1440, usPerQuarter: 1000000 },
  ]);
  assert.equal(tm.tickToSec(960), 1);
  assert.equal(tm.tickToSec(1200), 1.125);
  assert.equal(tm.tickToSec(1440), 1.25);
  assert.equal(tm.tickToSec(1920), 2.25);
  assert.equal(tm.secToTick(1.125), 1200);
  assert.equal(tm.secToTick(2.25), 1920);
  assert.equal(tm.bpmAt(1439), 240);
});

test('no tempo means 120 BPM; several tempos on one tick: the last wins', () => {
  assert.equal(new TimeMap(96, []).tickToSec(96), 0.5);
  const tm = new TimeMap(100, [
    { tick: 0, usPerQuarter: 400000 },
    { tick: 0, usPerQuarter: 1000000 },
  ]);
  assert.deepEqual(tm.tempos, [{ tick: 0, usPerQuarter: 1000000, sec: 0 }]);
  assert.equal(tm.tickToSec(50), 0.5);
  // A first tempo after tick 0: 120 BPM before it.
  const late = new TimeMap(480, [{ tick: 480, usPerQuarter: 1000000 }]);
  assert.equal(late.tickToSec(960), 1.5);
});

test('float64 precision: tick 10,000,000 at ppq 480 matches the exact rational within 1e-9 s', () => {
  const one = [{ tick: 0, usPerQuarter: 500000 }];
  // 10,000,000 / 960 = 31250 / 3 s.
  assert.ok(Math.abs(new TimeMap(480, one).tickToSec(10_000_000) - 31250 / 3) < 1e-9);
  // Many awkward tempo changes: 1000 segments with odd µs values, compared with BigInt arithmetic.
  const many: { tick: number; usPerQuarter: number }[] = [];
  for (let i = 0; i < 1000; i++) many.push({ tick: i * 9973, usPerQuarter: 400000 + ((i * 7919) % 300001) });
  const tm = new TimeMap(480, many);
  for (const tick of [1, 9973, 123_457, 5_000_001, 9_973_000, 10_000_000]) {
    const want = exactSec(480, many, tick);
    assert.ok(Math.abs(tm.tickToSec(tick) - want) < 1e-9, `tick ${tick}: ${tm.tickToSec(tick)} vs ${want}`);
  }
});

test('parseMidi gives note seconds from the tempo map, tempo events in any track counting', () => {
  const conductor = [...ev.tempo(0, 500000), ...ev.tempo(960, 750000), ...ev.eot()];
  const notes = [...ev.on(480, 60, 90), ...ev.off(960, 60), ...ev.eot()];
  const doc = parseMidi(smf([conductor, notes], { ppq: 480 }), 't.mid');
  const n = doc.notes[0]!;
  assert.equal(n.onsetSec, 0.5);
  // 480 more ticks at 120 BPM (0.5 s) to tick 960, then 480 at 80 BPM (0.75 s).
  assert.equal(n.offsetSec, 1.75);
  assert.deepEqual(doc.tempos, [
    { tick: 0, usPerQuarter: 500000, sec: 0 },
    { tick: 960, usPerQuarter: 750000, sec: 1 },
  ]);
});
