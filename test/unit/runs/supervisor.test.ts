// The run supervisor with real child processes: a trainer stand-in that streams metrics, crashes, handles or
// ignores SIGINT and leaves a grandchild behind; after every run the process table holds nothing of it.

import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { procAvailable } from '../../../server/proc/procTable';
import type { MetricRow, RunInfo } from '../../../server/protocol/runs';
import { RunRefused, RunSupervisor, type MetricsAppended } from '../../../server/runs/supervisor';
import type { LaunchPlan } from '../../../server/runs/plan';
import { processesWith, sandbox, standInPlan, waitFor, type Sandbox } from './standIn';

const skip = !procAvailable() && 'needs /proc (Linux)';
const live: RunSupervisor[] = [];
const boxes: Sandbox[] = [];

function setup(opts: { maxGpuRuns?: number; graceMs?: number } = {}): { sb: Sandbox; sup: RunSupervisor; rows: Map<string, MetricRow[]>; updates: RunInfo[]; appended: MetricsAppended[] } {
  const sb = sandbox();
  boxes.push(sb);
  const plans = new Map<string, LaunchPlan>();
  const sup = new RunSupervisor({
    stateDir: sb.stateDir,
    planFromSpec: (p) => plans.get(p) ?? assert.fail(`no plan for ${p}`),
    graceMs: opts.graceMs ?? 10_000,
    maxGpuRuns: opts.maxGpuRuns ?? 1,
    pollMs: 50,
  });
  live.push(sup);
  const rows = new Map<string, MetricRow[]>();
  const updates: RunInfo[] = [];
  const appended: MetricsAppended[] = [];
  sup.on('metricsAppended', (m) => {
    appended.push(m);
    rows.set(m.id, [...(rows.get(m.id) ?? []), ...m.rows]);
  });
  sup.on('runUpdated', (r) => updates.push(r));
  return { sb, sup, rows, updates, appended };
}

const ended = (sup: RunSupervisor, id: string) => (): RunInfo | undefined => {
  const r = sup.get(id);
  return r && ['finished', 'failed', 'stopped'].includes(r.state) ? r : undefined;
};

afterEach(() => {
  for (const s of live.splice(0)) s.dispose();
});
after(() => {
  for (const b of boxes.splice(0)) b.cleanup();
});

test('a run streams its metrics and finishes; its log, spec copy and record are kept, and no process is left', { skip }, async () => {
  const { sb, sup, rows, appended } = setup();
  const run = sup.start(standInPlan(sb, 'ok', { steps: 12 }), { trusted: true });
  assert.ok(['starting', 'running'].includes(run.state));
  assert.ok(run.pid && run.pid > 0);
  const done = await waitFor('the run to end', ended(sup, run.id));
  assert.equal(done.state, 'finished', done.message ?? '');
  assert.equal(done.exitCode, 0);
  assert.equal(done.step, 12);
  assert.equal(done.lastLoss, 10 / 12);
  assert.equal(done.pid, null);
  assert.deepEqual((rows.get(run.id) ?? []).map((r) => r.step), Array.from({ length: 12 }, (_, i) => i + 1), 'every step announced once, in order');
  assert.equal(rows.get(run.id)?.[0]?.values['velocity_r/8'], 0.2, 'nested trainer metrics are flattened');
  for (let i = 1; i < appended.length; i++) assert.equal(appended[i]!.fromOffset, appended[i - 1]!.nextOffset, 'notifications are contiguous');
  const backfill = sup.readMetrics(run.id, 0, 5);
  assert.deepEqual(backfill.rows.map((r) => r.step), [1, 2, 3, 4, 5]);
  assert.equal(backfill.complete, false);
  const rest = sup.readMetrics(run.id, backfill.nextOffset);
  assert.equal(rest.rows[0]?.step, 6);
  assert.equal(rest.complete, true);
  const log = sup.logTail(run.id, 3);
  assert.equal(log.tail[log.tail.length - 1], 'finished');
  assert.ok(existsSync(path.join(done.runDir, 'spec.toml')));
  assert.match(readFileSync(log.logPath, 'utf8'), /^=== rubato: run /);
  await waitFor('no process of the run (the grandchild too)', () => processesWith(sb.marker).length === 0, 10_000);
});

