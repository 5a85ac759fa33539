// Strays: which command lines mean training, the classification over made-up tables, and real processes found in
// (and kept out of) the live process table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { procAvailable, type ProcStat } from '../../../server/proc/procTable';
import type { GpuProcessInfo } from '../../../server/protocol/gpu';
import { classifyStrays, findStrays, ownProcesses, strayLabel, trainingReason, type StrayInputs } from '../../../server/gpu/strays';
import type { GpuQuery } from '../../../server/gpu/nvidiaSmi';
import { parsePasswd, parseProcStatus } from '../../../server/gpu/procOwner';
import { fakeJobs, PYTHON } from './helpers';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

test('training command lines, and what is not one', () => {
  const cases: Array<[string, string | null]> = [
    ['/usr/bin/python3 /usr/local/bin/torchrun --nproc_per_node=8 train_gpt2.py', 'torchrun'],
    ['python -m torch.distributed.run --nproc_per_node 2 main.py', '-m torch.distributed.run'],
    ['python3 -m torch.distributed.launch --use_env finetune.py', '-m torch.distributed.launch'],
    ['/home/bob/venv/bin/python /home/bob/venv/bin/accelerate launch run_clm.py', 'accelerate launch'],
    ['/usr/bin/python3 /usr/local/bin/deepspeed --num_gpus 4 main.py', 'deepspeed'],
    ['python3 -m rubato_native train --spec a.run.toml', 'rubato_native train'],
    ['python train.py config/train_shakespeare_char.py', 'script train.py'],
    ['python3.11 -u /srv/jobs/train_gpt2.py --batch 8', 'script train_gpt2.py'],
    ['python pretrain.py', 'script pretrain.py'],
    ['python my_train.py', 'script my_train.py'],
    ['python -m llama_recipes.finetuning --model x', '-m llama_recipes.finetuning'],
    ['/usr/bin/python3 /usr/local/bin/lightning run model train_loop.py', 'lightning run'],
    ['torchrun --standalone main.py', 'torchrun'],
    ['python3 -m http.server', null],
    ['python3 serve.py --port 8000', null],
    ['python3 trainspotting_quiz.py', 'script trainspotting_quiz.py'], // a false positive we accept: it only warns
    ['/usr/bin/node train.js', null],
    ['bash train.sh', null],
    ['python3 -m pytest tests/test_train.py', null],
    ['', null],
  ];
  for (const [cmd, want] of cases) assert.equal(trainingReason(cmd === '' ? [] : cmd.split(' ')), want, cmd);
});

const stat = (pid: number, ppid = 1, state = 'S'): ProcStat => ({ pid, ppid, pgid: pid, sid: pid, state, comm: 'python3', startTicks: 1000 + pid });

function inputs(over: Partial<StrayInputs> & { argv: Record<number, string>; rss?: Record<number, number> }): StrayInputs {
  return {
    table: over.table ?? Object.keys(over.argv).map((p) => stat(Number(p))),
    gpuProcesses: over.gpuProcesses ?? [],
    own: over.own ?? new Set(),
    minRssBytes: over.minRssBytes ?? 256 * MIB,
    argvOf: (pid) => (over.argv[pid] ?? '').split(' ').filter(Boolean),
    ownerOf: (pid) => ({ uid: 0, rssBytes: over.rss?.[pid] ?? null }),
    isSupervised: over.isSupervised ?? (() => false),
  };
}

const gpuProc = (pid: number, mib: number | null, gpuIndex: number | null = 0): GpuProcessInfo => ({ pid, processName: '/usr/bin/python3', usedMemoryBytes: mib === null ? null : mib * MIB, gpuUuid: `GPU-${gpuIndex}`, gpuIndex });

test('classification: GPU holders always, training jobs above the RSS floor, never own or supervised ones', () => {
  const strays = classifyStrays(
    inputs({
      argv: {
        100: 'python3 train.py', // big training job, no GPU
        101: 'python3 train.py', // small training job (a launcher, or just starting): not worth a warning
        102: 'python3 serve.py', // not training, but holds GPU memory
        103: 'python3 train.py', // ours
        104: 'python3 -m rubato_native train --spec x.run.toml', // carries the supervisor's run id
        105: 'python3 train.py', // zombie
        106: 'python3 notebook.py', // neither
      },
      table: [stat(100), stat(101), stat(102), stat(103), stat(104), stat(105, 1, 'Z'), stat(106)],
      rss: { 100: 3 * GIB, 101: 40 * MIB, 102: 800 * MIB, 103: 5 * GIB, 104: 5 * GIB, 105: 5 * GIB, 106: 5 * GIB },
      gpuProcesses: [gpuProc(102, 5222, 0), gpuProc(102, 100, 1), gpuProc(103, 9000), gpuProc(555, null, 1)],
      own: new Set([103]),
      isSupervised: (pid) => pid === 104,
    }),
  );
  assert.deepEqual(
    strays.map((s) => [s.pid, s.startTicks, s.gpuMemoryBytes, s.gpuIndices, s.reasons]),
    [
      [102, 1102, (5222 + 100) * MIB, [0, 1], ['holds 5.2 GiB on GPU 0, 1']],
      [555, null, null, [1], ['holds GPU memory on GPU 1 (amount not reported)', 'not in this process table (another container or pid namespace)']],
      [100, 1100, null, [], ['script train.py command line, 3.0 GiB resident']],
    ],
  );
  assert.equal(strays.find((s) => s.pid === 100)?.user, 'root');
  assert.equal(strayLabel(strays[2]!), 'pid 100 (python3 train.py, user root)');
});

