// `rubato gpu`, `rubato gpu stop` and `rubato gpu preflight` end to end, with fake nvidia-smi executables.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSameProcess, procAvailable } from '../../../server/proc/procTable';
import { fakeJobs, PYTHON } from './helpers';

const repoRoot = path.resolve(__dirname, '../../..');
const fixtures = path.join(__dirname, 'fixtures');

function rubato(args: string[], smi: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/cli/main.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'], // stdin is not a terminal
    env: { ...process.env, RUBATO_NVIDIA_SMI: smi },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function fakeSmi(dir: string, name: string, body: string): string {
  const exe = path.join(dir, name);
  writeFileSync(exe, `#!/bin/sh\n${body}\n`);
  chmodSync(exe, 0o755);
  return exe;
}

test('rubato gpu: the table, --json, no GPU (exit 0) and a failing driver (exit 5)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-gpu-cli-'));
  try {
    const two = fakeSmi(dir, 'two', `case "$1" in --query-gpu=*) cat '${fixtures}/two-gpus.csv' ;; *) cat '${fixtures}/two-gpus-apps.csv' ;; esac`);
    const text = rubato(['gpu'], two);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^GPU +NAME +USED \/ TOTAL +FREE +UTIL +TEMP$/m);
    assert.match(text.stdout, /^0 +NVIDIA GeForce RTX 3090 +20\.5 GiB \/ 24\.0 GiB +3\.1 GiB +97 % +74 °C$/m);
    assert.match(text.stdout, /^ +48999 +1 +4\.9 GiB +\/home\/bob\/miniconda3\/envs\/llm\/bin\/python$/m);

    const json = rubato(['gpu', '--json'], two);
    assert.equal(json.code, 0, json.stderr);
    const s = JSON.parse(json.stdout) as { state: string; gpus: { index: number; memoryFreeBytes: number }[]; processes: unknown[]; strays: unknown[] };
    assert.equal(s.state, 'ok');
    assert.deepEqual(s.gpus.map((g) => [g.index, g.memoryFreeBytes]), [[0, 3212 * 1024 ** 2], [1, 18925 * 1024 ** 2]]);
    assert.equal(s.processes.length, 3);
    assert.ok(Array.isArray(s.strays));

    const none = rubato(['gpu'], path.join(dir, 'absent'));
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^no NVIDIA GPU found \(.*absent not found; set by RUBATO_NVIDIA_SMI\)$/m);

    const broken = rubato(['gpu', '--json'], fakeSmi(dir, 'broken', `cat '${fixtures}/mismatch.txt'; exit 18`));
    assert.equal(broken.code, 5);
    assert.match((JSON.parse(broken.stdout) as { message: string }).message, /failed \(exit 18\): Failed to initialize NVML: Driver\/library version mismatch/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rubato gpu preflight: a spec over the free memory is refused in refuse mode (exit 5), warned otherwise', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-gpu-cli-'));
  try {
    writeFileSync(path.join(dir, 'busy.csv'), '0, GPU-0c1d, NVIDIA GeForce RTX 3060, 12288, 11010, 1024, 99, 80\n');
    const busy = fakeSmi(dir, 'busy', `case "$1" in --query-gpu=*) cat '${dir}/busy.csv' ;; *) true ;; esac`);
    const spec = path.join(repoRoot, 'native/examples/gpu-8gb.run.toml');
    const refused = rubato(['gpu', 'preflight', '--spec', spec, '--mode', 'refuse', '--json'], busy);
    assert.equal(refused.code, 5, refused.stderr);
    const r = JSON.parse(refused.stdout) as { ok: boolean; refusal: string; estimateBytes: number; freeBytes: number; spec: string };
    assert.equal(r.ok, false);
    assert.equal(r.spec, spec);
    assert.equal(r.freeBytes, 1024 * 1024 ** 2);
    assert.ok(r.estimateBytes > r.freeBytes);
    assert.match(r.refusal, /exceeds the 1\.0 GiB free on GPU 0 \(NVIDIA GeForce RTX 3060\)/);

    const warned = rubato(['gpu', 'preflight', '--spec', spec], busy);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stdout, /^warning: estimated training memory .* exceeds the 1\.0 GiB free on GPU 0/m);

    const bad = rubato(['gpu', 'preflight', '--spec', path.join(dir, 'missing.run.toml')], busy);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /cannot read run spec .*missing\.run\.toml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rubato gpu stop: refuses without --yes when stdin is not a terminal; stops with --yes', { skip: !procAvailable() ? 'needs /proc' : !existsSync(PYTHON) ? `needs ${PYTHON}` : false }, async () => {
  const jobs = fakeJobs();
  try {
    const job = await jobs.startOrphan();
    const noYes = rubato(['gpu', 'stop', String(job.pid)], '/nonexistent');
    assert.equal(noYes.code, 2);
    assert.match(noYes.stderr, /without --yes: stdin is not a terminal/);
    assert.equal(isSameProcess(job.pid, job.startTicks), true);

    const yes = rubato(['gpu', 'stop', String(job.pid), '--yes', '--json'], '/nonexistent');
    assert.equal(yes.code, 0, yes.stderr);
    const r = JSON.parse(yes.stdout) as { outcome: string; signalsSent: string[] };
    assert.deepEqual([r.outcome, r.signalsSent], ['terminated', ['SIGTERM']]);
    assert.equal(isSameProcess(job.pid, job.startTicks), false);
  } finally {
    jobs.cleanup();
  }
});
