// The whole model pipeline through the CLI on a tiny run: dataset build -> train -> export -> humanize.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMidiFile } from '../../../server/midi/read';
import { probePython, pythonCandidates } from '../../../server/python/discover';
import { asapDir, smallCorpus } from '../corpus/helpers';
import { repoRoot, rubato } from './helpers';

const hasTorch = pythonCandidates().some((p) => probePython(p).ok);

test('dataset build, train, export and humanize --method model, end to end', (t) => {
  // Four Bach preludes: four piece groups of one composer, so the split holds one out for validation.
  const data = smallCorpus(['Bach/Prelude/bwv_846', 'Bach/Prelude/bwv_848', 'Bach/Prelude/bwv_854', 'Bach/Prelude/bwv_856']);
  if (!data) return t.skip(`ASAP corpus not found at ${asapDir}`);
  if (!hasTorch) return t.skip('no Python interpreter that imports torch');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-pipeline-'));
  const cache = path.join(dir, 'cache');
  assert.equal(rubato(['dataset', 'build', '--data', data, '--out', cache]).code, 0);
  const spec = path.join(dir, 'tiny.run.toml');
  const template = readFileSync(path.join(repoRoot, 'native/examples/tiny-cpu.run.toml'), 'utf8');
  writeFileSync(
    spec,
    template
      .replace(/cache = ".*"/, `cache = "cache"`)
      .replace(/out = ".*"/, `out = "run"`)
      .replace(/max_steps = \d+/, 'max_steps = 12')
      .replace(/warmup_steps = \d+/, 'warmup_steps = 2')
      .replace(/every_steps = \d+/, 'every_steps = 6'),
  );
  const train = rubato(['train', '--spec', spec]);
  assert.equal(train.code, 0, train.stderr);
  const lines = readFileSync(path.join(dir, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; expression_score?: number | null });
  assert.equal(lines[lines.length - 1]!.step, 12);
  assert.ok(lines.some((l) => 'expression_score' in l), 'eval lines carry the expression score');
  const status = JSON.parse(readFileSync(path.join(dir, 'run', 'status.json'), 'utf8')) as { state: string };
  assert.equal(status.state, 'finished');

  const model = path.join(dir, 'model.onnx');
  const exp = rubato(['export', path.join(dir, 'run'), '-o', model]);
  assert.equal(exp.code, 0, exp.stderr);
  assert.ok(existsSync(model));

  const out = path.join(dir, 'minuet.mid');
  const example = path.join(repoRoot, 'examples/minuet-g-major.mid');
  const h = rubato(['humanize', example, '-o', out, '--method', 'model', '--model', model]);
  assert.equal(h.code, 0, h.stderr);
  assert.equal(readMidiFile(out).notes.length, readMidiFile(example).notes.length);
});
