// The memory preflight: warn / refuse / off against the selected GPU's free memory, the note when no GPU is visible,
// and the stray warnings, on GPU answers parsed from the real-format fixtures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CUDA_CONTEXT_BYTES, preflight } from '../../../server/gpu/preflight';
import { parseComputeAppsCsv, parseGpuCsv, type GpuQuery } from '../../../server/gpu/nvidiaSmi';
import type { StrayProcess } from '../../../server/protocol/gpu';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const fixture = (name: string): string => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

function twoGpus(): GpuQuery {
  const { gpus } = parseGpuCsv(fixture('two-gpus.csv'));
  return { state: 'ok', message: null, gpus, processes: parseComputeAppsCsv(fixture('two-gpus-apps.csv'), gpus).processes, warnings: [] };
}

const bob: StrayProcess = { pid: 48211, startTicks: 5, user: 'bob', cmdline: '/usr/bin/python3 /home/bob/nanoGPT/train.py', rssBytes: 3 * GIB, gpuMemoryBytes: 20720 * MIB, gpuIndices: [0], reasons: [] };
const onGpu1: StrayProcess = { ...bob, pid: 48999, gpuMemoryBytes: 5010 * MIB, gpuIndices: [1] };

// GPU 0 has 3212 MiB free, GPU 1 18925 MiB.
test('warn: an estimate over the free memory is a warning naming the GPU and what holds it', async () => {
  const r = await preflight({ estimateBytes: 4 * GIB, mode: 'warn', gpu: twoGpus(), strays: [bob, onGpu1] });
  assert.equal(r.ok, true);
  assert.equal(r.refusal, undefined);
  assert.equal(r.freeBytes, 3212 * MIB);
  assert.equal(r.gpu?.index, 0);
  assert.deepEqual(r.warnings, [
    'estimated training memory 4.0 GiB (+ ~512 MiB CUDA context) exceeds the 3.1 GiB free on GPU 0 (NVIDIA GeForce RTX 3090); 20.5 GiB is in use: lower [batch].micro_batch, turn on grad_checkpointing, or stop what holds the GPU',
    'pid 48211 (python3 train.py, user bob) holds 20.2 GiB on GPU 0',
  ]);
  assert.deepEqual(r.strays.map((s) => s.pid), [48211], 'only strays on the selected GPU');
});

test('refuse: the same start is refused; a fitting one is not, and still hears about strays on its GPU', async () => {
  const refused = await preflight({ estimateBytes: 4 * GIB, mode: 'refuse', gpu: twoGpus(), strays: [bob] });
  assert.equal(refused.ok, false);
  assert.match(refused.refusal ?? '', /exceeds the 3\.1 GiB free on GPU 0/);
  assert.deepEqual(refused.warnings, ['pid 48211 (python3 train.py, user bob) holds 20.2 GiB on GPU 0']);

  const fits = await preflight({ estimateBytes: 4 * GIB, gpuIndex: 1, mode: 'refuse', gpu: twoGpus(), strays: [bob, onGpu1] });
  assert.equal(fits.ok, true);
  assert.equal(fits.refusal, undefined);
  assert.deepEqual(fits.warnings, ['pid 48999 (python3 train.py, user bob) holds 4.9 GiB on GPU 1']);

  // The CUDA context counts: an estimate that fits only without it does not fit.
  const edge = await preflight({ estimateBytes: 3212 * MIB - CUDA_CONTEXT_BYTES + 1, mode: 'refuse', gpu: twoGpus(), strays: [] });
  assert.equal(edge.ok, false);
  const justFits = await preflight({ estimateBytes: 3212 * MIB - CUDA_CONTEXT_BYTES, mode: 'refuse', gpu: twoGpus(), strays: [] });
  assert.equal(justFits.ok, true);
});

test('off checks nothing', async () => {
  const r = await preflight({ estimateBytes: 1000 * GIB, mode: 'off', gpu: twoGpus(), strays: [bob] });
  assert.deepEqual({ ok: r.ok, warnings: r.warnings, strays: r.strays, gpu: r.gpu }, { ok: true, warnings: [], strays: [], gpu: null });
});

test('no GPU visible: a note against rubato.gpuMemoryGiB, never a refusal', async () => {
  const none: GpuQuery = { state: 'none', message: 'no NVIDIA GPU found (nvidia-smi not on PATH)', gpus: [], processes: [], warnings: [] };
  const r = await preflight({ estimateBytes: 10 * GIB, mode: 'refuse', gpuMemoryGiB: 8, gpu: none, strays: [] });
  assert.equal(r.ok, true);
  assert.deepEqual(r.warnings, ['no NVIDIA GPU found (nvidia-smi not on PATH): free memory cannot be checked; estimated training memory 10.0 GiB (+ ~512 MiB CUDA context) exceeds rubato.gpuMemoryGiB = 8 GiB']);
  const small = await preflight({ estimateBytes: 1 * GIB, mode: 'warn', gpuMemoryGiB: 8, gpu: none, strays: [] });
  assert.match(small.warnings[0] ?? '', /fits rubato\.gpuMemoryGiB = 8 GiB$/);
});

test('a GPU that does not report free memory, and a GPU index that does not exist', async () => {
  const { gpus } = parseGpuCsv(fixture('na-fields.csv'));
  const na = await preflight({ estimateBytes: 100 * GIB, mode: 'refuse', gpu: { state: 'ok', message: null, gpus, processes: [], warnings: [] }, strays: [] });
  assert.equal(na.ok, true);
  assert.deepEqual(na.warnings, ['GPU 0 (NVIDIA GB10) does not report its free memory: the estimate could not be checked']);

  const missing = await preflight({ estimateBytes: GIB, gpuIndex: 7, mode: 'refuse', gpu: twoGpus(), strays: [] });
  assert.equal(missing.ok, false);
  assert.equal(missing.refusal, 'GPU 7 not found (nvidia-smi lists 0, 1)');
  const missingWarn = await preflight({ estimateBytes: GIB, gpuIndex: 7, mode: 'warn', gpu: twoGpus(), strays: [] });
  assert.deepEqual([missingWarn.ok, missingWarn.warnings], [true, ['GPU 7 not found (nvidia-smi lists 0, 1)']]);
});
