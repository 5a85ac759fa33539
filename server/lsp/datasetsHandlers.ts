// `rubato/datasets/*`: scans, duplicates, git bloat, gc, canonicalize and undo, each cancellable and shown
// as a work-done progress; `watch` keeps one watcher over the roots and sends `rubato/datasets/changed`.

import type { CancellationToken, Connection } from 'vscode-languageserver';
import { datasetsCanonicalize, datasetsDupes, datasetsGc, datasetsGit, datasetsScan, datasetsUndo, watchDatasets, type DatasetsWatcher } from '../datasets';
import type { DatasetsProgress } from '../datasets/types';
import {
  checkDatasetsCanonicalizeParams,
  checkDatasetsDupesParams,
  checkDatasetsGcParams,
  checkDatasetsGitParams,
  checkDatasetsScanParams,
  checkDatasetsUndoParams,
  checkDatasetsWatchParams,
  DatasetsCanonicalizeRequest,
  DatasetsChangedNotification,
  DatasetsDupesRequest,
  DatasetsGcRequest,
  DatasetsGitRequest,
  DatasetsScanRequest,
  DatasetsUndoRequest,
  DatasetsWatchRequest,
  type DatasetsWatchParams,
} from '../protocol';
import { onValidatedRequest } from './request';
import type { StatusReporter } from './status';

const PHASE: Record<DatasetsProgress['phase'], string> = {
  scan: 'walking',
  size: 'grouping by size',
  'partial-hash': 'hashing first and last blocks',
  'full-hash': 'hashing',
  folders: 'comparing folders',
  git: 'inspecting repositories',
  verify: 'verifying hashes',
  replace: 'replacing copies with links',
};

/** Runs one datasets job with an AbortSignal tied to the request and to a cancellable work-done progress. */
async function job<R>(connection: Connection, status: StatusReporter, title: string, token: CancellationToken, run: (signal: AbortSignal, onProgress: (p: DatasetsProgress) => void) => Promise<R>, workDoneToken?: unknown): Promise<R> {
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  // The client's own progress (it passes a workDoneToken and shows a cancellable notification), else one of ours.
  const attached = typeof workDoneToken === 'string' || typeof workDoneToken === 'number' ? connection.window.attachWorkDoneProgress(workDoneToken) : undefined;
  const progress = attached ?? (await connection.window.createWorkDoneProgress().catch(() => undefined));
  progress?.begin(`Rubato: ${title}`, undefined, undefined, true);
  const sub2 = attached ? undefined : (progress as { token?: CancellationToken } | undefined)?.token?.onCancellationRequested(() => abort.abort());
  let last = 0;
  status.report(`datasets:${title}`, { health: 'ok', message: '', busy: true });
  try {
    return await run(abort.signal, (p) => {
      const now = Date.now();
      if (now - last < 200) return; // a progress message per file would flood the client
      last = now;
      const pct = p.total ? Math.min(100, Math.round((100 * p.done) / p.total)) : undefined;
      progress?.report(pct ?? 0, `${PHASE[p.phase]} ${p.done.toLocaleString('en')}${p.total ? ` / ${p.total.toLocaleString('en')}` : ''}`);
    });
  } finally {
    sub.dispose();
    sub2?.dispose();
    progress?.done();
    status.clear(`datasets:${title}`);
  }
}

/** The work-done token a client may add to any request's params (LSP's WorkDoneProgressParams). */
const wdt = (p: object): unknown => (p as { workDoneToken?: unknown }).workDoneToken;

export function registerDatasetsHandlers(connection: Connection, status: StatusReporter): { dispose(): void } {
  onValidatedRequest(connection, DatasetsScanRequest.method, checkDatasetsScanParams, (p: Parameters<typeof datasetsScan>[0], token) => job(connection, status, 'scanning datasets', token, (s, on) => datasetsScan(p, s, on), wdt(p)));
  onValidatedRequest(connection, DatasetsDupesRequest.method, checkDatasetsDupesParams, (p: Parameters<typeof datasetsDupes>[0], token) => job(connection, status, 'finding duplicates', token, (s, on) => datasetsDupes(p, s, on), wdt(p)));
  onValidatedRequest(connection, DatasetsGitRequest.method, checkDatasetsGitParams, (p: Parameters<typeof datasetsGit>[0], token) => job(connection, status, 'checking git repositories', token, (s, on) => datasetsGit(p, s, on), wdt(p)));
  onValidatedRequest(connection, DatasetsGcRequest.method, checkDatasetsGcParams, (p: Parameters<typeof datasetsGc>[0], token) => job(connection, status, 'git gc --prune=now', token, (s) => datasetsGc(p, s)));
  onValidatedRequest(connection, DatasetsCanonicalizeRequest.method, checkDatasetsCanonicalizeParams, (p: Parameters<typeof datasetsCanonicalize>[0], token) =>
    job(connection, status, p.dryRun ? 'planning links for duplicate folders' : 'replacing duplicate folders with links', token, (s, on) => datasetsCanonicalize(p, s, on)),
  );
  onValidatedRequest(connection, DatasetsUndoRequest.method, checkDatasetsUndoParams, (p: Parameters<typeof datasetsUndo>[0], token) => job(connection, status, 'restoring copies', token, (s, on) => datasetsUndo(p, s, on)));

  // One watcher for the roots the view shows; a new watch request replaces it.
  let watcher: DatasetsWatcher | undefined;
  onValidatedRequest<DatasetsWatchParams, { watching: number }>(connection, DatasetsWatchRequest.method, checkDatasetsWatchParams, async (p) => {
    watcher?.close();
    watcher = undefined;
    if (p.roots.length === 0) return { watching: 0 };
    watcher = await watchDatasets(p.roots, (dirs) => void connection.sendNotification(DatasetsChangedNotification.method, { dirs }).catch(() => undefined));
    return { watching: watcher.size };
  });
  return { dispose: () => watcher?.close() };
}
