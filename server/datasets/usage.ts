// Disk usage of the dataset roots: apparent and allocated bytes per folder (du's rules: every inode once, links not
// followed), file counts, the largest files and folders, hard-link groups and every link with its target. The work
// itself, in the calling thread (the datasets worker, see jobs.ts); scan.ts is the public entry that sends it there.

import type { FileSize, FolderUsage, HardLinkGroup, ScanResult } from './types';
import type { DatasetsProgress } from './types';
import { walk, type WalkOptions, type WalkResult } from './walk';
import { throttle } from './limit';

export interface ScanHereOptions extends Omit<WalkOptions, 'onProgress'> {
  /** Folders listed in `folders` go this deep below each root (default 2). */
  folderDepth?: number;
  /** Length of the largest-files and largest-folders lists (default 20). */
  top?: number;
  onProgress?: (p: DatasetsProgress) => void;
}

export function scanHere(roots: readonly string[], opts: ScanHereOptions = {}): ScanResult {
  const t0 = process.hrtime.bigint();
  const progress = throttle(opts.onProgress, 100);
  const w = walk(roots, { ...opts, onProgress: (done, dir) => progress({ phase: 'scan', done, path: dir }) });
  return { ...summarizeWalk(w, opts.folderDepth ?? 2, opts.top ?? 20), seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Per-folder totals, bottom-up: a folder's index is always larger than its parent's, so one reverse pass sums all. */
export function folderTotals(w: WalkResult): FolderUsage[] {
  const u: FolderUsage[] = w.dirs.map((d) => ({ path: d.display, depth: d.depth, apparentBytes: d.sizeBytes, allocatedBytes: d.allocatedBytes, files: 0, dirs: 0 }));
  for (const f of w.files) {
    const x = u[f.parent]!;
    x.files += 1;
    if (!f.firstOfInode) continue;
    x.apparentBytes += f.sizeBytes;
    x.allocatedBytes += f.allocatedBytes;
  }
  for (const l of w.links) {
    const x = u[l.parent]!;
    x.apparentBytes += l.sizeBytes;
    x.allocatedBytes += l.allocatedBytes;
  }
  for (let i = w.dirs.length - 1; i >= 0; i--) {
    const parent = w.dirs[i]!.parent;
    if (parent < 0) continue;
    const x = u[i]!;
    const p = u[parent]!;
    p.apparentBytes += x.apparentBytes;
    p.allocatedBytes += x.allocatedBytes;
    p.files += x.files;
    p.dirs += x.dirs + 1;
  }
  return u;
}

function summarizeWalk(w: WalkResult, folderDepth: number, top: number): Omit<ScanResult, 'seconds'> {
  const usage = folderTotals(w);
  const byAllocated = (a: FolderUsage, b: FolderUsage): number => b.allocatedBytes - a.allocatedBytes || a.path.localeCompare(b.path);
  const roots = w.roots.map((r) => ({ ...usage[r.dir]!, reachedThrough: r.reachedThrough }));

  const inodes = new Map<string, HardLinkGroup>();
  for (const f of w.files) {
    if (f.nlink < 2) continue;
    const key = `${f.dev}:${f.ino}`;
    const g = inodes.get(key);
    if (g) g.paths.push(f.display);
    else inodes.set(key, { sizeBytes: f.sizeBytes, paths: [f.display], nlink: f.nlink });
  }
  const hardLinks = [...inodes.values()].filter((g) => g.paths.length > 1);
  for (const g of hardLinks) g.paths.sort();
  hardLinks.sort((a, b) => b.sizeBytes - a.sizeBytes || a.paths[0]!.localeCompare(b.paths[0]!));

  // Only files at least as large as the top-th largest size can be in the list: sort those alone (sorting 50,000
  // files with a localeCompare tie-break took longer than the walk's system calls).
  const counted = w.files.filter((f) => f.firstOfInode);
  const sizes = Float64Array.from(counted, (f) => f.sizeBytes).sort();
  const floor = sizes.length > top ? sizes[sizes.length - top]! : -Infinity;
  const largestFiles: FileSize[] = counted
    .filter((f) => f.sizeBytes >= floor)
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.display.localeCompare(b.display))
    .slice(0, top)
    .map((f) => ({ path: f.display, sizeBytes: f.sizeBytes }));

  const totals = {
    files: w.files.length,
    dirs: w.dirs.length,
    symlinks: w.links.length,
    hardLinkedPaths: w.files.filter((f) => !f.firstOfInode).length,
    apparentBytes: roots.reduce((s, r) => s + r.apparentBytes, 0),
    allocatedBytes: roots.reduce((s, r) => s + r.allocatedBytes, 0),
  };
  return {
    roots,
    folders: usage.filter((u) => u.depth <= folderDepth).sort(byAllocated),
    largestFiles,
    largestFolders: usage.filter((u) => u.depth > 0).sort(byAllocated).slice(0, top),
    hardLinks,
    links: w.links.map((l) => l.info).sort((a, b) => a.path.localeCompare(b.path)),
    problems: [...w.problems].sort((a, b) => a.path.localeCompare(b.path)),
    totals,
  };
}
