import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readMidiFile } from '../../../../server/midi/read';
import { notesOf } from '../../../../server/preview/scoreTake';
import { lowerBound, NoteIndex } from '../../../../webviews/pianoRoll/noteIndex';
import { mulberry32 } from '../../../../server/prng';

const ASAP = '/work/shared/data/asap/Chopin/Ballades/1/Ali01.mid';

function bruteForce(on: number[], off: number[], t0: number, t1: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < on.length; i++) if (on[i]! <= t1 && off[i]! >= t0) out.push(i);
  return out;
}

function checkAgainstBruteForce(on: number[], off: number[], seed: number): void {
  const idx = new NoteIndex({ onsetSec: on, offsetSec: off });
  const end = Math.max(...off);
  const rnd = mulberry32(seed);
  for (let q = 0; q < 300; q++) {
    const t0 = rnd() * end * 1.1 - end * 0.05;
    const t1 = t0 + rnd() ** 3 * end;
    const got = idx.indicesIn(t0, t1).sort((a, b) => a - b);
    assert.deepEqual(got, bruteForce(on, off, t0, t1), `window ${t0}..${t1}`);
  }
}

test('visible-range query equals a brute-force scan on a real performance (each note once)', (t) => {
  if (!existsSync(ASAP)) return t.skip(`ASAP corpus not found at ${ASAP}`);
  const n = notesOf(readMidiFile(ASAP));
  assert.ok(n.pitch.length > 1000);
  checkAgainstBruteForce(n.onsetSec, n.offsetSec, 1);
});

test('visible-range query on the example score, with long held notes and zero-length notes', () => {
  const n = notesOf(readMidiFile('examples/prelude-c-major.mid'));
  const on = [...n.onsetSec, 0, 10, 50];
  const off = [...n.offsetSec, 120, 10, 51]; // a note held through the piece, one of zero length, one short
  checkAgainstBruteForce(on, off, 2);
});

test('empty and single-note indexes answer without error', () => {
  assert.deepEqual(new NoteIndex({ onsetSec: [], offsetSec: [] }).indicesIn(0, 10), []);
  const one = new NoteIndex({ onsetSec: [5], offsetSec: [6] });
  assert.deepEqual(one.indicesIn(0, 4.9), []);
  assert.deepEqual(one.indicesIn(5.5, 5.6), [0]);
  assert.deepEqual(one.indicesIn(7, 6), [], 'an inverted window is empty');
});

test('lowerBound', () => {
  assert.equal(lowerBound([1, 2, 2, 3], 2), 1);
  assert.equal(lowerBound([1, 2, 2, 3], 9), 4);
  assert.equal(lowerBound([], 1), 0);
});
