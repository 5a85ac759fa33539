// Datasets view protocol (client ↔ server): disk usage, duplicates, git bloat and canonicalize over the configured
// dataset roots (setting `rubato.datasetRoots`, default: the workspace folders). Requests are cancellable (the
// server passes the request's cancellation to an AbortSignal) and report progress with LSP work-done progress,
// whose `message` is a DatasetsProgress. Result types are plain data defined in server/datasets/types.ts.
// Like index.ts, this module imports nothing from Node or VS Code (type-only imports are erased).

import type { DatasetsProgress } from '../datasets/types';
import { isNonEmptyString, isRecord } from './check';

export type {
  CanonicalizeAction,
  CanonicalizeResult,
  CanonicalizeSkip,
  DatasetsProgress,
  DupeGroup,
  DupesResult,
  FileSize,
  FolderDupeGroup,
  FolderUsage,
  GitBlob,
  GitGcResult,
  GitObjectStats,
  GitRepoReport,
  GitScanResult,
  HardLinkGroup,
  LinkInfo,
  ProblemKind,
  RootUsage,
  ScanProblem,
  ScanResult,
  UndoResult,
} from '../datasets/types';

/** client → server: disk usage of the roots. Result: ScanResult. */
export const DatasetsScanRequest = { method: 'rubato/datasets/scan' } as const;
/** client → server: duplicate files and folders (uses the server's persisted hash cache). Result: DupesResult. */
export const DatasetsDupesRequest = { method: 'rubato/datasets/dupes' } as const;
/** client → server: git repositories under the roots and their bloat. Result: GitScanResult. */
export const DatasetsGitRequest = { method: 'rubato/datasets/git' } as const;
/** client → server: `git gc --prune=now` in one repository, after the user confirmed. Result: GitGcResult. */
export const DatasetsGcRequest = { method: 'rubato/datasets/gc' } as const;
/** client → server: plan (dryRun) or make canonical links for duplicate folders. Result: CanonicalizeResult. */
export const DatasetsCanonicalizeRequest = { method: 'rubato/datasets/canonicalize' } as const;
/** client → server: put real copies back from a canonicalize manifest. Result: UndoResult. */
export const DatasetsUndoRequest = { method: 'rubato/datasets/undo' } as const;
/** client → server: start (roots) or stop (roots = []) watching; changes arrive as DatasetsChangedNotification. */
export const DatasetsWatchRequest = { method: 'rubato/datasets/watch' } as const;
/** server → client notification: these folders changed; rescan them (params: DatasetsChangedParams). */
export const DatasetsChangedNotification = { method: 'rubato/datasets/changed' } as const;

export interface DatasetsRootsParams {
  /** Absolute folder paths. */
  roots: string[];
}

export interface DatasetsScanParams extends DatasetsRootsParams {
  /** Folders listed per root go this deep (default 2). */
  folderDepth?: number;
}

export interface DatasetsDupesParams extends DatasetsRootsParams {
  /** Prefer copies under these folders as canonical. */
  preferCanonical?: string[];
}

export type DatasetsGitParams = DatasetsRootsParams;

export interface DatasetsGcParams {
  /** The work tree of the repository (a GitRepoReport's path). */
  repo: string;
  /** Must be true: the client asks the user first. */
  confirm: true;
}

export interface DatasetsCanonicalizeParams extends DatasetsRootsParams {
  /** true: plan only. false: replace (the client shows the plan and asks first). */
  dryRun: boolean;
  preferCanonical?: string[];
  /** Keep the replaced copies in `.rubato-trash-<run>/` beside each link. */
  keepTrash?: boolean;
}

export interface DatasetsUndoParams {
  /** A CanonicalizeResult's manifest path. */
  manifest: string;
}

export type DatasetsWatchParams = DatasetsRootsParams;

export interface DatasetsChangedParams {
  dirs: string[];
}

/** What a work-done progress report of a datasets request carries. */
export type DatasetsProgressMessage = DatasetsProgress;

function checkPathList(v: unknown, name: string, allowEmpty: boolean): string | null {
  if (!Array.isArray(v)) return `${name} must be an array of paths`;
  if (!allowEmpty && v.length === 0) return `${name} must name at least one folder`;
  for (const [i, p] of v.entries()) if (!isNonEmptyString(p)) return `${name}[${i}] must be a non-empty path`;
  return null;
}

export function checkDatasetsScanParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  const bad = checkPathList(x.roots, 'roots', false);
  if (bad) return bad;
  if (x.folderDepth !== undefined && !(typeof x.folderDepth === 'number' && Number.isInteger(x.folderDepth) && x.folderDepth >= 0 && x.folderDepth <= 64)) return 'folderDepth must be an integer from 0 to 64';
  return null;
}

export function checkDatasetsDupesParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  return checkPathList(x.roots, 'roots', false) ?? (x.preferCanonical === undefined ? null : checkPathList(x.preferCanonical, 'preferCanonical', true));
}

export function checkDatasetsGitParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  return checkPathList(x.roots, 'roots', false);
}

export function checkDatasetsGcParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  if (!isNonEmptyString(x.repo)) return 'repo must be a non-empty path';
  if (x.confirm !== true) return 'confirm must be true: git gc --prune=now deletes unreachable objects for good';
  return null;
}

export function checkDatasetsCanonicalizeParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  const bad = checkPathList(x.roots, 'roots', false);
  if (bad) return bad;
  if (typeof x.dryRun !== 'boolean') return 'dryRun must be a boolean (true plans only)';
  if (x.preferCanonical !== undefined) {
    const b = checkPathList(x.preferCanonical, 'preferCanonical', true);
    if (b) return b;
  }
  if (x.keepTrash !== undefined && typeof x.keepTrash !== 'boolean') return 'keepTrash must be a boolean';
  return null;
}

export function checkDatasetsUndoParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  if (!isNonEmptyString(x.manifest)) return 'manifest must be a non-empty path';
  return null;
}

export function checkDatasetsWatchParams(x: unknown): string | null {
  if (!isRecord(x)) return 'params must be an object';
  return checkPathList(x.roots, 'roots', true);
}
