// External (hosted) runs: the ingestor turns a script's stdout lines, its JSON-lines file or its tfevents
// files into normalized rows in <runDir>/metrics.jsonl, announced as they arrive, with nothing doubled.

import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NANOGPT_PATTERNS } from '../../../server/metrics/stdoutPatterns';
import { procAvailable } from '../../../server/proc/procTable';
import type { MetricRow, RunInfo } from '../../../server/protocol/runs';
import { METRICS_PARSERS } from '../../../server/runs/metricsParsers';
import { RunSupervisor } from '../../../server/runs/supervisor';
import { frameRecord, encodeEvent, eventFile } from '../metrics/tfeventsWriter';
import { processesWith, sandbox, standInPlan, waitFor, type Sandbox } from './standIn';

const skip = !procAvailable() && 'needs /proc (Linux)';
const live: RunSupervisor[] = [];
const boxes: Sandbox[] = [];
afterEach(() => {
  for (const s of live.splice(0)) s.dispose();
});
after(() => {
  for (const b of boxes.splice(0)) b.cleanup();
});

function setup(): { sb: Sandbox; sup: RunSupervisor; rows: MetricRow[] } {
  const sb = sandbox();
  boxes.push(sb);
  const sup = new RunSupervisor({ stateDir: sb.stateDir, planFromSpec: () => assert.fail('plans only'), parsers: METRICS_PARSERS, pollMs: 50 });
  live.push(sup);
  const rows: MetricRow[] = [];
  sup.on('metricsAppended', (m) => rows.push(...m.rows));
  return { sb, sup, rows };
}

const ended = (sup: RunSupervisor, id: string) => (): RunInfo | undefined => {
  const r = sup.get(id);
  return r && ['finished', 'failed', 'stopped'].includes(r.state) ? r : undefined;
};

test('a nanoGPT-style script: iter and eval lines from stdout become rows, the rest of the output does not', { skip }, async () => {
  const { sb, sup, rows } = setup();
  const plan = standInPlan(sb, 'nano', { mode: 'nanogpt', steps: 10, metricsSource: { kind: 'stdout', patterns: [...NANOGPT_PATTERNS] } });
  const run = sup.start({ ...plan, totalSteps: 10 }, { trusted: true });
  const done = await waitFor('the run to end', ended(sup, run.id));
  assert.equal(done.state, 'finished', done.message ?? '');
  assert.equal(done.kind, 'external');
  assert.equal(done.step, 10);
  assert.equal(done.lastLoss, Number((10 / 10).toFixed(4)));
  const iters = rows.filter((r) => 'loss' in r.values);
  assert.deepEqual(iters.map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(iters[0]!.values.time_ms, 54.21);
  assert.equal('mfu_percent' in iters[0]!.values, false, 'a -100% mfu is no point');
  assert.equal(iters[5]!.values.mfu_percent, 12.5);
  const evals = rows.filter((r) => 'val_loss' in r.values);
  assert.deepEqual(evals.map((r) => [r.step, r.values.val_loss]), [[5, 3], [10, 2]]);
  // The one metrics file holds exactly what was announced, in the normalized form.
  assert.deepEqual(sup.readMetrics(run.id, 0).rows, rows);
  const first = JSON.parse(readFileSync(path.join(done.runDir, 'metrics.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
  assert.deepEqual(first, { step: 1, wall_time: null, loss: 10, time_ms: 54.21 });
  await waitFor('no process of the run', () => processesWith(sb.marker).length === 0, 10_000);
});

test('a script writing JSON lines: its own step key, flattened values', { skip }, async () => {
  const { sb, sup, rows } = setup();
  const runDir = path.join(sb.root, 'runs', 'json');
  const plan = standInPlan(sb, 'json', { mode: 'jsonl', steps: 8, metricsSource: { kind: 'jsonl', path: path.join(runDir, 'train_log.jsonl'), stepKey: 'iter' } });
  const run = sup.start(plan, { trusted: true });
  const done = await waitFor('the run to end', ended(sup, run.id));
  assert.equal(done.state, 'finished', done.message ?? '');
  assert.deepEqual(rows.map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(rows[3]!.values, { loss: 2.5, lr: 0.001, 'nested/acc': 0.04 });
  assert.equal(done.lastLoss, 10 / 8);
});

test('a script writing TensorBoard event files (in a sub-folder, records written in halves)', { skip }, async () => {
  const { sb, sup, rows } = setup();
  const header = eventFile([]);
  const frames = [header, ...Array.from({ length: 6 }, (_, i) => frameRecord(encodeEvent({ wallTime: 1_700_000_000 + i, step: (i + 1) * 10, values: [{ tag: 'loss', simpleValue: 1 / (i + 1) }] })))];
  const framesFile = path.join(sb.root, 'frames.json');
  writeFileSync(framesFile, JSON.stringify(frames.map((f) => Buffer.from(f).toString('base64'))));
  const runDir = path.join(sb.root, 'runs', 'tb');
  const plan = standInPlan(sb, 'tb', { mode: 'tfevents', steps: 8, stepMs: 80, env: { STAND_IN_FRAMES: framesFile }, metricsSource: { kind: 'tfevents', dir: path.join(runDir, 'tb') } });
  const run = sup.start(plan, { trusted: true });
  await waitFor('the run to end', ended(sup, run.id));
  assert.deepEqual(rows.map((r) => r.step), [10, 20, 30, 40, 50, 60]);
  assert.equal(rows[1]!.values.loss, Math.fround(1 / 2));
  assert.equal(rows[0]!.wallTime, 1_700_000_000);
});
