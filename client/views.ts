// Registers the three tree views of the Rubato activity-bar container; each is a projection of a
// client model. Returns a snapshot function for the e2e state command.

import * as vscode from 'vscode';
import { projectCheckpoints } from './checkpoints/checkpointNodes';
import type { RubatoContext } from './context';
import { projectDatasets } from './datasets/datasetNodes';
import { projectRuns } from './runs/runNodes';
import type { TreeNode } from './tree/node';
import { ProjectedTree } from './tree/projectedTree';
import { Signal } from './tree/signal';

export const VIEW_IDS = { runs: 'rubato.runs', checkpoints: 'rubato.checkpoints', datasets: 'rubato.datasets' } as const;

export interface Trees {
  runs: ProjectedTree;
  checkpoints: ProjectedTree;
  datasets: ProjectedTree;
  runsView: vscode.TreeView<string>;
}

export function registerTrees(ctx: RubatoContext): { trees: Trees; disposables: vscode.Disposable[] } {
  const runs = new ProjectedTree(() => projectRuns(ctx.runs.list()), ctx.runs.changed);
  // Checkpoint groups are labelled with run names, so either model changing reprojects.
  const either = new Signal<void>();
  const relays = [ctx.checkpoints.changed.on(() => either.fire()), ctx.runs.changed.on(() => either.fire())];
  const checkpoints = new ProjectedTree(
    () => projectCheckpoints(ctx.checkpoints.runIds(), (id) => ctx.checkpoints.forRun(id), (id) => ctx.runs.get(id)),
    either,
  );
  const datasets = new ProjectedTree(() => projectDatasets(ctx.datasets.roots, ctx.datasets.reports), ctx.datasets.changed);
  const runsView = vscode.window.createTreeView(VIEW_IDS.runs, { treeDataProvider: runs, showCollapseAll: false });
  const disposables: vscode.Disposable[] = [
    runs,
    checkpoints,
    datasets,
    runsView,
    vscode.window.createTreeView(VIEW_IDS.checkpoints, { treeDataProvider: checkpoints, showCollapseAll: true }),
    vscode.window.createTreeView(VIEW_IDS.datasets, { treeDataProvider: datasets, showCollapseAll: true }),
    ...relays,
  ];
  return { trees: { runs, checkpoints, datasets, runsView }, disposables };
}

/** Plain JSON of what each view shows (ids, labels, descriptions, icons, context values). */
export function snapshotTrees(trees: Trees): Record<string, TreeNode[]> {
  return { [VIEW_IDS.runs]: trees.runs.nodes(), [VIEW_IDS.checkpoints]: trees.checkpoints.nodes(), [VIEW_IDS.datasets]: trees.datasets.nodes() };
}
