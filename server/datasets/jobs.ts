// The datasets jobs that read the disk heavily (walk, scan, duplicates, signature check), as plain data in and plain
// data out, so each runs unchanged in the worker thread (datasetsWorker.ts) or, with an injected FsApi (tests), in
// the calling thread. workerClient.ts decides which.

import type { DatasetsProgress, ScanResult } from './types';
import type { FsApi } from './fsApi';
import type { HashCache } from './hashCache';
import { analyzeDuplicatesHere, verifySignatureHere, type DupesAnalysis } from './dupeGroups';
import { hashBatchHere, type HashBatch, type HashBatchResult, type HashElsewhere } from './hasher';
import { scanHere } from './usage';
import { walk, type WalkResult } from './walk';

export type DatasetsJob =
  | { kind: 'scan'; roots: string[]; folderDepth?: number; top?: number; followLinkedRoots?: boolean }
  /** `withWalk`: send the whole walk back too (canonicalize plans on it); otherwise only the result crosses. */
  | { kind: 'dupes'; roots: string[]; preferCanonical?: string[]; withWalk: boolean }
  | { kind: 'walk'; roots: string[]; followLinkedRoots?: boolean; pruneNames?: string[] }
  | { kind: 'verify'; dir: string }
  /** Hashes for the duplicates job, from a second thread. */
  | { kind: 'hash'; batch: HashBatch };

export type DupesJobResult = Omit<DupesAnalysis, 'walk'> & { walk?: WalkResult };
export type VerifyJobResult = { signature: string; sizeBytes: number; files: number } | null;

export interface JobResults {
  scan: ScanResult;
  dupes: DupesJobResult;
  walk: WalkResult;
  verify: VerifyJobResult;
  hash: HashBatchResult;
}

export type JobOf<K extends DatasetsJob['kind']> = Extract<DatasetsJob, { kind: K }>;

export interface JobContext {
  fs: FsApi;
  signal?: AbortSignal;
  onProgress?: (p: DatasetsProgress) => void;
  cache?: HashCache;
  /** Where the duplicates job may send half of its hashing (another thread). */
  hashElsewhere?: HashElsewhere;
}

export async function runJobHere<K extends DatasetsJob['kind']>(job: JobOf<K>, ctx: JobContext): Promise<JobResults[K]> {
  const j = job as DatasetsJob;
  const { fs, signal, onProgress } = ctx;
  let r: JobResults[DatasetsJob['kind']];
  switch (j.kind) {
    case 'scan':
      r = scanHere(j.roots, { fs, signal, onProgress, folderDepth: j.folderDepth, top: j.top, followLinkedRoots: j.followLinkedRoots });
      break;
    case 'dupes': {
      const a = await analyzeDuplicatesHere(j.roots, { fs, signal, onProgress, cache: ctx.cache, preferCanonical: j.preferCanonical, hashElsewhere: ctx.hashElsewhere });
      r = j.withWalk ? a : { result: a.result, folderGroupDirs: a.folderGroupDirs };
      break;
    }
    case 'walk':
      r = walk(j.roots, { fs, signal, followLinkedRoots: j.followLinkedRoots, pruneNames: j.pruneNames });
      break;
    case 'verify':
      r = await verifySignatureHere(j.dir, fs, signal);
      break;
    case 'hash':
      r = await hashBatchHere(j.batch, fs);
      break;
  }
  return r as JobResults[K];
}