test('a crash is a failed run with its exit code and last log lines; the grandchild is ended', { skip }, async () => {
  const { sb, sup } = setup();
  const run = sup.start(standInPlan(sb, 'crash', { mode: 'crash' }), { trusted: true });
  const done = await waitFor('the run to end', ended(sup, run.id));
  assert.equal(done.state, 'failed');
  assert.equal(done.exitCode, 3);
  assert.equal(done.signal, null);
  assert.match(done.message ?? '', /exited with code 3/);
  assert.match(done.message ?? '', /boom: CUDA out of memory/);
  await waitFor('no process of the run', () => processesWith(sb.marker).length === 0, 10_000);
});

test('stop sends SIGINT: the stand-in writes its last line and the run is stopped with nothing left', { skip }, async () => {
  const { sb, sup } = setup();
  const run = sup.start(standInPlan(sb, 'stop', { steps: 100000 }), { trusted: true });
  await waitFor('a few steps', () => (sup.get(run.id)?.step ?? 0) >= 3);
  const stopping = sup.stop(run.id);
  assert.equal(stopping.state, 'stopping');
  const done = await waitFor('the run to end', ended(sup, run.id));
  assert.equal(done.state, 'stopped', done.message ?? '');
  assert.equal(done.exitCode, 0);
  assert.match(sup.logTail(run.id, 5).tail.join('\n'), /got SIGINT at step \d+, checkpoint written/);
  await waitFor('no process of the run', () => processesWith(sb.marker).length === 0, 10_000);
  assert.throws(() => sup.stop(run.id), RunRefused);
});

test('a run that ignores SIGINT is killed with its whole tree after the grace period (setsid grandchild too)', { skip }, async () => {
  const { sb, sup } = setup({ graceMs: 1500 });
  // First a grandchild that left the group with setsid: a group signal misses it, the remembered tree does not.
  const run = sup.start(standInPlan(sb, 'stubborn', { mode: 'setsid', steps: 100000 }), { trusted: true });
  await waitFor('a few steps', () => (sup.get(run.id)?.step ?? 0) >= 20);
  assert.ok(processesWith(`${sb.marker}-grandchild`).length === 1);
  sup.stop(run.id);
  const done = await waitFor('the run to end', ended(sup, run.id));
  assert.equal(done.state, 'stopped');
  await waitFor('no process of the run, including the grandchild that left the group', () => processesWith(sb.marker).length === 0, 10_000);

  const run2 = sup.start(standInPlan(sb, 'deaf', { mode: 'ignore-int', steps: 100000 }), { trusted: true });
  await waitFor('a few steps', () => (sup.get(run2.id)?.step ?? 0) >= 3);
  sup.stop(run2.id);
  const done2 = await waitFor('the run to be killed', ended(sup, run2.id));
  assert.equal(done2.state, 'stopped');
  assert.match(done2.message ?? '', /killed after the 2 s grace period/);
  assert.match(sup.logTail(run2.id, 50).tail.join('\n'), /ignoring SIGINT/);
  await waitFor('no process of the run', () => processesWith(sb.marker).length === 0, 10_000);
});

test('SIGKILL of the trainer is a failed run with the signal, and its grandchild does not survive it', { skip }, async () => {
  const { sb, sup } = setup();
  const run = sup.start(standInPlan(sb, 'killed', { steps: 100000 }), { trusted: true });
  await waitFor('a few steps', () => (sup.get(run.id)?.step ?? 0) >= 3);
  const trainer = await waitFor('the stand-in process', () => processesWith(sb.marker).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('stand-in.cjs') && !readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('runShim')));
  process.kill(trainer, 'SIGKILL');
  const done = await waitFor('the run to end', ended(sup, run.id));
  assert.equal(done.state, 'failed');
  assert.equal(done.signal, 'SIGKILL');
  assert.match(done.message ?? '', /killed by SIGKILL/);
  await waitFor('no process of the run', () => processesWith(sb.marker).length === 0, 10_000);
});

