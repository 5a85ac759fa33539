// Strays: processes the supervisor does not own that compete with a run for the GPU — anything holding GPU memory,
// and Python training jobs (torchrun, accelerate, deepspeed, `python train.py`, …) holding a lot of memory. They are
// the "someone's job from yesterday still holds 20 GiB" that made runs die hours in.

import path from 'node:path';
import { readFileSync } from 'node:fs';
import { descendants, listProcesses, readCmdline, type ProcStat } from '../proc/procTable';
import type { GpuProcessInfo, StrayProcess } from '../protocol/gpu';
import { formatMemory } from './format';
import { queryGpus, type GpuQuery } from './nvidiaSmi';
import { readProcOwner, userName, type ProcOwner } from './procOwner';

/** A training process below this resident size and without GPU memory is not worth a warning (launchers, idle shells). */
export const DEFAULT_MIN_RSS_BYTES = 256 * 1024 ** 2;

/**
 * Environment variable the supervisor sets on every process it starts: a process carrying it is Rubato's own run
 * (seen from a CLI that does not know the server's pid list), never a stray.
 */
export const SUPERVISED_RUN_ENV = 'RUBATO_RUN_ID';

const PYTHON = /^python(\d+(\.\d+)*)?[mdu]?$/;
/** Entry points that are Python scripts themselves (argv[0] when run directly from a frozen/venv launcher). */
const LAUNCHERS = new Set(['torchrun', 'accelerate', 'deepspeed', 'lightning', 'fabric']);
/** Script or module names that mean training: train.py, train_gpt2.py, pretrain.py, finetune_lora.py, my_train.py. */
const TRAINING_NAME = /^(train|pretrain|finetun|fine_tun)[\w.-]*$|[_-](train|training|trainer)$/i;

/** Why `argv` looks like a training job ("torchrun", "script train.py", …), or null when it does not. */
export function trainingReason(argv: readonly string[]): string | null {
  const first = argv[0];
  if (first === undefined) return null;
  const base0 = path.basename(first);
  if (!PYTHON.test(base0) && !LAUNCHERS.has(base0)) return null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1] ?? '';
    const base = path.basename(arg);
    if (base === 'torchrun' || base === 'deepspeed') return base;
    if (base === 'accelerate' && next === 'launch') return 'accelerate launch';
    if ((base === 'lightning' || base === 'fabric') && next === 'run') return `${base} run`;
    if (arg === '-m') {
      if (next === 'pytest' || next === 'unittest') return null; // a test run that names train files is not training
      if (next === 'torch.distributed.run' || next === 'torch.distributed.launch') return `-m ${next}`;
      if (next === 'rubato_native' && argv[i + 2] === 'train') return 'rubato_native train';
      const last = next.split('.').pop() ?? '';
      if (TRAINING_NAME.test(last)) return `-m ${next}`;
    }
    if (base.endsWith('.py') && !base.startsWith('test_') && TRAINING_NAME.test(base.slice(0, -3))) return `script ${base}`;
  }
  return null;
}

/** True when the process's environment says the supervisor started it (readable only for our own user's processes). */
export function carriesRunId(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').some((kv) => kv.startsWith(`${SUPERVISED_RUN_ENV}=`));
  } catch {
    return false;
  }
}

/** The server itself and everything it started, the supervised runs and everything they started. */
export function ownProcesses(ownedPids: ReadonlySet<number>, table: ProcStat[], selfPid: number = process.pid): Set<number> {
  const own = new Set<number>([selfPid, ...ownedPids]);
  for (const root of [selfPid, ...ownedPids]) for (const d of descendants(root, table)) own.add(d.pid);
  return own;
}

export interface StrayInputs {
  table: ProcStat[];
  gpuProcesses: readonly GpuProcessInfo[];
  /** Pids that are never strays (see `ownProcesses`). */
  own: ReadonlySet<number>;
  minRssBytes: number;
  argvOf: (pid: number) => string[];
  ownerOf: (pid: number) => ProcOwner;
  isSupervised: (pid: number) => boolean;
}

