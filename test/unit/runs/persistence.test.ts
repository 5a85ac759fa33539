// Runs outlive their supervisor: a supervisor in a separate process is killed with SIGKILL mid-run; a new
// one re-attaches (pid + start time), the run goes on, its metrics history is intact with no row doubled
// or lost, and after stop nothing of the run is left in the process table.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NANOGPT_PATTERNS } from '../../../server/metrics/stdoutPatterns';
import { isSameProcess, procAvailable } from '../../../server/proc/procTable';
import type { MetricRow } from '../../../server/protocol/runs';
import { METRICS_PARSERS } from '../../../server/runs/metricsParsers';
import { readRecord } from '../../../server/runs/record';
import { RunSupervisor } from '../../../server/runs/supervisor';
import type { LaunchPlan } from '../../../server/runs/plan';
import { processesWith, sandbox, standInPlan, waitFor, type Sandbox } from './standIn';

const skip = !procAvailable() && 'needs /proc (Linux)';
const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** Starts a supervisor process for `plan`; resolves with the run id and a live count of announced rows. */
async function supervisorProcess(sb: Sandbox, plan: LaunchPlan): Promise<{ child: ChildProcess; id: string; announced: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'supervisorProcess.ts'), sb.stateDir, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill('SIGKILL'));
  const announced: number[] = [];
  let id = '';
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const msg = JSON.parse(buf.slice(0, nl)) as { id?: string; rows?: number[] };
      buf = buf.slice(nl + 1);
      if (msg.id) id = msg.id;
      if (msg.rows) announced.push(...msg.rows);
    }
  });
  await waitFor('the supervisor process to start the run', () => id, 60_000);
  return { child, id, announced };
}

function checkHistory(rows: MetricRow[], upTo: number): void {
  const steps = rows.filter((r) => !('val_loss' in r.values)).map((r) => r.step); // nanoGPT's eval lines repeat a step
  assert.deepEqual(steps, Array.from({ length: upTo }, (_, i) => i + 1), 'every step once, in order, none missing');
  assert.equal(new Set(steps).size, steps.length, 'no row doubled');
}

for (const kind of ["external run (stdout ingested by the supervisor)", "trainer run (its own metrics.jsonl)"] as const) {
  test(`${kind.startsWith("external") ? "an" : "a"} ${kind} survives SIGKILL of its supervisor, is re-attached and leaves nothing after stop`, { skip }, async () => {
    const sb = sandbox();
    cleanups.push(() => sb.cleanup());
    const external = kind.startsWith('external');
    const plan = standInPlan(sb, 'long', {
      steps: 100000,
      stepMs: 40,
      ...(external ? { mode: 'nanogpt' as const, metricsSource: { kind: 'stdout' as const, patterns: [...NANOGPT_PATTERNS] } } : {}),
    });
    const first = await supervisorProcess(sb, plan);
    await waitFor('rows announced by the first supervisor', () => first.announced.length >= 10, 60_000);
    const leader = readRecord(sb.stateDir, first.id).leader!;
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    assert.ok(isSameProcess(leader.pid, leader.startTicks ?? undefined), 'the run outlives its supervisor');
    const stepAtDeath = Math.max(...first.announced);

    // The server restarts: a new supervisor finds the run alive and takes it over.
    const sup = new RunSupervisor({ stateDir: sb.stateDir, planFromSpec: () => assert.fail('plans only'), parsers: METRICS_PARSERS, pollMs: 50, graceMs: 10_000 });
    cleanups.push(() => sup.dispose());
    const later: MetricRow[] = [];
    sup.on('metricsAppended', (m) => later.push(...m.rows));
    assert.ok(['starting', 'running'].includes(sup.get(first.id)!.state), 're-attached, not failed');
    await waitFor('the new supervisor to own the run', () => readRecord(sb.stateDir, first.id).owner?.pid === process.pid);
    await waitFor('new rows after the re-attach', () => later.some((r) => r.step > stepAtDeath + 10), 60_000);
    const info = sup.get(first.id)!;
    assert.ok(info.step! > stepAtDeath);
    assert.equal(info.pid, leader.pid);

    sup.stop(first.id);
    const done = await waitFor('stopped', () => (sup.get(first.id)?.state === 'stopped' ? sup.get(first.id) : undefined));
    assert.equal(done.exitCode, 0, done.message ?? '');
    const history = sup.readMetrics(first.id, 0).rows;
    checkHistory(history, Math.max(...history.map((r) => r.step)));
    const lines = readFileSync(path.join(done.runDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, history.length, 'every line of metrics.jsonl is a row');
    await waitFor('no process of the run left (leader, stand-in, grandchild)', () => processesWith(sb.marker).length === 0, 15_000);
  });
}

test('a run whose processes all died while no supervisor watched is judged failed on the next start, with its exit code', { skip }, async () => {
  const sb = sandbox();
  cleanups.push(() => sb.cleanup());
  const first = await supervisorProcess(sb, standInPlan(sb, 'crash', { mode: 'crash' }));
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  await waitFor('the crash, unseen', () => processesWith(sb.marker).length === 0, 30_000);
  const sup = new RunSupervisor({ stateDir: sb.stateDir, planFromSpec: () => assert.fail('plans only'), pollMs: 50 });
  cleanups.push(() => sup.dispose());
  const r = await waitFor('the verdict', () => (sup.get(first.id)?.state === 'failed' ? sup.get(first.id) : undefined));
  assert.equal(r.exitCode, 3);
  assert.match(r.message ?? '', /boom: CUDA out of memory/);
});