test('own processes: the server, its children, the runs and their trees', () => {
  const table = [stat(10), stat(11, 10), stat(12, 11), stat(20), stat(21, 20), stat(30)];
  assert.deepEqual([...ownProcesses(new Set([20]), table, 10)].sort((a, b) => a - b), [10, 11, 12, 20, 21]);
});

test('/proc status and passwd parsing', () => {
  assert.deepEqual(parseProcStatus('Name:\tpython3\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t  123456 kB\n'), { uid: 1000, rssBytes: 123456 * 1024 });
  assert.deepEqual(parseProcStatus('Name:\tkworker\n'), { uid: null, rssBytes: null });
  assert.deepEqual([...parsePasswd('root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000::/home/bob:/bin/sh\n\n# junk\n')], [[0, 'root'], [1000, 'bob']]);
});

const noGpu: GpuQuery = { state: 'none', message: 'no NVIDIA GPU found (nvidia-smi not on PATH)', gpus: [], processes: [], warnings: [] };
const realSkip = !procAvailable() ? 'needs /proc' : !existsSync(PYTHON) ? `needs ${PYTHON}` : false;

test('a real `python3 train_marker.py` that is not ours is a stray; owned (or under an owned pid) it is not', { skip: realSkip }, async () => {
  const jobs = fakeJobs();
  try {
    const job = await jobs.startOrphan(['--marker', 'x']);
    const mine = (list: Awaited<ReturnType<typeof findStrays>>): typeof list => list.filter((s) => s.cmdline.includes(jobs.script));

    const found = mine(await findStrays(new Set(), { gpu: noGpu, minRssBytes: 0 }));
    assert.equal(found.length, 1);
    const s = found[0]!;
    assert.equal(s.pid, job.pid);
    assert.equal(s.startTicks, job.startTicks);
    assert.equal(s.cmdline, `${PYTHON} ${jobs.script} --marker x`);
    assert.equal(s.user, process.getuid?.() === 0 ? 'root' : s.user);
    assert.ok(s.rssBytes !== null && s.rssBytes > 0);
    assert.equal(s.gpuMemoryBytes, null);
    assert.match(s.reasons[0] ?? '', /^script train_marker\.py command line, \d+ MiB resident$/);

    // A few MiB resident is below the default floor: a sleeping script is not worth a warning.
    assert.deepEqual(mine(await findStrays(new Set())), []);
    // Owned by the supervisor: never a stray.
    assert.deepEqual(mine(await findStrays(new Set([job.pid]), { gpu: noGpu, minRssBytes: 0 })), []);

    // Holding GPU memory (as nvidia-smi would say) makes it a stray whatever its size.
    const withGpu: GpuQuery = { state: 'ok', message: null, gpus: [], processes: [{ pid: job.pid, processName: PYTHON, usedMemoryBytes: 5222 * MIB, gpuUuid: 'GPU-a', gpuIndex: 0 }], warnings: [] };
    const held = mine(await findStrays(new Set(), { gpu: withGpu }));
    assert.deepEqual(held.map((x) => x.reasons[0]), ['holds 5.1 GiB on GPU 0']);

    // A run's descendants are the run's: the python under an owned shell is not a stray.
    const tree = await jobs.startUnderShell();
    assert.equal(mine(await findStrays(new Set(), { gpu: noGpu, minRssBytes: 0 })).filter((x) => x.pid === tree.pid).length, 1);
    assert.deepEqual(mine(await findStrays(new Set([tree.leader]), { gpu: noGpu, minRssBytes: 0 })).filter((x) => x.pid === tree.pid), []);
  } finally {
    jobs.cleanup();
  }
});

test("the server's own children are never strays", { skip: realSkip }, async () => {
  const jobs = fakeJobs();
  const child = spawn(PYTHON, [jobs.script], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 250 && !existsSync(`${jobs.dir}/ready-${child.pid}`); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(existsSync(`${jobs.dir}/ready-${child.pid}`), 'the child started');
    const strays = await findStrays(new Set(), { gpu: noGpu, minRssBytes: 0 });
    assert.deepEqual(strays.filter((s) => s.pid === child.pid), []);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    jobs.cleanup();
  }
});
