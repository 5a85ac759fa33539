// Runs through the built server over stdio, end to end with real processes: a run started with
// rubato/runs/start streams metrics, shows in `rubato runs`, survives a SIGKILL of the server (a new server
// re-attaches with the history intact and no duplicates), and after rubato/runs/stop nothing of it is left in
// the process table. Then `rubato train` with the real PyTorch worker: the run shows in `rubato runs` and in
// the server, finishes, and lists a scored checkpoint.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { listProcesses, readCmdline } from '../../../server/proc/procTable';
import type { ListCheckpointsResult, ListRunsResult, MetricRow, RunInfo, RunMetricsAppendedParams, RunMetricsResult, StartRunResult } from '../../../server/protocol';

const repoRoot = path.resolve(__dirname, '../../..');
const serverJs = path.join(repoRoot, 'dist/server.js');
const cliJs = path.join(repoRoot, 'dist/cli.js');

interface Server {
  conn: MessageConnection;
  child: ChildProcess;
  appended: RunMetricsAppendedParams[];
  updates: RunInfo[];
}

async function startServer(stateDir: string, trusted = true): Promise<Server> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, RUBATO_STATE_DIR: stateDir } });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const s: Server = { conn, child, appended: [], updates: [] };
  conn.onNotification('rubato/runs/metricsAppended', (p: RunMetricsAppendedParams) => void s.appended.push(p));
  conn.onNotification('rubato/runs/updated', (p: { run: RunInfo }) => void s.updates.push(p.run));
  conn.onError(() => undefined);
  conn.onClose(() => undefined);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { trusted } });
  await conn.sendNotification('initialized', {});
  return s;
}

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const processesWith = (marker: string): number[] => listProcesses().filter((p) => readCmdline(p.pid).join(' ').includes(marker)).map((p) => p.pid);
const steps = (rows: MetricRow[]): number[] => rows.map((r) => r.step);

function cliRuns(stateDir: string): RunInfo[] {
  const r = spawnSync(process.execPath, [cliJs, 'runs', '--json'], { encoding: 'utf8', env: { ...process.env, RUBATO_STATE_DIR: stateDir } });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { runs: RunInfo[] }).runs;
}

