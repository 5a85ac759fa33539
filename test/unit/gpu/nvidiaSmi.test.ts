// nvidia-smi: parsing of real-format CSV output, and running it through fake executables (RUBATO_NVIDIA_SMI) that
// answer normally, fail with the driver/library mismatch, hang, or are missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseComputeAppsCsv, parseGpuCsv, queryGpus } from '../../../server/gpu/nvidiaSmi';
import { isSameProcess } from '../../../server/proc/procTable';

const fixtures = path.join(__dirname, 'fixtures');
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');
const MIB = 1024 * 1024;

test('two GPUs: every field, MiB to bytes, processes mapped to GPU indices by uuid', () => {
  const { gpus, warnings } = parseGpuCsv(fixture('two-gpus.csv'));
  assert.deepEqual(warnings, []);
  assert.deepEqual(gpus, [
    { index: 0, uuid: 'GPU-5b8d3c0e-4a3f-4b0e-9a4e-2c3f1d6e7a8b', name: 'NVIDIA GeForce RTX 3090', memoryTotalBytes: 24576 * MIB, memoryUsedBytes: 21034 * MIB, memoryFreeBytes: 3212 * MIB, utilizationPct: 97, temperatureC: 74 },
    { index: 1, uuid: 'GPU-a1c2e3f4-0b1d-4c2e-8f30-415263748596', name: 'NVIDIA GeForce RTX 3090', memoryTotalBytes: 24576 * MIB, memoryUsedBytes: 5321 * MIB, memoryFreeBytes: 18925 * MIB, utilizationPct: 12, temperatureC: 48 },
  ]);
  const apps = parseComputeAppsCsv(fixture('two-gpus-apps.csv'), gpus);
  assert.deepEqual(apps.warnings, []);
  assert.deepEqual(
    apps.processes.map((p) => [p.pid, p.processName, p.usedMemoryBytes, p.gpuIndex]),
    [
      [48211, '/usr/bin/python3', 20720 * MIB, 0],
      [48999, '/home/bob/miniconda3/envs/llm/bin/python', 5010 * MIB, 1],
      [51234, '/usr/bin/python3', 310 * MIB, 0],
    ],
  );
});

test('[N/A] and [Not Supported] become null, never 0; CRLF lines; a process path with a comma survives', () => {
  const { gpus, warnings } = parseGpuCsv(fixture('na-fields.csv'));
  assert.deepEqual(warnings, []);
  assert.equal(gpus.length, 1);
  assert.deepEqual(gpus[0], { index: 0, uuid: 'GPU-1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', name: 'NVIDIA GB10', memoryTotalBytes: null, memoryUsedBytes: null, memoryFreeBytes: null, utilizationPct: 0, temperatureC: 41 });
  const apps = parseComputeAppsCsv(fixture('na-fields-apps.csv'), gpus);
  assert.deepEqual(
    apps.processes.map((p) => [p.pid, p.processName, p.usedMemoryBytes, p.gpuIndex]),
    [
      [7344, '/opt/my,weird dir/bin/python3.11', null, 0],
      [7345, '[Not Found]', 1024 * MIB, null], // a uuid not in the GPU list
    ],
  );
  const unsupported = parseGpuCsv('0, GPU-x, NVIDIA GeForce RTX 3080 Laptop GPU, 16384, 1200, 15184, [Not Supported], [Unknown Error]\n');
  assert.equal(unsupported.gpus[0]?.utilizationPct, null);
  assert.equal(unsupported.gpus[0]?.temperatureC, null);
  assert.equal(unsupported.gpus[0]?.memoryFreeBytes, 15184 * MIB);
});

