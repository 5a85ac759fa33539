// Disk usage of the dataset roots (usage.ts does the work): runs in the datasets worker thread so the walk's
// synchronous file-system calls never block the caller's event loop.

import type { DatasetsProgress, ScanResult } from './types';
import type { FsApi } from './fsApi';
import { runJob } from './workerClient';

export { folderTotals } from './usage';

export interface ScanOptions {
  /** An injected file system (tests): the scan then runs in the calling thread. */
  fs?: FsApi;
  signal?: AbortSignal;
  /** Walk folders that links outside the roots point to (default true). */
  followLinkedRoots?: boolean;
  /** Folders listed in `folders` go this deep below each root (default 2). */
  folderDepth?: number;
  /** Length of the largest-files and largest-folders lists (default 20). */
  top?: number;
  onProgress?: (p: DatasetsProgress) => void;
}

export async function scanDatasets(roots: readonly string[], opts: ScanOptions = {}): Promise<ScanResult> {
  const t0 = process.hrtime.bigint();
  const r = await runJob({ kind: 'scan', roots: [...roots], folderDepth: opts.folderDepth, top: opts.top, followLinkedRoots: opts.followLinkedRoots }, opts);
  // The whole call, worker start and transfer included.
  return { ...r, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