test('GPU runs queue one at a time in order; a CPU run does not wait; a queued run can be removed', { skip }, async () => {
  const { sb, sup, updates } = setup({ maxGpuRuns: 1 });
  const a = sup.start(standInPlan(sb, 'gpu-a', { steps: 6, usesGpu: true }), { trusted: true });
  const b = sup.start(standInPlan(sb, 'gpu-b', { steps: 6, usesGpu: true }), { trusted: true });
  const c = sup.start(standInPlan(sb, 'gpu-c', { steps: 6, usesGpu: true }), { trusted: true });
  const d = sup.start(standInPlan(sb, 'gpu-d', { steps: 6, usesGpu: true }), { trusted: true });
  const cpu = sup.start(standInPlan(sb, 'cpu', { steps: 6 }), { trusted: true });
  assert.deepEqual([a, b, c, d, cpu].map((r) => r.state), ['starting', 'queued', 'queued', 'queued', 'starting']);
  assert.equal(sup.stop(d.id).state, 'stopped');
  for (const r of [a, b, c, cpu]) assert.equal((await waitFor(`${r.name} to end`, ended(sup, r.id))).state, 'finished');
  // Replay the updates: never two GPU runs active at once, and they started in queue order.
  const active = new Map<string, boolean>();
  let maxActive = 0;
  const startOrder: string[] = [];
  for (const u of updates) {
    const on = ['starting', 'running', 'stopping'].includes(u.state);
    if (u.usesGpu && on && !active.get(u.id)) startOrder.push(u.name);
    active.set(u.id, on && u.usesGpu);
    maxActive = Math.max(maxActive, [...active.values()].filter(Boolean).length);
  }
  assert.equal(maxActive, 1);
  assert.deepEqual(startOrder, ['gpu-a', 'gpu-b', 'gpu-c']);
  assert.equal(sup.get(d.id)?.startedAt, null);
});

test('resume continues a stopped run with --resume; starting in the same run folder is refused while it is active', { skip }, async () => {
  const { sb, sup, rows } = setup();
  const plan = standInPlan(sb, 'again', { steps: 40 });
  const run = sup.start(plan, { trusted: true });
  assert.throws(() => sup.start(plan, { trusted: true }), /is the run folder of run/);
  await waitFor('a few steps', () => (sup.get(run.id)?.step ?? 0) >= 5);
  sup.stop(run.id);
  const stoppedAt = (await waitFor('stopped', ended(sup, run.id))).step!;
  assert.throws(() => sup.resume(run.id, { trusted: false }), /not trusted/);
  assert.equal(sup.resume(run.id, { trusted: true }).state, 'starting');
  const done = await waitFor('finished', ended(sup, run.id));
  assert.equal(done.state, 'finished', done.message ?? '');
  assert.equal(done.step, 40);
  assert.match(sup.logTail(run.id, 100).tail.join('\n'), new RegExp(`starting at step ${stoppedAt} \\(resume\\)`));
  const steps = sup.readMetrics(run.id, 0).rows.map((r) => r.step);
  assert.deepEqual(steps, Array.from({ length: 40 }, (_, i) => i + 1));
  assert.deepEqual([...new Set(rows.get(run.id)!.map((r) => r.step))].length, rows.get(run.id)!.length, 'no step announced twice');
  assert.throws(() => sup.resume(run.id, { trusted: true }), /finished all its steps/);
});

test('an untrusted workspace cannot start or resume runs', { skip }, () => {
  const { sb, sup } = setup();
  assert.throws(() => sup.start(standInPlan(sb, 'nope'), { trusted: false }), /not trusted/);
  assert.deepEqual(sup.list(), []);
});
