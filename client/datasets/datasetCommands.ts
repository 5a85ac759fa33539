// "Scan Datasets": disk usage, duplicates and git bloat of the roots, one cancellable progress
// notification; then watch the roots so the view says when a report is stale.

import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import {
  DatasetsChangedNotification,
  DatasetsDupesRequest,
  DatasetsGitRequest,
  DatasetsScanRequest,
  DatasetsWatchRequest,
  type DatasetsChangedParams,
  type DupesResult,
  type GitScanResult,
  type ScanResult,
} from '../../server/protocol';
import type { RubatoContext } from '../context';
import { call, isMethodNotFound } from '../server/call';
import { newNonce } from '../webview/html';
import { showError } from '../ui';
import { datasetsProgressText } from './progressText';
import { revealPath } from '../runs/runCommands';

export async function scanDatasets(ctx: RubatoContext): Promise<void> {
  const roots = ctx.datasets.roots;
  if (roots.length === 0) return showError('no dataset roots: open a folder or set "rubato.datasetRoots".');
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Rubato: scanning datasets', cancellable: true },
    async (progress, token) => {
      // Each request carries a work-done token; the server reports its phase through it.
      const ask = async <R>(method: string, label: string, params: object): Promise<R> => {
        const workDoneToken = `rubato-datasets-${newNonce()}`;
        progress.report({ message: label });
        const sub = ctx.client.onProgress(WorkDoneProgress.type, workDoneToken, (v) => {
          if (v.kind === 'report' && v.message) progress.report({ message: `${label}: ${datasetsProgressText(v.message)}` });
        });
        try {
          return await call<R>(ctx.client, method, { ...params, workDoneToken }, token);
        } finally {
          sub.dispose();
        }
      };
      try {
        const scan = await ask<ScanResult>(DatasetsScanRequest.method, 'disk usage', { roots });
        ctx.datasets.setReports({ scan, changedDirs: [] });
        const dupes = await ask<DupesResult>(DatasetsDupesRequest.method, 'duplicates', { roots });
        ctx.datasets.setReports({ dupes });
        const git = await ask<GitScanResult>(DatasetsGitRequest.method, 'git repositories', { roots });
        ctx.datasets.setReports({ git });
        await call<unknown>(ctx.client, DatasetsWatchRequest.method, { roots }).catch((err: unknown) => ctx.log.warn(`watching dataset roots failed: ${String(err)}`));
      } catch (err) {
        if (token.isCancellationRequested) return;
        if (isMethodNotFound(err)) return showError('this server build cannot scan datasets yet.');
        showError(err);
      }
    },
  );
}

export function listenForDatasetChanges(ctx: RubatoContext): vscode.Disposable {
  return ctx.client.onNotification(DatasetsChangedNotification.method, (p: DatasetsChangedParams) => {
    if (p && Array.isArray(p.dirs)) ctx.datasets.markChanged(p.dirs.filter((d): d is string => typeof d === 'string'));
  });
}

/** Datasets-view path nodes carry their path as resourceUri; the node id ends with it. */
export async function revealDatasetPath(ctx: RubatoContext, arg?: unknown): Promise<void> {
  if (typeof arg !== 'string') return;
  const p = arg.startsWith('root:') ? arg.slice(5) : arg.slice(arg.lastIndexOf('|') + 1);
  if (p) await revealPath(p);
  else ctx.log.warn(`reveal: no path in ${arg}`);
}
