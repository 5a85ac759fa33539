// Checkpoints view projection: a group per run, a node per checkpoint with its expression score,
// velocity r, rubato r and val loss; the run's best carries a star. Pure.

import type { CheckpointInfo, RunInfo } from '../../server/protocol';
import { formatNumber } from '../format';
import type { TreeNode } from '../tree/node';

/** The window the expression score uses by default (server/eval: w = 8); the first window otherwise. */
export function headlineR(byWindow: Record<string, number | null>): number | null {
  if ('8' in byWindow) return byWindow['8'] ?? null;
  const first = Object.keys(byWindow).sort((a, b) => Number(a) - Number(b))[0];
  return first === undefined ? null : (byWindow[first] ?? null);
}

export function checkpointDescription(c: CheckpointInfo): string {
  return [
    `score ${formatNumber(c.expressionScore)}`,
    `vel r ${formatNumber(headlineR(c.velocityR))}`,
    `rubato r ${formatNumber(headlineR(c.rubatoR))}`,
    `val ${formatNumber(c.valLoss)}`,
  ].join(' · ');
}

function windowsLine(name: string, byWindow: Record<string, number | null>): string {
  const keys = Object.keys(byWindow).sort((a, b) => Number(a) - Number(b));
  return keys.length ? `${name}: ${keys.map((k) => `w${k} ${formatNumber(byWindow[k])}`).join(', ')}` : `${name}: –`;
}

export const checkpointNodeId = (c: CheckpointInfo): string => `ckpt:${c.runId}:${c.step}:${c.path}`;
export const checkpointGroupId = (runId: string): string => `ckgroup:${runId}`;

export function projectCheckpoints(runIds: readonly string[], checkpointsOf: (runId: string) => readonly CheckpointInfo[], runOf: (runId: string) => RunInfo | undefined): TreeNode[] {
  const nodes: TreeNode[] = [];
  for (const runId of runIds) {
    const list = [...checkpointsOf(runId)].sort((a, b) => b.step - a.step);
    if (list.length === 0) continue;
    const best = list.find((c) => c.best);
    const groupId = checkpointGroupId(runId);
    nodes.push({
      id: groupId,
      parentId: null,
      label: runOf(runId)?.name ?? runId,
      description: `${list.length} checkpoint${list.length === 1 ? '' : 's'}${best ? ` · best ${formatNumber(best.expressionScore)}` : ''}`,
      icon: { id: 'folder-library' },
      contextValue: 'rubato.checkpointGroup',
      collapsible: 'expanded',
    });
    for (const c of list) {
      nodes.push({
        id: checkpointNodeId(c),
        parentId: groupId,
        label: `step ${c.step}`,
        description: checkpointDescription(c),
        tooltip: [`**${c.best ? '★ best — ' : ''}step ${c.step}**`, `\`${c.path}\``, windowsLine('velocity r', c.velocityR), windowsLine('rubato r', c.rubatoR)].join('\n\n'),
        icon: c.best ? { id: 'star-full', color: 'charts.yellow' } : { id: 'package' },
        contextValue: c.best ? 'rubato.checkpoint.best' : 'rubato.checkpoint',
        collapsible: 'none',
        resourcePath: c.path,
      });
    }
  }
  return nodes;
}
