// Reads the GPUs and the processes holding their memory from `nvidia-smi`'s CSV query output. Parsing is pure
// (tested on captured real output); running it is bounded: a wedged driver can make nvidia-smi hang for minutes, so
// it gets a timeout and its whole process group is killed. No NVIDIA GPU is a normal answer, not an error.

import { spawn } from 'node:child_process';
import type { GpuInfo, GpuProcessInfo, GpuStatusResult } from '../protocol/gpu';

export const GPU_QUERY_ARGS = ['--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu', '--format=csv,noheader,nounits'];
export const APPS_QUERY_ARGS = ['--query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid', '--format=csv,noheader,nounits'];
export const DEFAULT_SMI_TIMEOUT_MS = 5000;
const MIB = 1024 * 1024;
/** nvidia-smi never prints this much for a query; more means something else is talking. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** The GPU part of the status (strays are added by server/gpu/status.ts). */
export type GpuQuery = Omit<GpuStatusResult, 'strays'>;

/**
 * A number, or null for the bracketed words nvidia-smi prints where it has no value: "[N/A]", "[Not Supported]",
 * "[Insufficient Permissions]", "[Unknown Error]" (and the unbracketed "N/A" of old drivers).
 */
function numberOrNull(field: string): number | null {
  if (field === '' || field.startsWith('[') || field === 'N/A') return null;
  const v = Number(field);
  return Number.isFinite(v) ? v : null;
}

const mibToBytes = (v: number | null): number | null => (v === null ? null : Math.round(v * MIB));

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, '').trim()).filter((l) => l !== '');
}

const shown = (line: string): string => JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);

/**
 * Parses `--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu,temperature.gpu` output.
 * The name is the only free-text field, so it is whatever lies between the first two and the last five commas.
 */
export function parseGpuCsv(text: string): { gpus: GpuInfo[]; warnings: string[] } {
  const gpus: GpuInfo[] = [];
  const warnings: string[] = [];
  for (const line of lines(text)) {
    const raw = line.split(',');
    const f = raw.map((s) => s.trim());
    const index = Number(f[0]);
    if (f.length < 8 || f[0] === '' || !Number.isInteger(index) || index < 0) {
      warnings.push(`nvidia-smi GPU line not understood: ${shown(line)}`);
      continue;
    }
    const tail = f.slice(-5).map(numberOrNull);
    gpus.push({
      index,
      uuid: f[1] ?? '',
      name: raw.slice(2, -5).join(',').trim(),
      memoryTotalBytes: mibToBytes(tail[0] ?? null),
      memoryUsedBytes: mibToBytes(tail[1] ?? null),
      memoryFreeBytes: mibToBytes(tail[2] ?? null),
      utilizationPct: tail[3] ?? null,
      temperatureC: tail[4] ?? null,
    });
  }
  return { gpus, warnings };
}

/**
 * Parses `--query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid` output; the process name (a path, which
 * may hold commas) is everything between the first and the last two fields. `gpus` maps uuids to indices.
 */
export function parseComputeAppsCsv(text: string, gpus: readonly GpuInfo[] = []): { processes: GpuProcessInfo[]; warnings: string[] } {
  const processes: GpuProcessInfo[] = [];
  const warnings: string[] = [];
  const indexOf = new Map(gpus.map((g) => [g.uuid, g.index]));
  for (const line of lines(text)) {
    if (/^no running (compute )?processes found/i.test(line)) continue; // what some versions print for "none"
    const raw = line.split(',');
    const f = raw.map((s) => s.trim());
    const pid = Number(f[0]);
    if (f.length < 4 || !Number.isInteger(pid) || pid <= 0) {
      warnings.push(`nvidia-smi process line not understood: ${shown(line)}`);
      continue;
    }
    const gpuUuid = f[f.length - 1] ?? '';
    processes.push({
      pid,
      processName: raw.slice(1, -2).join(',').trim(),
      usedMemoryBytes: mibToBytes(numberOrNull(f[f.length - 2] ?? '')),
      gpuUuid,
      gpuIndex: indexOf.get(gpuUuid) ?? null,
    });
  }
  return { processes, warnings };
}

