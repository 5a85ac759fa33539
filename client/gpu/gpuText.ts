// Text for the GPU status quick pick. Pure.

import type { GpuStatusResult, StrayProcess } from '../../server/protocol';
import { formatBytes } from '../format';

const bytes = (b: number | null): string => (b === null ? '?' : formatBytes(b));

export function gpuLines(s: GpuStatusResult): { label: string; description: string; detail?: string }[] {
  if (s.state !== 'ok') return [{ label: s.state === 'none' ? '$(circle-slash) No NVIDIA GPU' : '$(error) nvidia-smi failed', description: s.message ?? '' }];
  return s.gpus.map((g) => {
    const procs = s.processes.filter((p) => p.gpuIndex === g.index);
    return {
      label: `$(chip) GPU ${g.index}: ${g.name}`,
      description: `${bytes(g.memoryUsedBytes)} / ${bytes(g.memoryTotalBytes)} used · ${g.utilizationPct ?? '?'} % busy${g.temperatureC !== null ? ` · ${g.temperatureC} °C` : ''}`,
      ...(procs.length ? { detail: procs.map((p) => `pid ${p.pid} ${p.processName} ${bytes(p.usedMemoryBytes)}`).join(' · ') } : {}),
    };
  });
}

export function strayLabel(s: StrayProcess): string {
  const mem = s.gpuMemoryBytes !== null ? ` · ${formatBytes(s.gpuMemoryBytes)} GPU` : s.rssBytes !== null ? ` · ${formatBytes(s.rssBytes)} RSS` : '';
  return `pid ${s.pid}${s.user ? ` (${s.user})` : ''}${mem}`;
}
