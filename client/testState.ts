// `rubato._test.state` for the real-VS-Code suite (registered only when RUBATO_E2E=1): a JSON snapshot
// of what the views show, so tests assert on the models instead of scraping the DOM.

import * as vscode from 'vscode';
import { TEST_STATE_COMMAND } from './commands';
import type { RubatoContext } from './context';
import type { Features } from './registerCommands';
import { snapshotTrees, type Trees } from './views';

export function registerTestState(ctx: RubatoContext, trees: Trees, f: Features): vscode.Disposable[] {
  if (process.env.RUBATO_E2E !== '1') return [];
  return [
    vscode.commands.registerCommand(TEST_STATE_COMMAND, () =>
      JSON.stringify({
        serverRunning: ctx.client.isRunning(),
        health: ctx.health.status,
        trusted: ctx.health.trusted,
        views: snapshotTrees(trees),
        runs: ctx.runs.list(),
        activeRun: ctx.runs.activeRun()?.id ?? null,
        datasetRoots: ctx.datasets.roots,
        pianoRolls: f.pianoRoll.snapshot(),
        evalViewerOpen: f.evalViewer.isOpen(),
      }),
    ),
  ];
}
