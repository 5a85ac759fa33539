// One answer for `rubato/gpu/status` and `rubato gpu`: the GPUs, the processes holding their memory, and the strays.

import type { GpuStatusResult } from '../protocol/gpu';
import { queryGpus, type SmiOptions } from './nvidiaSmi';
import { findStrays, type FindStraysOptions } from './strays';

export async function gpuStatus(ownedPids: ReadonlySet<number>, opts: SmiOptions & Omit<FindStraysOptions, 'gpu'> = {}): Promise<GpuStatusResult> {
  const gpu = await queryGpus(opts);
  const strays = await findStrays(ownedPids, { gpu, ...(opts.minRssBytes !== undefined ? { minRssBytes: opts.minRssBytes } : {}) });
  return { ...gpu, strays };
}
