// Keeps the client models in step with the server: the first full fetch, then notifications.
// The only place that turns server messages into model updates (views never ask the server).

import * as vscode from 'vscode';
import {
  ListCheckpointsRequest,
  ListRunsRequest,
  RunMetricsNotification,
  RunUpdatedNotification,
  StatusNotification,
  TrustChangedNotification,
  type ListCheckpointsResult,
  type ListRunsResult,
  type RunInfo,
  type RunMetricsAppendedParams,
  type RunUpdatedParams,
  type StatusParams,
  type TrustChangedParams,
} from '../../server/protocol';
import type { RubatoContext } from '../context';
import { call, isMethodNotFound } from './call';

export function startSync(ctx: RubatoContext): vscode.Disposable[] {
  const { client, runs, health, metrics, log } = ctx;
  const lastSeen = new Map<string, string>();
  const disposables: vscode.Disposable[] = [
    client.onNotification(RunUpdatedNotification.method, (p: RunUpdatedParams) => {
      if (!p || typeof p !== 'object' || !p.run || typeof p.run.id !== 'string') return log.warn(`ignored a malformed ${RunUpdatedNotification.method}`);
      runs.upsert(p.run);
      // Checkpoints change only when a run saves one: refetch when its step, state or best changes.
      const key = checkpointKey(p.run);
      if (lastSeen.get(p.run.id) !== key) {
        lastSeen.set(p.run.id, key);
        void refreshCheckpoints(ctx, p.run.id);
      }
    }),
    client.onNotification(RunMetricsNotification.method, (p: RunMetricsAppendedParams) => metrics.appended.fire(p)),
    client.onNotification(StatusNotification.method, (p: StatusParams) => health.update({ status: p })),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      health.update({ trusted: true });
      const params: TrustChangedParams = { trusted: true };
      void client.sendNotification(TrustChangedNotification.method, params);
    }),
  ];
  void refreshAll(ctx);
  return disposables;
}

const checkpointKey = (r: RunInfo): string => `${r.state}|${r.bestCheckpoint ?? ''}|${r.step === null ? '' : Math.floor(r.step / 50)}`;

/** The first fetch and the Refresh button: every run and every checkpoint. */
export async function refreshAll(ctx: RubatoContext): Promise<void> {
  try {
    ctx.runs.setAll((await call<ListRunsResult>(ctx.client, ListRunsRequest.method, {})).runs);
    ctx.checkpoints.setAll((await call<ListCheckpointsResult>(ctx.client, ListCheckpointsRequest.method, {})).checkpoints);
  } catch (err) {
    if (isMethodNotFound(err)) ctx.log.info('the server does not list runs yet; the Runs view stays empty');
    else ctx.log.error(`refreshing runs failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function refreshCheckpoints(ctx: RubatoContext, runId: string): Promise<void> {
  try {
    const result = await call<ListCheckpointsResult>(ctx.client, ListCheckpointsRequest.method, { id: runId });
    ctx.checkpoints.setForRun(runId, result.checkpoints);
  } catch (err) {
    if (!isMethodNotFound(err)) ctx.log.error(`listing checkpoints of ${runId} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
