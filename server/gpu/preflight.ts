// The memory preflight before a run starts: the spec's estimated training memory against what the selected GPU has
// free right now (not its size: yesterday's job may still hold most of it), plus a warning per stray on that GPU.
// 'warn' reports, 'refuse' blocks the start when the estimate does not fit, 'off' checks nothing.
// Without a readable GPU there is nothing to refuse on: the estimate is compared with `rubato.gpuMemoryGiB` as a note.

import type { GpuInfo, PreflightMode, PreflightResult, StrayProcess } from '../protocol/gpu';
import { formatMemory } from './format';
import { queryGpus, type GpuQuery } from './nvidiaSmi';
import { findStrays, strayLabel } from './strays';

/**
 * What the estimate leaves out and a CUDA process always takes: the context and kernels loaded on first use
 * (about 0.3-0.6 GiB with PyTorch's lazy module loading). Added to the estimate before comparing with free memory.
 */
export const CUDA_CONTEXT_BYTES = 512 * 1024 ** 2;
const GIB = 1024 ** 3;

export interface PreflightRequest {
  estimateBytes: number;
  /** GPU the run will use (default 0, what `cuda` means to PyTorch). */
  gpuIndex?: number;
  mode: PreflightMode;
  /** `rubato.gpuMemoryGiB`: compared with when no GPU can be read. */
  gpuMemoryGiB?: number;
  /** The supervisor's live run leaders (never strays). */
  ownedPids?: ReadonlySet<number>;
  /** Answers already at hand (tests, or a status just made). */
  gpu?: GpuQuery;
  strays?: StrayProcess[];
}

export async function preflight(req: PreflightRequest): Promise<PreflightResult> {
  const base = { mode: req.mode, estimateBytes: req.estimateBytes };
  if (req.mode === 'off') return { ...base, ok: true, freeBytes: null, gpu: null, warnings: [], strays: [] };
  const gpuQuery = req.gpu ?? (await queryGpus());
  const strays = req.strays ?? (await findStrays(req.ownedPids ?? new Set(), { gpu: gpuQuery }));
  const warnings: string[] = [];
  const need = req.estimateBytes + CUDA_CONTEXT_BYTES;
  const needText = `estimated training memory ${formatMemory(req.estimateBytes)} (+ ~${formatMemory(CUDA_CONTEXT_BYTES)} CUDA context)`;

  if (gpuQuery.state !== 'ok') {
    const configured = req.gpuMemoryGiB;
    let note = `${gpuQuery.message ?? 'GPU unknown'}: free memory cannot be checked`;
    if (configured !== undefined) {
      note += need > configured * GIB ? `; ${needText} exceeds rubato.gpuMemoryGiB = ${configured} GiB` : `; ${needText} fits rubato.gpuMemoryGiB = ${configured} GiB`;
    }
    warnings.push(note);
    for (const s of strays) warnings.push(strayWarning(s));
    return { ...base, ok: true, freeBytes: null, gpu: null, warnings, strays };
  }

  const index = req.gpuIndex ?? 0;
  const gpu: GpuInfo | undefined = gpuQuery.gpus.find((g) => g.index === index);
  const relevant = strays.filter((s) => gpu === undefined || s.gpuIndices.length === 0 || s.gpuIndices.includes(gpu.index));
  for (const s of relevant) warnings.push(strayWarning(s));
  if (!gpu) {
    const msg = `GPU ${index} not found (nvidia-smi lists ${gpuQuery.gpus.map((g) => g.index).join(', ')})`;
    return req.mode === 'refuse' ? { ...base, ok: false, freeBytes: null, gpu: null, warnings, refusal: msg, strays: relevant } : { ...base, ok: true, freeBytes: null, gpu: null, warnings: [msg, ...warnings], strays: relevant };
  }
  const free = gpu.memoryFreeBytes;
  if (free === null) {
    warnings.unshift(`GPU ${gpu.index} (${gpu.name}) does not report its free memory: the estimate could not be checked`);
    return { ...base, ok: true, freeBytes: null, gpu, warnings, strays: relevant };
  }
  if (need <= free) return { ...base, ok: true, freeBytes: free, gpu, warnings, strays: relevant };
  const heldBy = gpu.memoryUsedBytes !== null && gpu.memoryUsedBytes > 0 ? `; ${formatMemory(gpu.memoryUsedBytes)} is in use` : '';
  const msg = `${needText} exceeds the ${formatMemory(free)} free on GPU ${gpu.index} (${gpu.name})${heldBy}: lower [batch].micro_batch, turn on grad_checkpointing, or stop what holds the GPU`;
  if (req.mode === 'refuse') return { ...base, ok: false, freeBytes: free, gpu, warnings, refusal: msg, strays: relevant };
  return { ...base, ok: true, freeBytes: free, gpu, warnings: [msg, ...warnings], strays: relevant };
}

/** "pid 1234 (python train.py, user bob) holds 5.1 GiB on GPU 0". */
export function strayWarning(s: StrayProcess): string {
  if (s.gpuMemoryBytes !== null) {
    const on = s.gpuIndices.length ? ` on GPU ${s.gpuIndices.join(', ')}` : '';
    return `${strayLabel(s)} holds ${formatMemory(s.gpuMemoryBytes)}${on}`;
  }
  if (s.gpuIndices.length) return `${strayLabel(s)} holds memory on GPU ${s.gpuIndices.join(', ')}`;
  return `${strayLabel(s)} looks like a training job not started by Rubato${s.rssBytes !== null ? ` (${formatMemory(s.rssBytes)} resident)` : ''}`;
}
