// The status-bar text for the active run: `$(sync~spin) name 120/1000 · 0.2345 · 4m 10s`. Pure.

import type { RunInfo } from '../../server/protocol';
import { formatEta, formatNumber } from '../format';

export function runStatusText(run: RunInfo): string {
  const parts = [run.name];
  if (run.step !== null) parts.push(run.totalSteps !== null ? `${run.step}/${run.totalSteps}` : `step ${run.step}`);
  const tail: string[] = [];
  if (run.lastLoss !== null) tail.push(formatNumber(run.lastLoss));
  if (run.etaSec !== null) tail.push(formatEta(run.etaSec));
  const icon = run.state === 'stopping' ? '$(loading~spin)' : '$(sync~spin)';
  return `${icon} ${parts.join(' ')}${tail.length ? ` · ${tail.join(' · ')}` : ''}`;
}
