// The client's copy of dataset state: the roots (setting `rubato.datasetRoots`, else the workspace
// folders) and the last scan, duplicate and git reports the server returned. No I/O here: commands
// fetch and call `set…`.

import type { DupesResult, GitScanResult, ScanResult } from '../../server/protocol';
import { Signal } from '../tree/signal';

export interface DatasetReports {
  scan: ScanResult | null;
  dupes: DupesResult | null;
  git: GitScanResult | null;
  /** Folders the server's watcher saw change since the reports were made. */
  changedDirs: string[];
}

export class DatasetsModel {
  roots: string[] = [];
  reports: DatasetReports = { scan: null, dupes: null, git: null, changedDirs: [] };
  readonly changed = new Signal<void>();

  setRoots(roots: readonly string[]): void {
    const next = [...new Set(roots.filter((r) => r.trim() !== ''))];
    if (next.join('\n') === this.roots.join('\n')) return;
    this.roots = next;
    this.reports = { scan: null, dupes: null, git: null, changedDirs: [] };
    this.changed.fire();
  }

  setReports(patch: Partial<DatasetReports>): void {
    this.reports = { ...this.reports, ...patch };
    this.changed.fire();
  }

  markChanged(dirs: readonly string[]): void {
    this.reports = { ...this.reports, changedDirs: [...new Set([...this.reports.changedDirs, ...dirs])] };
    this.changed.fire();
  }
}
