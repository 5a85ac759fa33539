// Duplicate files and folders under the dataset roots (dupeGroups.ts does the work): runs in the datasets worker
// thread so the walk's and the hasher's synchronous reads never block the caller's event loop.

import type { DatasetsProgress, DupesResult } from './types';
import type { FsApi } from './fsApi';
import type { HashCache } from './hashCache';
import type { DupesAnalysis } from './dupeGroups';
import { runJob } from './workerClient';

export { childrenOf, folderSignatures, pickCanonical, type DupesAnalysis } from './dupeGroups';

export interface DupesOptions {
  /** An injected file system (tests): the search then runs in the calling thread. */
  fs?: FsApi;
  signal?: AbortSignal;
  /** Hashes kept between runs (default: an in-memory cache, i.e. none). The caller saves it. */
  cache?: HashCache;
  onProgress?: (p: DatasetsProgress) => void;
  /** Prefer copies under these folders as canonical (e.g. the configured corpus location). */
  preferCanonical?: readonly string[];
}

export async function findDuplicates(roots: readonly string[], opts: DupesOptions = {}): Promise<DupesResult> {
  const t0 = process.hrtime.bigint();
  const a = await runJob({ kind: 'dupes', roots: [...roots], preferCanonical: opts.preferCanonical && [...opts.preferCanonical], withWalk: false }, opts);
  // The whole call, worker start and transfer included.
  return { ...a.result, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** The result and the walk it came from (canonicalize plans on both). */
export async function analyzeDuplicates(roots: readonly string[], opts: DupesOptions = {}): Promise<DupesAnalysis> {
  const a = await runJob({ kind: 'dupes', roots: [...roots], preferCanonical: opts.preferCanonical && [...opts.preferCanonical], withWalk: true }, opts);
  if (!a.walk) throw new Error('internal: the duplicates job sent no walk');
  return { result: a.result, walk: a.walk, folderGroupDirs: a.folderGroupDirs };
}
