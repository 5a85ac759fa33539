// The one object activation builds and every feature receives: the editor's extension context, the
// server connection, the client-side models the views project, and the log.

import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CheckpointsModel } from './checkpoints/checkpointsModel';
import type { DatasetsModel } from './datasets/datasetsModel';
import type { RunsModel } from './runs/runsModel';
import type { HealthModel } from './status/healthModel';
import type { MetricsFeed } from './lossCurves/metricsFeed';

export interface RubatoContext {
  ext: vscode.ExtensionContext;
  client: LanguageClient;
  /** The client's own log ("Rubato"); the server's is client.outputChannel ("Rubato Server"). */
  log: vscode.LogOutputChannel;
  runs: RunsModel;
  checkpoints: CheckpointsModel;
  datasets: DatasetsModel;
  health: HealthModel;
  /** Live metric rows from the server, fanned out to the loss-curve view. */
  metrics: MetricsFeed;
}
