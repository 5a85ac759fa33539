// Activation, kept thin: build one context object, register every feature (keeping each disposable),
// start the server, and show our own error if it cannot start. No domain logic: the server owns it.

import * as vscode from 'vscode';
import { CheckpointsModel } from './checkpoints/checkpointsModel';
import type { RubatoContext } from './context';
import { listenForDatasetChanges } from './datasets/datasetCommands';
import { DatasetsModel } from './datasets/datasetsModel';
import { trackRoots } from './datasets/roots';
import { EvalViewerPanels } from './evalViewer/evalViewerPanel';
import { LossCurvesViewProvider } from './lossCurves/lossCurvesView';
import { MetricsFeed } from './lossCurves/metricsFeed';
import { PianoRollProvider } from './pianoRoll/provider';
import { registerCommands } from './registerCommands';
import { RunsModel } from './runs/runsModel';
import { createLanguageClient } from './server/languageClient';
import { startSync } from './server/sync';
import { HealthModel } from './status/healthModel';
import { registerStatusBar } from './status/statusBar';
import { registerTestState } from './testState';
import { registerTrees } from './views';

let ctx: RubatoContext | undefined;

export async function activate(ext: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Rubato', { log: true });
  ext.subscriptions.push(log);
  const client = createLanguageClient(ext);
  ctx = {
    ext,
    client,
    log,
    runs: new RunsModel(),
    checkpoints: new CheckpointsModel(),
    datasets: new DatasetsModel(),
    health: new HealthModel(vscode.workspace.isTrusted),
    metrics: new MetricsFeed(),
  };
  // Views, commands and editors first: they work (empty, or with a clear error) even if the server fails.
  const { trees, disposables: treeDisposables } = registerTrees(ctx);
  const pianoRoll = PianoRollProvider.register(ctx);
  const lossCurves = LossCurvesViewProvider.register(ctx);
  const evalViewer = new EvalViewerPanels(ctx);
  const features = { pianoRoll: pianoRoll.provider, lossCurves: lossCurves.provider, evalViewer };
  ext.subscriptions.push(
    ...treeDisposables,
    pianoRoll.disposable,
    lossCurves.disposable,
    evalViewer,
    ...trackRoots(ctx.datasets),
    ...registerCommands(ctx, features),
    ...registerStatusBar(ctx.runs, ctx.health),
    ...registerTestState(ctx, trees, features),
  );
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.health.update({ serverError: message });
    log.error(`the server failed to start: ${message}`);
    void vscode.window.showErrorMessage(`Rubato: the background server failed to start: ${message}`, 'Show Server Log').then((pick) => {
      if (pick) client.outputChannel.show();
    });
    return;
  }
  ctx.health.update({ started: true });
  ext.subscriptions.push(client, ...startSync(ctx), listenForDatasetChanges(ctx));
}

export async function deactivate(): Promise<void> {
  if (ctx?.client.isRunning()) await ctx.client.stop();
}