/** The classification itself, over injected lookups (tests give it made-up tables). GPU holders first, then training jobs by size. */
export function classifyStrays(x: StrayInputs): StrayProcess[] {
  const gpuByPid = new Map<number, { bytes: number | null; indices: number[]; name: string }>();
  for (const p of x.gpuProcesses) {
    const g = gpuByPid.get(p.pid) ?? { bytes: null, indices: [], name: p.processName };
    if (p.usedMemoryBytes !== null) g.bytes = (g.bytes ?? 0) + p.usedMemoryBytes;
    if (p.gpuIndex !== null && !g.indices.includes(p.gpuIndex)) g.indices.push(p.gpuIndex);
    gpuByPid.set(p.pid, g);
  }
  const out: StrayProcess[] = [];
  for (const s of x.table) {
    if (s.state === 'Z' || x.own.has(s.pid)) continue;
    const gpu = gpuByPid.get(s.pid);
    const argv = x.argvOf(s.pid);
    const training = trainingReason(argv);
    if (!gpu && !training) continue;
    const owner = x.ownerOf(s.pid);
    const bigEnough = gpu !== undefined || (owner.rssBytes !== null && owner.rssBytes >= x.minRssBytes);
    if (!bigEnough || x.isSupervised(s.pid)) continue;
    const reasons: string[] = [];
    if (gpu) reasons.push(gpuReason(gpu));
    if (training) reasons.push(`${training} command line${owner.rssBytes !== null ? `, ${formatMemory(owner.rssBytes)} resident` : ''}`);
    out.push({
      pid: s.pid,
      startTicks: s.startTicks,
      user: userName(owner.uid),
      cmdline: argv.length ? argv.join(' ') : (gpu?.name ?? s.comm),
      rssBytes: owner.rssBytes,
      gpuMemoryBytes: gpu?.bytes ?? null,
      gpuIndices: gpu?.indices ?? [],
      reasons,
    });
  }
  // Holders of GPU memory outside our view of /proc (another pid namespace, e.g. a container): listed, not stoppable.
  const inTable = new Set(x.table.map((s) => s.pid));
  for (const [pid, gpu] of gpuByPid) {
    if (inTable.has(pid) || x.own.has(pid)) continue;
    out.push({ pid, startTicks: null, user: null, cmdline: gpu.name, rssBytes: null, gpuMemoryBytes: gpu.bytes, gpuIndices: gpu.indices, reasons: [gpuReason(gpu), 'not in this process table (another container or pid namespace)'] });
  }
  // GPU holders first (most memory first), then training jobs by resident size.
  const holds = (s: StrayProcess): number => (s.gpuMemoryBytes !== null || s.gpuIndices.length ? 1 : 0);
  return out.sort((a, b) => holds(b) - holds(a) || (b.gpuMemoryBytes ?? -1) - (a.gpuMemoryBytes ?? -1) || (b.rssBytes ?? -1) - (a.rssBytes ?? -1) || a.pid - b.pid);
}

function gpuReason(g: { bytes: number | null; indices: number[] }): string {
  const where = g.indices.length ? ` on GPU ${g.indices.join(', ')}` : '';
  return g.bytes === null ? `holds GPU memory${where} (amount not reported)` : `holds ${formatMemory(g.bytes)}${where}`;
}

export interface FindStraysOptions {
  /** An nvidia-smi answer already at hand (otherwise one is made). */
  gpu?: GpuQuery;
  minRssBytes?: number;
}

/** Strays now. `ownedPids`: the supervisor's live run leaders (their descendants are theirs too). */
export async function findStrays(ownedPids: ReadonlySet<number>, opts: FindStraysOptions = {}): Promise<StrayProcess[]> {
  const gpu = opts.gpu ?? (await queryGpus());
  const table = listProcesses();
  return classifyStrays({
    table,
    gpuProcesses: gpu.processes,
    own: ownProcesses(ownedPids, table),
    minRssBytes: opts.minRssBytes ?? DEFAULT_MIN_RSS_BYTES,
    argvOf: readCmdline,
    ownerOf: readProcOwner,
    isSupervised: carriesRunId,
  });
}

/** "pid 1234 (python train.py, user bob)" — how warnings name a stray. */
export function strayLabel(s: StrayProcess): string {
  const short = s.cmdline.replace(/\S*\/(?=[^\s/]+)/g, ''); // /usr/bin/python3 /home/bob/train.py → python3 train.py
  const cmd = short.length > 40 ? `${short.slice(0, 39)}…` : short;
  return `pid ${s.pid} (${[cmd, s.user !== null ? `user ${s.user}` : ''].filter(Boolean).join(', ')})`;
}