test('no processes, and lines that are not CSV rows are warnings, not crashes', () => {
  assert.deepEqual(parseComputeAppsCsv(''), { processes: [], warnings: [] });
  assert.deepEqual(parseComputeAppsCsv('No running processes found\n'), { processes: [], warnings: [] });
  const odd = parseGpuCsv('Unable to determine the device handle for GPU0000:01:00.0: GPU has fallen off the bus.\n0, GPU-a, A, 1, 0, 1, 0, 30\n');
  assert.equal(odd.gpus.length, 1);
  assert.equal(odd.warnings.length, 1);
  assert.match(odd.warnings[0] ?? '', /not understood: "Unable to determine/);
  assert.equal(parseComputeAppsCsv('abc, /x, 1, GPU-a').warnings.length, 1);
});

// ---- fake executables

function withFakeSmi(script: string): { exe: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-smi-'));
  const exe = path.join(dir, 'nvidia-smi');
  writeFileSync(exe, `#!/bin/sh\n${script}\n`);
  chmodSync(exe, 0o755);
  return { exe, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fake that answers each query with a recorded output file, as the real tool does. */
const answering = (gpuFile: string, appsFile: string | null): string =>
  `case "$1" in\n  --query-gpu=*) cat '${path.join(fixtures, gpuFile)}' ;;\n  --query-compute-apps=*) ${appsFile ? `cat '${path.join(fixtures, appsFile)}'` : 'true'} ;;\n  *) echo "unexpected arguments: $*"; exit 2 ;;\nesac`;

async function withEnv<T>(value: string, f: () => Promise<T>): Promise<T> {
  const before = process.env.RUBATO_NVIDIA_SMI;
  process.env.RUBATO_NVIDIA_SMI = value;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env.RUBATO_NVIDIA_SMI;
    else process.env.RUBATO_NVIDIA_SMI = before;
  }
}

test('RUBATO_NVIDIA_SMI: a normal answer gives the GPUs and their processes', async () => {
  const fake = withFakeSmi(answering('two-gpus.csv', 'two-gpus-apps.csv'));
  try {
    const q = await withEnv(fake.exe, () => queryGpus());
    assert.equal(q.state, 'ok');
    assert.equal(q.message, null);
    assert.deepEqual(q.gpus.map((g) => g.index), [0, 1]);
    assert.deepEqual(q.processes.map((p) => p.pid), [48211, 48999, 51234]);
  } finally {
    fake.cleanup();
  }
});

test('an idle H100 with no processes', async () => {
  const fake = withFakeSmi(answering('h100-idle.csv', null));
  try {
    const q = await queryGpus({ executable: fake.exe });
    assert.equal(q.state, 'ok');
    assert.equal(q.gpus[0]?.name, 'NVIDIA H100 80GB HBM3');
    assert.equal(q.gpus[0]?.memoryFreeBytes, 81080 * MIB);
    assert.deepEqual(q.processes, []);
    assert.deepEqual(q.warnings, []);
  } finally {
    fake.cleanup();
  }
});

test('the driver/library mismatch is reported verbatim with the exit code', async () => {
  const fake = withFakeSmi(`cat '${path.join(fixtures, 'mismatch.txt')}'\nexit 18`);
  try {
    const q = await queryGpus({ executable: fake.exe });
    assert.equal(q.state, 'error');
    assert.equal(q.message, `${fake.exe} failed (exit 18): Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 535.183`);
    assert.deepEqual(q.gpus, []);
  } finally {
    fake.cleanup();
  }
});

test('"No devices were found" means no GPU, not an error', async () => {
  const fake = withFakeSmi('echo "No devices were found"\nexit 6');
  try {
    const q = await queryGpus({ executable: fake.exe });
    assert.equal(q.state, 'none');
    assert.match(q.message ?? '', /^no NVIDIA GPU found/);
  } finally {
    fake.cleanup();
  }
});

test('a hanging nvidia-smi is cut off at the timeout and leaves no process behind', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-smi-pids-'));
  const pidFile = path.join(dir, 'pids');
  const fake = withFakeSmi(`echo $$ > '${pidFile}'\nsleep 30 &\necho $! >> '${pidFile}'\nwait`);
  try {
    const q = await queryGpus({ executable: fake.exe, timeoutMs: 300 });
    assert.equal(q.state, 'error');
    assert.match(q.message ?? '', /did not answer within 0\.3 s \(a wedged GPU driver\?\)/);
    // The fake and the sleep it started were one process group, killed together.
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    assert.equal(pids.length, 2);
    for (let i = 0; i < 100 && pids.some((p) => isSameProcess(p, undefined)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(pids.filter((p) => isSameProcess(p, undefined)), []);
  } finally {
    fake.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing executable means no GPU, with the reason', async () => {
  const missing = await queryGpus({ executable: '/nonexistent/nvidia-smi' });
  assert.equal(missing.state, 'none');
  assert.equal(missing.message, 'no NVIDIA GPU found (/nonexistent/nvidia-smi not found; set by RUBATO_NVIDIA_SMI)');
  const onPath = await withEnv('', async () => {
    const before = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      return await queryGpus();
    } finally {
      process.env.PATH = before;
    }
  });
  assert.equal(onPath.state, 'none');
  assert.equal(onPath.message, 'no NVIDIA GPU found (nvidia-smi not on PATH)');
});
