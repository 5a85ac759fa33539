// Distribution metrics and sanity checks on real ASAP MIDI: a human vs itself, vs another human, vs the deadpan score.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readMidiFile } from '../../../server/midi/read';
import { distributionMetrics, sanityCheck, type PerformanceNotes } from '../../../server/eval';

const repoRoot = path.resolve(__dirname, '../../..');
const asapRoot = path.resolve(repoRoot, '../shared/data/asap');
const pieceDir = path.join(asapRoot, 'Bach/Prelude/bwv_848');

function notesOf(file: string): PerformanceNotes {
  const doc = readMidiFile(path.join(pieceDir, file));
  return {
    onsetSec: doc.notes.map((n) => n.onsetSec),
    offsetSec: doc.notes.map((n) => n.offsetSec),
    velocity: doc.notes.map((n) => n.velocity),
    pedal: doc.sustain.map((e) => ({ sec: e.sec, value: e.value })),
  };
}

test('ASAP Bach prelude BWV 848: humans are closer to each other than to the deadpan score', (t) => {
  if (!existsSync(pieceDir)) {
    t.skip(`ASAP corpus not found at ${asapRoot}`);
    return;
  }
  const lee = notesOf('Lee01M.mid');
  const denisova = notesOf('Denisova06M.mid');
  const score = notesOf('midi_score.mid');

  const self = distributionMetrics([lee], [lee]);
  for (const f of ['velocity', 'ioiMs', 'durationMs', 'pedal'] as const) {
    assert.equal(self[f].js, 0, f);
    assert.ok(Math.abs((self[f].intersection ?? 0) - 1) < 1e-12, f);
  }

  const humans = distributionMetrics([denisova], [lee]);
  const deadpan = distributionMetrics([score], [lee]);
  assert.ok(humans.overall.js !== null && deadpan.overall.js !== null);
  assert.ok(deadpan.overall.js > humans.overall.js, `deadpan ${deadpan.overall.js} vs human ${humans.overall.js}`);
  // The score has one velocity for every note, so its velocity histogram is a single spike.
  assert.equal(deadpan.velocity.predCounts.filter((c) => c > 0).length, 1);
  assert.ok((deadpan.velocity.js ?? 0) > (humans.velocity.js ?? 1));
  // The score has no pedal events, so every pedal sample is 0 (bin 0).
  assert.equal(deadpan.pedal.predCounts[0], score.onsetSec.length);
});

test('ASAP BWV 848: the deadpan score, read as a humanizer output, is flagged as collapsed', (t) => {
  if (!existsSync(pieceDir)) {
    t.skip(`ASAP corpus not found at ${asapRoot}`);
    return;
  }
  const doc = readMidiFile(path.join(pieceDir, 'midi_score.mid'));
  // Onset groups = distinct score onset ticks, numbered in time order.
  const ticks = [...new Set(doc.notes.map((n) => n.onsetTick))].sort((a, b) => a - b);
  const groupOfTick = new Map(ticks.map((tick, g) => [tick, g]));
  const score = { pitch: doc.notes.map((n) => n.pitch), group: doc.notes.map((n) => groupOfTick.get(n.onsetTick) ?? -1) };
  const output = {
    pitch: doc.notes.map((n) => n.pitch),
    onsetSec: doc.notes.map((n) => n.onsetSec),
    offsetSec: doc.notes.map((n) => n.offsetSec),
    velocity: doc.notes.map((n) => n.velocity),
    localTempo: [],
  };
  const r = sanityCheck(score, output);
  assert.equal(r.passed, false);
  const failed = r.failures.map((f) => f.check);
  // Everything structural holds; only the expression is gone.
  assert.ok(!failed.includes('note-count') && !failed.includes('pitch-multiset') && !failed.includes('onset-order'));
  assert.ok(failed.includes('velocity-collapsed'), JSON.stringify(r));
});
