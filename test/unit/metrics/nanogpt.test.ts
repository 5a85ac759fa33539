// nanoGPT's stdout, as its train.py prints it (format strings copied into nanogpt_standin.py from
// karpathy/nanoGPT train.py), read with the `nanogpt` preset: every value, every step, nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { MetricRow } from '../../../server/protocol/runs';
import { compileStdoutPatterns, NANOGPT_PATTERNS, rowFromStdoutLine } from '../../../server/metrics/stdoutPatterns';

const PYTHON = '/usr/bin/python3';

test('a nanoGPT transcript printed by Python gives exactly the rows Python expects', (t) => {
  if (!existsSync(PYTHON)) return t.skip(`${PYTHON} not found`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-nanogpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const expectedFile = path.join(dir, 'expected.json');
  const r = spawnSync(PYTHON, [path.join(__dirname, 'nanogpt_standin.py'), '--iters', '300', '--eval-interval', '50', '--expected', expectedFile, '--nan-at', '123'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as MetricRow[];
  const { patterns, errors } = compileStdoutPatterns(NANOGPT_PATTERNS);
  assert.deepEqual(errors, []);
  const lines = r.stdout.split('\n');
  const rows = lines.map((l) => rowFromStdoutLine(l, patterns)).filter((x): x is MetricRow => x !== undefined);
  assert.equal(rows.length, 301 + 7, 'one row per iteration and one per eval');
  assert.deepEqual(rows, expected);
  // the first five iterations print mfu -100.00% and have no mfu point; the nan loss is null
  assert.match(lines.find((l) => l.startsWith('iter 0:'))!, /^iter 0: loss \d\.\d{4}, time 29795\.98ms, mfu -100\.00%$/);
  assert.equal(rows.filter((x) => 'mfu_percent' in x.values).length, 301 - 5);
  assert.deepEqual(rows.find((x) => x.step === 123 && 'loss' in x.values)?.values.loss, null);
  // the other lines nanoGPT prints are not metrics
  for (const l of lines.filter((x) => !/^(iter|step) \d+:/.test(x))) assert.equal(rowFromStdoutLine(l, patterns), undefined, l);
});