export type SmiRun =
  | { kind: 'ok'; stdout: string }
  | { kind: 'missing' }
  | { kind: 'failed'; exitCode: number | null; signal: string | null; output: string }
  | { kind: 'timeout'; timeoutMs: number };

/** Runs the executable once, in its own process group so a timeout can kill whatever it started. */
export function runSmi(executable: string, args: readonly string[], timeoutMs: number): Promise<SmiRun> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: SmiRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LC_ALL: 'C' } });
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (b: Buffer): void => {
      if (size < MAX_OUTPUT_BYTES) chunks.push(b);
      size += b.length;
    };
    child.stdout.on('data', collect);
    // nvidia-smi prints its errors on stdout; stderr is kept too, in arrival order.
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      // A process stuck in the driver may not die at once; do not wait for it.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      settle({ kind: 'timeout', timeoutMs });
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') settle({ kind: 'missing' });
      else settle({ kind: 'failed', exitCode: null, signal: null, output: `${executable}: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) settle({ kind: 'ok', stdout: output });
      else settle({ kind: 'failed', exitCode: code, signal, output: output.trim() });
    });
  });
}

export interface SmiOptions {
  /** Default: $RUBATO_NVIDIA_SMI, else `nvidia-smi` on PATH. */
  executable?: string;
  timeoutMs?: number;
}

export function smiExecutable(opts: SmiOptions = {}): string {
  const fromEnv = process.env.RUBATO_NVIDIA_SMI;
  return opts.executable ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'nvidia-smi');
}

/** What a run that did not succeed means for the user, in one line (nvidia-smi's own words when it spoke). */
function describe(run: Exclude<SmiRun, { kind: 'ok' }>, exe: string): { state: 'none' | 'error'; message: string } {
  switch (run.kind) {
    case 'missing':
      return { state: 'none', message: exe === 'nvidia-smi' ? 'no NVIDIA GPU found (nvidia-smi not on PATH)' : `no NVIDIA GPU found (${exe} not found; set by RUBATO_NVIDIA_SMI)` };
    case 'timeout':
      return { state: 'error', message: `${exe} did not answer within ${run.timeoutMs / 1000} s (a wedged GPU driver?); GPU memory is unknown` };
    case 'failed': {
      // "No devices were found" is nvidia-smi's answer on a machine with the driver but no GPU (exit 6).
      if (/no devices were found/i.test(run.output)) return { state: 'none', message: 'no NVIDIA GPU found (nvidia-smi: No devices were found)' };
      const how = run.signal ? `killed by ${run.signal}` : `exit ${run.exitCode}`;
      return { state: 'error', message: `${exe} failed (${how}): ${run.output || '(no output)'}` };
    }
  }
}

/** Both queries: the GPUs, then (only if that worked) the processes holding their memory. */
export async function queryGpus(opts: SmiOptions = {}): Promise<GpuQuery> {
  const exe = smiExecutable(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SMI_TIMEOUT_MS;
  const gpuRun = await runSmi(exe, GPU_QUERY_ARGS, timeoutMs);
  if (gpuRun.kind !== 'ok') return { ...describe(gpuRun, exe), gpus: [], processes: [], warnings: [] };
  const { gpus, warnings } = parseGpuCsv(gpuRun.stdout);
  if (gpus.length === 0) {
    return { state: warnings.length ? 'error' : 'none', message: warnings.length ? `${exe} printed no GPU line it could read` : 'no NVIDIA GPU found (nvidia-smi lists none)', gpus, processes: [], warnings };
  }
  const appsRun = await runSmi(exe, APPS_QUERY_ARGS, timeoutMs);
  if (appsRun.kind !== 'ok') {
    return { state: 'ok', message: null, gpus, processes: [], warnings: [...warnings, `could not list GPU processes: ${describe(appsRun, exe).message}`] };
  }
  const apps = parseComputeAppsCsv(appsRun.stdout, gpus);
  return { state: 'ok', message: null, gpus, processes: apps.processes, warnings: [...warnings, ...apps.warnings] };
}
