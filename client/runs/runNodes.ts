// Runs view projection: one node per run with its state icon, progress, loss, ETA and device. Pure.

import type { RunInfo, RunState } from '../../server/protocol';
import { formatEta, formatNumber } from '../format';
import type { TreeNode } from '../tree/node';

const ICONS: Record<RunState, { id: string; color?: string }> = {
  queued: { id: 'clock' },
  starting: { id: 'loading~spin' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  stopping: { id: 'loading~spin', color: 'charts.yellow' },
  finished: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stopped: { id: 'debug-stop', color: 'disabledForeground' },
};

export const runNodeId = (runId: string): string => `run:${runId}`;

/** `120/1000 · loss 0.2345 · ETA 4m 10s · cuda:0` — only the parts that are known. */
export function runDescription(run: RunInfo): string {
  const parts: string[] = [];
  if (run.step !== null) parts.push(run.totalSteps !== null ? `${run.step}/${run.totalSteps}` : `step ${run.step}`);
  if (run.lastLoss !== null) parts.push(`loss ${formatNumber(run.lastLoss)}`);
  if (run.state === 'running' && run.etaSec !== null) parts.push(`ETA ${formatEta(run.etaSec)}`);
  if (run.state === 'queued') parts.push('queued');
  if (run.device && run.device !== 'unknown') parts.push(run.device);
  return parts.join(' · ');
}

function runTooltip(run: RunInfo): string {
  const lines = [`**${run.name}** — ${run.state}`, '', `Spec: \`${run.specPath}\``, `Folder: \`${run.runDir}\``];
  if (run.bestExpressionScore !== null) lines.push(`Best expression score: ${formatNumber(run.bestExpressionScore)}`);
  if (run.exitCode !== null || run.signal !== null) lines.push(`Exit: ${run.exitCode ?? run.signal}`);
  if (run.message) lines.push('', run.message);
  return lines.join('\n\n');
}

export function runNode(run: RunInfo): TreeNode {
  return {
    id: runNodeId(run.id),
    parentId: null,
    label: run.name,
    description: runDescription(run),
    tooltip: runTooltip(run),
    icon: ICONS[run.state],
    // Menus match `viewItem =~ /^rubato\.run\.(running|…)$/`: the state decides stop vs resume.
    contextValue: `rubato.run.${run.state}`,
    collapsible: 'none',
    resourcePath: run.runDir,
    command: { id: 'rubato.openLossCurves', title: 'Open Loss Curves', args: [run.id] },
  };
}

export function projectRuns(runs: readonly RunInfo[]): TreeNode[] {
  return runs.map(runNode);
}
