// Protocol for the GPU panel: the GPUs and who holds their memory, training processes the supervisor does not own
// ("strays"), stopping one of them after explicit confirmation, and the memory preflight a run start reports.
// Plain data only; memory in bytes (nvidia-smi's MiB are converted at the edge, server/gpu/nvidiaSmi.ts).

import { asRecord, isNonNegativeInt, isRecord } from './check';

/** One GPU as `nvidia-smi --query-gpu` reports it. A field the driver does not report ("[N/A]") is null. */
export interface GpuInfo {
  index: number;
  uuid: string;
  name: string;
  memoryTotalBytes: number | null;
  memoryUsedBytes: number | null;
  memoryFreeBytes: number | null;
  /** Percent of time a kernel ran over the driver's last sample period. */
  utilizationPct: number | null;
  temperatureC: number | null;
}

/** One process holding GPU memory (`nvidia-smi --query-compute-apps`). */
export interface GpuProcessInfo {
  pid: number;
  /** Executable as nvidia-smi names it (a full path on Linux; "[Not Found]" when outside this pid namespace). */
  processName: string;
  /** null when the driver does not say (Windows WDDM, some MIG set-ups). */
  usedMemoryBytes: number | null;
  gpuUuid: string;
  /** Index of the GPU with `gpuUuid`, null when it is not in the GPU list. */
  gpuIndex: number | null;
}

/** A process the user may want to know about before starting a run: it holds GPU memory or looks like training. */
export interface StrayProcess {
  pid: number;
  /** Start time in clock ticks since boot; with the pid it names the process (pids are reused). null: not visible. */
  startTicks: number | null;
  /** User name (or the numeric uid when /etc/passwd does not name it); null when unreadable. */
  user: string | null;
  /** argv joined by spaces ('' when unreadable). */
  cmdline: string;
  /** Resident memory; null when unreadable. */
  rssBytes: number | null;
  /** GPU memory it holds, summed over GPUs; null when it holds none that nvidia-smi reports. */
  gpuMemoryBytes: number | null;
  /** GPUs it holds memory on. */
  gpuIndices: number[];
  /** Why it was flagged, for people: "holds 5.1 GiB on GPU 0", "torchrun command line, 2.3 GiB resident". */
  reasons: string[];
}

// ---- client → server requests

/** The GPUs, the processes holding their memory and the strays. `message` says why `gpus` is empty or stale. */
export const GpuStatusRequest = { method: 'rubato/gpu/status' } as const;
export interface GpuStatusResult {
  /** 'ok': nvidia-smi answered; 'none': no NVIDIA GPU (or no nvidia-smi); 'error': nvidia-smi failed or hung. */
  state: 'ok' | 'none' | 'error';
  /** Human text for 'none' and 'error' (nvidia-smi's own words when it failed); null when ok. */
  message: string | null;
  gpus: GpuInfo[];
  processes: GpuProcessInfo[];
  strays: StrayProcess[];
  /** Lines of nvidia-smi output that could not be read, and similar notes. */
  warnings: string[];
}

/** Stop a stray by pid. Refused unless `confirm` is true and pid + startTicks still name the same process. */
export const StopProcessRequest = { method: 'rubato/gpu/stopProcess' } as const;
export interface StopProcessParams {
  pid: number;
  startTicks: number;
  confirm: true;
}
export type StopOutcome = 'refused' | 'terminated' | 'killed' | 'gone' | 'survived';
export interface StopProcessResult {
  pid: number;
  /** refused: nothing was sent; terminated: exited after SIGTERM; killed: needed SIGKILL; gone: exited before any
   * signal reached it; survived: still alive after SIGKILL (uninterruptible sleep in the driver, usually). */
  outcome: StopOutcome;
  /** Signals actually sent, in order. */
  signalsSent: string[];
  message: string;
}

/** What a run start reports about memory before it starts (part of the start result, not its own request). */
export type PreflightMode = 'warn' | 'refuse' | 'off';
export const PREFLIGHT_MODES: readonly PreflightMode[] = ['warn', 'refuse', 'off'];
export interface PreflightResult {
  /** False only in 'refuse' mode when the estimate exceeds the selected GPU's free memory. */
  ok: boolean;
  mode: PreflightMode;
  estimateBytes: number;
  /** Free memory of the selected GPU; null when no GPU was read. */
  freeBytes: number | null;
  gpu: GpuInfo | null;
  warnings: string[];
  /** Why the start is refused (set exactly when ok is false). */
  refusal?: string;
  strays: StrayProcess[];
}

// ---- validators (every inbound message)

export function checkGpuStatusParams(x: unknown): string | null {
  if (x === undefined || x === null) return null;
  if (!isRecord(x)) return 'params must be an object or absent';
  return Object.keys(x).length === 0 ? null : `unexpected params ${Object.keys(x).map((k) => JSON.stringify(k)).join(', ')}`;
}

const PID_MAX = 4_194_304; // Linux's pid_max ceiling

export function checkStopProcessParams(x: unknown): string | null {
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  if (!(typeof p.pid === 'number' && Number.isInteger(p.pid) && p.pid > 1 && p.pid <= PID_MAX)) return `pid must be an integer in 2..${PID_MAX}, got ${JSON.stringify(p.pid)}`;
  if (!isNonNegativeInt(p.startTicks)) return `startTicks must be a non-negative integer (from rubato/gpu/status), got ${JSON.stringify(p.startTicks)}`;
  if (p.confirm !== true) return 'confirm must be true: a process is stopped only after the user confirmed it';
  return null;
}
