// What the language server's request handlers call: one async function per `rubato/datasets/*` request, taking the
// validated params (server/protocol/datasets.ts), the request's AbortSignal and an optional progress callback.
// The CLI calls the same modules directly. The persisted hash cache lives in the user's cache folder.

import type {
  DatasetsCanonicalizeParams,
  DatasetsDupesParams,
  DatasetsGcParams,
  DatasetsGitParams,
  DatasetsScanParams,
  DatasetsUndoParams,
} from '../protocol/datasets';
import type { CanonicalizeResult, DatasetsProgress, DupesResult, GitGcResult, GitScanResult, ScanResult, UndoResult } from './types';
import { canonicalize, undoCanonicalize } from './canonicalize';
import { findDuplicates } from './dupes';
import { gitGc, scanGit } from './git';
import { defaultHashCacheFile, HashCache } from './hashCache';
import { scanDatasets } from './scan';

export { watchDatasets, type DatasetsWatcher } from './watch';

type Progress = ((p: DatasetsProgress) => void) | undefined;

export function datasetsScan(p: DatasetsScanParams, signal: AbortSignal, onProgress?: Progress): Promise<ScanResult> {
  return scanDatasets(p.roots, { signal, onProgress, folderDepth: p.folderDepth });
}

export async function datasetsDupes(p: DatasetsDupesParams, signal: AbortSignal, onProgress?: Progress, cacheFile = defaultHashCacheFile()): Promise<DupesResult> {
  const cache = HashCache.load(cacheFile);
  const r = await findDuplicates(p.roots, { signal, onProgress, cache, preferCanonical: p.preferCanonical });
  cache.save(p.roots);
  return r;
}

export function datasetsGit(p: DatasetsGitParams, signal: AbortSignal, onProgress?: Progress): Promise<GitScanResult> {
  return scanGit(p.roots, { signal, onProgress });
}

export function datasetsGc(p: DatasetsGcParams, signal: AbortSignal): Promise<GitGcResult> {
  return gitGc(p.repo, { confirm: p.confirm, signal });
}

export async function datasetsCanonicalize(p: DatasetsCanonicalizeParams, signal: AbortSignal, onProgress?: Progress, cacheFile = defaultHashCacheFile()): Promise<CanonicalizeResult> {
  const cache = HashCache.load(cacheFile);
  const r = await canonicalize(p.roots, { signal, onProgress, dryRun: p.dryRun, preferCanonical: p.preferCanonical, keepTrash: p.keepTrash, cache });
  cache.save(p.roots);
  return r;
}

export function datasetsUndo(p: DatasetsUndoParams, signal: AbortSignal, onProgress?: Progress): Promise<UndoResult> {
  return undoCanonicalize(p.manifest, { signal, onProgress });
}
