// `rubato train` as a supervised run and `rubato runs`, through the real CLI in child processes: the run is
// registered in the state folder, followed in the foreground, stopped by Ctrl-C or `runs stop`, and leaves
// nothing in the process table.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { procAvailable } from '../../../server/proc/procTable';
import type { RunInfo } from '../../../server/protocol/runs';
import { processesWith, sandbox, waitFor, type Sandbox } from './standIn';

const skip = !procAvailable() && 'needs /proc (Linux)';
const repo = path.resolve(__dirname, '../../..');
const boxes: Sandbox[] = [];
after(() => {
  for (const b of boxes.splice(0)) b.cleanup();
});

/** An external spec that runs the stand-in in nanoGPT mode (CPU, so it never waits for the GPU slot). */
function externalSpec(sb: Sandbox, name: string, steps: number): string {
  const spec = path.join(sb.root, `${name}.run.toml`);
  const argv = [process.execPath, sb.script, path.join(sb.root, 'runs', name), 'nanogpt', String(steps), sb.marker];
  writeFileSync(spec, `[external]\ncommand = ${JSON.stringify(argv)}\ngpu = false\ntotal_steps = ${steps}\nenv = { STAND_IN_STEP_MS = "50" }\n\n[metrics]\nsource = "stdout"\npreset = "nanogpt"\n\n[run]\nout = "runs/${name}"\n`);
  return spec;
}

const cliArgs = (args: string[]): string[] => ['--import', 'tsx', path.join(repo, 'server/cli/main.ts'), ...args];

function cli(sb: Sandbox, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, cliArgs(args), { cwd: repo, env: { ...process.env, RUBATO_STATE_DIR: sb.stateDir }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const listRuns = (sb: Sandbox): RunInfo[] => (JSON.parse(cli(sb, ['runs', '--json', '--no-others']).stdout) as { runs: RunInfo[] }).runs;

test('rubato train follows a supervised run to its end and rubato runs lists it', { skip }, () => {
  const sb = sandbox();
  boxes.push(sb);
  const r = cli(sb, ['train', '--spec', externalSpec(sb, 'fg', 8)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /iter 8: loss 1\.2500/, "the worker's output is printed");
  assert.match(r.stderr, /finished at step 8\/8, exit code 0/);
  const runs = listRuns(sb);
  assert.equal(runs.length, 1);
  assert.deepEqual([runs[0]!.kind, runs[0]!.state, runs[0]!.step, runs[0]!.totalSteps, runs[0]!.lastLoss], ['external', 'finished', 8, 8, 1.25]);
  const table = cli(sb, ['runs', '--no-others']).stdout.split('\n');
  assert.match(table[0]!, /^ID\s+NAME\s+STATE\s+STEP\s+LOSS\s+ETA\s+DEVICE\s+PID$/);
  assert.match(table[1]!, /fg\s+finished\s+8\/8\s+1\.2500\s+cpu/);
  assert.match(cli(sb, ['runs', 'log', runs[0]!.id, '-n', '2']).stdout, /iter 8: loss 1\.2500/);
});

test('Ctrl-C on rubato train stops the run (SIGINT to it, exit code 0) and nothing is left', { skip }, async () => {
  const sb = sandbox();
  boxes.push(sb);
  const child = spawn(process.execPath, cliArgs(['train', '--spec', externalSpec(sb, 'ctrlc', 100000)]), { cwd: repo, env: { ...process.env, RUBATO_STATE_DIR: sb.stateDir }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor('a few steps printed', () => /iter 5:/.test(stderr), 60_000);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((res) => child.once('exit', res));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /got SIGINT at step \d+/);
  assert.equal(listRuns(sb)[0]!.state, 'stopped');
  await waitFor('no process of the run', () => processesWith(sb.marker).length === 0, 10_000);
});

test('train --detach returns at once; runs stop ends the run and its tree', { skip }, async () => {
  const sb = sandbox();
  boxes.push(sb);
  const r = cli(sb, ['train', '--detach', '--json', '--spec', externalSpec(sb, 'bg', 100000)]);
  assert.equal(r.status, 0, r.stderr);
  const run = (JSON.parse(r.stdout) as { run: RunInfo }).run;
  assert.ok(run.pid);
  await waitFor('the detached run to print', () => processesWith(`${sb.marker}-grandchild`).length === 1, 30_000);
  const stop = cli(sb, ['runs', 'stop', run.id, '--json']);
  assert.equal(stop.status, 0, stop.stderr);
  assert.equal((JSON.parse(stop.stdout) as { run: RunInfo }).run.state, 'stopped');
  await waitFor('no process of the run', () => processesWith(sb.marker).length === 0, 10_000);
  assert.equal(cli(sb, ['runs', 'stop', run.id]).status, 2, 'stopping an ended run is refused');
  assert.equal(cli(sb, ['runs', 'log', 'no-such-run']).status, 3);
});