test('a run started through the protocol streams, survives a server SIGKILL, and leaves nothing behind after stop', { skip: !existsSync(serverJs) && 'dist/ not built (npm run build)', timeout: 120_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-runs-protocol-'));
  const marker = `rubato-marker-${process.pid}-${Date.now()}`;
  const stateDir = path.join(dir, 'state');
  // A trainer stand-in: nanoGPT-style lines every 30 ms, a grandchild holding on (as data loaders do), and a
  // clean exit on SIGINT after one last line.
  writeFileSync(
    path.join(dir, 'trainer.js'),
    `const { spawn } = require('child_process');
spawn('/bin/sh', ['-c', 'exec sleep 300 # ${marker}'], { stdio: 'ignore' });
let i = 0;
const t = setInterval(() => { i++; console.log('iter ' + i + ': loss ' + (5 / i).toFixed(4) + ', time 30.00ms'); }, 30);
process.on('SIGINT', () => { clearInterval(t); console.log('stopping at ' + i); process.exit(0); });
`,
  );
  const spec = path.join(dir, 'standin.run.toml');
  writeFileSync(spec, `[external]\ncommand = [${JSON.stringify(process.execPath)}, "trainer.js", "${marker}"]\ngpu = false\ntotal_steps = 100000\n\n[metrics]\nsource = "stdout"\npreset = "nanogpt"\n\n[run]\nout = "run"\n`);
  let a: Server | undefined;
  let b: Server | undefined;
  try {
    // Untrusted: refused with the reason, nothing started.
    const untrusted = await startServer(path.join(dir, 'state-untrusted'), false);
    await assert.rejects(untrusted.conn.sendRequest('rubato/runs/start', { specPath: spec }), /untrusted workspace/);
    untrusted.child.kill('SIGKILL');
    assert.deepEqual(processesWith(marker), []);

    a = await startServer(stateDir);
    const { run } = await a.conn.sendRequest<StartRunResult>('rubato/runs/start', { specPath: spec });
    assert.equal(run.kind, 'external');
    await until('20 streamed rows', () => a!.appended.flatMap((x) => x.rows).length >= 20);
    const streamed = a.appended.flatMap((x) => x.rows);
    assert.deepEqual(steps(streamed), streamed.map((_, i) => i + 1), 'rows arrive in order, once each');
    assert.equal(streamed[1]!.values.loss, 2.5);
    for (let i = 1; i < a.appended.length; i++) assert.equal(a.appended[i]!.fromOffset, a.appended[i - 1]!.nextOffset, 'offsets chain without gaps');

    const listed = cliRuns(stateDir).find((r) => r.id === run.id);
    assert.equal(listed?.state, 'running', '`rubato runs` shows the run the server started');

    // The server dies hard; the run does not.
    a.child.kill('SIGKILL');
    await new Promise((r) => a!.child.once('exit', r));
    const leader = listed!.pid!;
    assert.ok(processesWith(marker).length >= 2, 'the run and its grandchild outlive the server');

    b = await startServer(stateDir);
    const again = await b.conn.sendRequest<ListRunsResult>('rubato/runs/list');
    const reattached = again.runs.find((r) => r.id === run.id);
    assert.equal(reattached?.state, 'running');
    assert.equal(reattached?.pid, leader);
    const seenBefore = streamed.length;
    await until('rows after the restart', () => b!.appended.flatMap((x) => x.rows).length >= 10);
    // The whole history, from the start: contiguous steps, nothing lost or doubled across the restart.
    let offset = 0;
    const history: MetricRow[] = [];
    for (;;) {
      const page = await b.conn.sendRequest<RunMetricsResult>('rubato/runs/metrics', { id: run.id, fromOffset: offset, limit: 7 });
      history.push(...page.rows);
      if (page.nextOffset === offset) break;
      offset = page.nextOffset;
    }
    assert.ok(history.length > seenBefore);
    assert.deepEqual(steps(history), history.map((_, i) => i + 1));
    await assert.rejects(b.conn.sendRequest('rubato/runs/metrics', { id: run.id, fromOffset: -1 }), /fromOffset must be a non-negative integer/);

    const stopping = await b.conn.sendRequest<RunInfo>('rubato/runs/stop', { id: run.id });
    assert.ok(['stopping', 'stopped'].includes(stopping.state));
    const ended = await until('the stopped state', async () => (await b!.conn.sendRequest<ListRunsResult>('rubato/runs/list')).runs.find((r) => r.id === run.id && r.state === 'stopped'));
    assert.equal(ended.exitCode, 0, 'the stand-in exited cleanly on SIGINT');
    await until('no process of the run left', () => processesWith(marker).length === 0, 10_000);
    const log = await b.conn.sendRequest<{ tail: string[] }>('rubato/runs/log', { id: run.id });
    assert.ok(log.tail.some((l) => l.startsWith('stopping at ')), log.tail.join('\n'));
  } finally {
    for (const s of [a, b]) s?.child.kill('SIGKILL');
    for (const pid of processesWith(marker)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
});

function torchPython(): string | undefined {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/find-python.ts')], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

test('`rubato train` registers a supervised run that the server lists, with a scored checkpoint when it finishes', { skip: (!existsSync(cliJs) && 'dist/ not built') || (!torchPython() && 'no Python with torch'), timeout: 180_000 }, async () => {
  const python = torchPython()!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-train-supervised-'));
  const stateDir = path.join(dir, 'state');
  let s: Server | undefined;
  try {
    const cache = path.join(dir, 'cache');
    const py = `import sys\nfrom pathlib import Path\nsys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'native/tests'))})\nfrom conftest import write_cache\nwrite_cache(Path(${JSON.stringify(cache)}), [("train", 120), ("train", 200), ("val", 100), ("test", 50)])\n`;
    const w = spawnSync(python, ['-c', py], { encoding: 'utf8' });
    assert.equal(w.status, 0, w.stderr);
    const spec = path.join(dir, 'tiny.run.toml');
    writeFileSync(spec, `[model]\nd_model = 16\nn_layers = 1\nn_heads = 2\nff_mult = 2\ndropout = 0.0\n\n[data]\ncache = "cache"\nwindow = 64\noverlap = 16\n\n[batch]\nmicro_batch = 4\n\n[precision]\nmode = "fp32"\n\n[schedule]\nwarmup_steps = 2\nmax_steps = 12\n\n[eval]\nevery_steps = 6\n\n[device]\ndevice = "cpu"\ncpu_threads = 1\n\n[run]\nout = "runs/tiny"\nseed = 1\n`);
    const train = spawnSync(process.execPath, [cliJs, 'train', '--spec', spec, '--python', python], { encoding: 'utf8', env: { ...process.env, RUBATO_STATE_DIR: stateDir }, timeout: 150_000 });
    assert.equal(train.status, 0, `${train.stdout}\n${train.stderr}`);
    const runs = cliRuns(stateDir);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.state, 'finished');
    assert.equal(runs[0]!.step, 12);
    s = await startServer(stateDir);
    const listed = await s.conn.sendRequest<ListRunsResult>('rubato/runs/list');
    assert.deepEqual(listed.runs.map((r) => [r.id, r.state]), [[runs[0]!.id, 'finished']]);
    const cps = await s.conn.sendRequest<ListCheckpointsResult>('rubato/runs/checkpoints', { id: runs[0]!.id });
    assert.ok(cps.checkpoints.length >= 1);
    const best = cps.checkpoints.find((c) => c.best);
    assert.ok(best && typeof best.expressionScore === 'number', JSON.stringify(cps.checkpoints));
    const metrics = await s.conn.sendRequest<RunMetricsResult>('rubato/runs/metrics', { id: runs[0]!.id, fromOffset: 0 });
    assert.deepEqual(steps(metrics.rows), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.ok(metrics.rows.every((r) => typeof r.values.train_loss === 'number'));
  } finally {
    s?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
