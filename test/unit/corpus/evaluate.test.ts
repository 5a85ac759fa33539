// `eval` on a small real corpus: the JSON shape, rules beating jitter, sanity checks, errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateCorpus, type EvalReport } from '../../../server/corpus/evaluate';
import { DEFAULT_STYLE } from '../../../server/features/style';
import { rubato } from '../cli/helpers';
import { asapDir, smallCorpus } from './helpers';

const data = smallCorpus();

test('eval --json: one entry per human performance, aggregate with every documented field', (t) => {
  if (!data) return t.skip(`ASAP corpus not found at ${asapDir}`);
  const r = rubato(['eval', '--data', data, '--method', 'rules', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as EvalReport;
  assert.equal(report.performances.length, 9 + 1 + 2);
  for (const k of ['1', '8', '32']) {
    assert.equal(typeof report.aggregate.velocity_r[k], 'number');
    assert.equal(typeof report.aggregate.rubato_r[k], 'number');
  }
  for (const k of ['velocity', 'ioi', 'duration', 'pedal', 'overall'] as const) {
    assert.ok(report.aggregate.js[k]! >= 0 && report.aggregate.js[k]! <= 1);
    assert.ok(report.aggregate.intersection[k]! >= 0 && report.aggregate.intersection[k]! <= 1);
  }
  assert.deepEqual(report.pieces.map((x) => [x.score, x.performances]), [
    ['Bach/Prelude/bwv_848/midi_score.mid', 9],
    ['Chopin/Etudes_op_10/3/midi_score.mid', 1],
    ['Haydn/Keyboard_Sonatas/39-1/midi_score.mid', 2],
  ]);
  const p = report.performances[0]!;
  assert.match(p.score, /^Bach\/Prelude\/bwv_848\/midi_score\.mid$/);
  assert.match(p.performance, /^Bach\/Prelude\/bwv_848\/\w+\.mid$/);
  assert.equal(p.checks.passed, true, JSON.stringify(p.checks));
  assert.deepEqual(report.errors, []);
});

test('rules correlate with pianists, jitter does not', async (t) => {
  if (!data) return t.skip(`ASAP corpus not found at ${asapDir}`);
  const run = (method: 'rules' | 'jitter'): Promise<EvalReport> => evaluateCorpus({ dataDir: data, method, style: DEFAULT_STYLE, seed: 1, split: 'all' });
  const rules = await run('rules');
  const jitter = await run('jitter');
  // Measured when written: rules velocity r 0.30 / 0.16 / 0.11 and rubato r 0.25 / 0.54 / 0.47 at
  // w = 1 / 8 / 32, expression score 0.35; jitter within ±0.14 of 0 everywhere over seeds 0-2.
  assert.ok(rules.aggregate.velocity_r['1']! > 0.15, `rules velocity r ${rules.aggregate.velocity_r['1']}`);
  assert.ok(rules.aggregate.rubato_r['8']! > 0.3, `rules rubato r ${rules.aggregate.rubato_r['8']}`);
  assert.ok(rules.aggregate.expression_score! > 0.2, `rules expression ${rules.aggregate.expression_score}`);
  for (const w of ['1', '8']) {
    assert.ok(Math.abs(jitter.aggregate.velocity_r[w]!) < 0.15, `jitter velocity r ${jitter.aggregate.velocity_r[w]}`);
    assert.ok(Math.abs(jitter.aggregate.rubato_r[w]!) < 0.15, `jitter rubato r ${jitter.aggregate.rubato_r[w]}`);
  }
  assert.ok(Math.abs(jitter.aggregate.expression_score!) < 0.1, `jitter expression ${jitter.aggregate.expression_score}`);
  assert.ok(rules.aggregate.expression_score! > jitter.aggregate.expression_score! + 0.1);
});

test('an unreadable performance is listed in errors and the rest are still scored', async (t) => {
  if (!data) return t.skip(`ASAP corpus not found at ${asapDir}`);
  // A folder of our own beside the linked ones: a linked score and a performance that is not MIDI.
  const extra = path.join(data, 'Chopin/Etudes_op_10/broken');
  mkdirSync(extra);
  symlinkSync(path.join(asapDir, 'Chopin/Etudes_op_10/3/midi_score.mid'), path.join(extra, 'midi_score.mid'));
  writeFileSync(path.join(extra, 'Nobody01.mid'), 'MThd garbage');
  writeFileSync(path.join(extra, 'Nobody01_annotations.txt'), '0.0\t0.0\tdb\n');
  const report = await evaluateCorpus({ dataDir: data, method: 'rules', style: DEFAULT_STYLE, seed: 0, split: 'all' });
  assert.equal(report.performances.length, 12);
  const e = report.errors.find((x) => x.file === 'Chopin/Etudes_op_10/broken/Nobody01.mid');
  assert.ok(e, JSON.stringify(report.errors));
  assert.match(e.reason, /Nobody01\.mid/);
});
