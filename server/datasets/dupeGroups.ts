// Duplicate files and duplicate folders under the dataset roots: the work itself, done in the calling thread with
// synchronous reads (in the datasets worker, see jobs.ts); dupes.ts is the public entry that sends it there.
//
// Files: distinct inodes (hard links of one file are one file) → grouped by size → by a partial hash (first and last
// 16 KiB) → by the full xxh128, with bounded parallel I/O. Empty files are never duplicates (nothing to reclaim;
// jdupes agrees without -z). Folders: each folder gets a signature over its sorted entries (name + content hash,
// sub-folder signature or link text), bottom-up; folders with equal signatures hold identical trees, so a dataset
// cache copied into two projects is one group, reported once at its top folder.

import { createXXHash128 } from 'hash-wasm';
import type { DatasetsProgress, DupeGroup, DupesResult, FolderDupeGroup, ScanProblem } from './types';
import { nodeFs, type FsApi } from './fsApi';
import type { HashCache } from './hashCache';
import { ContentHasher, SMALL_FILE_BYTES, type HashElsewhere } from './hasher';
import { throttle, throwIfAborted } from './limit';
import { isInside, walk, type WalkedFile, type WalkResult } from './walk';

export interface DupesHereOptions {
  fs?: FsApi;
  signal?: AbortSignal;
  /** Hashes kept between runs (default: an in-memory cache, i.e. none). The caller saves it. */
  cache?: HashCache;
  onProgress?: (p: DatasetsProgress) => void;
  /** Prefer copies under these folders as canonical (e.g. the configured corpus location). */
  preferCanonical?: readonly string[];
  /** A second thread for hashing (the datasets worker passes one); without it every file is hashed here. */
  hashElsewhere?: HashElsewhere;
}

/** Internal result that canonicalize builds on: the walk and, per folder group, the folder indices. */
export interface DupesAnalysis {
  result: DupesResult;
  walk: WalkResult;
  folderGroupDirs: number[][];
}

export async function analyzeDuplicatesHere(roots: readonly string[], opts: DupesHereOptions = {}): Promise<DupesAnalysis> {
  const t0 = process.hrtime.bigint();
  const fs = opts.fs ?? nodeFs;
  const progress = throttle(opts.onProgress, 100);
  const w = walk(roots, { fs, signal: opts.signal, onProgress: (done, dir) => progress({ phase: 'scan', done, path: dir }) });
  const problems: ScanProblem[] = [...w.problems];
  const hasher = await ContentHasher.create(fs, opts.cache ?? null, problems);

  // Distinct inodes: the first path seen stands for all; every path keeps a pointer to its inode.
  const inodeOf = new Map<string, number>();
  const inodes: { rep: WalkedFile; paths: string[] }[] = [];
  const fileInode: number[] = [];
  for (const f of w.files) {
    // A file with one link is its own inode: no key to build (a bigint-to-text key per file cost more than its lstat).
    if (f.nlink < 2) {
      fileInode.push(inodes.length);
      inodes.push({ rep: f, paths: [f.display] });
      continue;
    }
    const key = `${f.dev}:${f.ino}`;
    let i = inodeOf.get(key);
    if (i === undefined) {
      i = inodes.length;
      inodeOf.set(key, i);
      inodes.push({ rep: f, paths: [] });
    }
    const n = inodes[i]!;
    n.paths.push(f.display);
    // The smallest path stands for the inode, whatever order the parallel walk met its paths in (stable cache keys).
    if (f.display < n.rep.display) n.rep = f;
    fileInode.push(i);
  }

  const bySize = new Map<number, number[]>();
  inodes.forEach((n, i) => {
    if (n.rep.special || n.rep.sizeBytes === 0) return;
    const g = bySize.get(n.rep.sizeBytes);
    if (g) g.push(i);
    else bySize.set(n.rep.sizeBytes, [i]);
  });
  const sizeGroups = [...bySize.values()].filter((g) => g.length > 1);
  const candidates = sizeGroups.flat();

  const target = (i: number): { path: WalkedFile['path']; display: string; sizeBytes: number; mtimeNs: bigint; ino: bigint } => {
    const r = inodes[i]!.rep;
    return { path: r.path, display: r.display, sizeBytes: r.sizeBytes, mtimeNs: r.mtimeNs, ino: r.ino };
  };
  // Only files that share their size with another are read at all.
  const hashAll = (ids: number[], phase: DatasetsProgress['phase'], which: 'partial' | 'full'): Promise<(string | null)[]> =>
    hasher.many(
      ids.map(target),
      which,
      (done) => {
        throwIfAborted(opts.signal);
        progress({ phase, done, total: ids.length });
      },
      opts.hashElsewhere,
    );

  // Partial hashes (small files get their full hash here and are done).
  const partialList = await hashAll(candidates, 'partial-hash', 'partial');
  const partials = new Map<number, string>();
  candidates.forEach((i, k) => {
    const h = partialList[k];
    if (h) partials.set(i, h);
  });
  const byPartial = new Map<string, number[]>();
  for (const [i, h] of partials) {
    const key = `${inodes[i]!.rep.sizeBytes}:${h}`;
    const g = byPartial.get(key);
    if (g) g.push(i);
    else byPartial.set(key, [i]);
  }
  const fullHash = new Map<number, string>();
  const needFull: number[] = [];
  for (const g of byPartial.values()) {
    if (g.length < 2) continue;
    for (const i of g) {
      if (inodes[i]!.rep.sizeBytes <= SMALL_FILE_BYTES) fullHash.set(i, partials.get(i)!);
      else needFull.push(i);
    }
  }
  const fulls = await hashAll(needFull, 'full-hash', 'full');
  needFull.forEach((i, k) => {
    const h = fulls[k];
    if (h) fullHash.set(i, h);
  });

  const byFull = new Map<string, number[]>();
  for (const [i, h] of fullHash) {
    const key = `${inodes[i]!.rep.sizeBytes}:${h}`;
    const g = byFull.get(key);
    if (g) g.push(i);
    else byFull.set(key, [i]);
  }

  const linkTargets = w.links.flatMap((l) => (l.info.kind === 'dir' && l.info.resolved ? [l.info.resolved] : []));
  const prefer = [...(opts.preferCanonical ?? []), ...linkTargets];
  const groups: DupeGroup[] = [];
  for (const [key, ids] of byFull) {
    if (ids.length < 2) continue;
    const sizeBytes = inodes[ids[0]!]!.rep.sizeBytes;
    const members = ids.map((i) => ({ path: [...inodes[i]!.paths].sort()[0]!, mtimeNs: inodes[i]!.rep.mtimeNs }));
    const files = members.map((m) => m.path).sort();
    groups.push({ sizeBytes, hash: key.slice(key.indexOf(':') + 1), files, canonical: pickCanonical(members, prefer), reclaimableBytes: sizeBytes * (ids.length - 1) });
  }
  groups.sort((a, b) => b.reclaimableBytes - a.reclaimableBytes || a.files[0]!.localeCompare(b.files[0]!));

  progress({ phase: 'folders', done: 0 });
  const contentToken = (fi: number): string => {
    const i = fileInode[fi]!;
    const r = inodes[i]!.rep;
    if (!r.special && r.sizeBytes === 0) return 'empty';
    return fullHash.get(i) ?? `inode:${r.dev}:${r.ino}`;
  };
  const { folderGroups, folderGroupDirs } = await duplicateFolders(w, contentToken, fileInode, (n) => inodes[n]!.rep.sizeBytes, prefer);

  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const result: DupesResult = {
    groups,
    folderGroups,
    reclaimableBytes: groups.reduce((s, g) => s + g.reclaimableBytes, 0),
    stats: {
      filesScanned: w.files.length,
      distinctFiles: inodes.length,
      sizeCandidates: candidates.length,
      partialHashed: hasher.partialHashed,
      fullHashed: hasher.fullHashed,
      bytesHashed: hasher.bytesHashed,
      cacheHits: hasher.cacheHits,
    },
    problems: problems.sort((a, b) => a.path.localeCompare(b.path)),
    seconds,
  };
  return { result, walk: w, folderGroupDirs };
}

/**
 * The copy that looks canonical: one under a preferred folder (configured, or the target of existing links — the
 * projects already point there), else the oldest (copies are usually newer), else the shortest path, else by name.
 */
export function pickCanonical(members: readonly { path: string; mtimeNs: bigint }[], prefer: readonly string[]): string {
  const ranked = [...members].sort((a, b) => {
    const pa = prefer.some((p) => isInside(a.path, p)) ? 0 : 1;
    const pb = prefer.some((p) => isInside(b.path, p)) ? 0 : 1;
    if (pa !== pb) return pa - pb;
    if (a.mtimeNs !== b.mtimeNs) return a.mtimeNs < b.mtimeNs ? -1 : 1;
    return a.path.length - b.path.length || a.path.localeCompare(b.path);
  });
  return ranked[0]!.path;
}

/** Children of every folder, by kind, as indices into the walk's lists. */
export function childrenOf(w: WalkResult): { files: number[][]; dirs: number[][]; links: number[][] } {
  const files = w.dirs.map((): number[] => []);
  const dirs = w.dirs.map((): number[] => []);
  const links = w.dirs.map((): number[] => []);
  w.files.forEach((f, i) => files[f.parent]!.push(i));
  w.dirs.forEach((d, i) => d.parent >= 0 && dirs[d.parent]!.push(i));
  w.links.forEach((l, i) => links[l.parent]!.push(i));
  return { files, dirs, links };
}

/** Signature of every folder: xxh128 over its sorted entries; children first (their indices are larger). */
export async function folderSignatures(w: WalkResult, contentToken: (fileIndex: number) => string): Promise<{ sig: string[]; bytes: number[]; count: number[] }> {
  const h = await createXXHash128();
  const kids = childrenOf(w);
  const sig: string[] = new Array<string>(w.dirs.length).fill('');
  const bytes: number[] = new Array<number>(w.dirs.length).fill(0);
  const count: number[] = new Array<number>(w.dirs.length).fill(0);
  for (let d = w.dirs.length - 1; d >= 0; d--) {
    const lines: string[] = [];
    for (const fi of kids.files[d]!) {
      const f = w.files[fi]!;
      lines.push(`f\0${f.name}\0${contentToken(fi)}`);
      bytes[d]! += f.sizeBytes;
      count[d]! += 1;
    }
    for (const c of kids.dirs[d]!) {
      lines.push(`d\0${w.dirs[c]!.name}\0${sig[c]}`);
      bytes[d]! += bytes[c]!;
      count[d]! += count[c]!;
    }
    for (const li of kids.links[d]!) lines.push(`l\0${w.links[li]!.name}\0${w.links[li]!.info.target}`);
    lines.sort();
    h.init();
    h.update(lines.join('\n'));
    sig[d] = h.digest('hex');
  }
  return { sig, bytes, count };
}

async function duplicateFolders(
  w: WalkResult,
  contentToken: (fileIndex: number) => string,
  fileInode: readonly number[],
  inodeSize: (inode: number) => number,
  prefer: readonly string[],
): Promise<{ folderGroups: FolderDupeGroup[]; folderGroupDirs: number[][] }> {
  const { sig, bytes, count } = await folderSignatures(w, contentToken);
  const bySig = new Map<string, number[]>();
  w.dirs.forEach((d, i) => {
    if (d.parent < 0 || bytes[i] === 0) return; // roots are what the user asked about, not copies
    const g = bySig.get(sig[i]!);
    if (g) g.push(i);
    else bySig.set(sig[i]!, [i]);
  });
  const dupDirs = new Set<number>();
  for (const g of bySig.values()) if (g.length > 1) for (const i of g) dupDirs.add(i);
  const kids = childrenOf(w);
  const inodesBelow = (d: number): Set<number> => {
    const out = new Set<number>();
    const stack = [d];
    while (stack.length) {
      const x = stack.pop()!;
      for (const fi of kids.files[x]!) out.add(fileInode[fi]!);
      stack.push(...kids.dirs[x]!);
    }
    return out;
  };
  const folderGroups: FolderDupeGroup[] = [];
  const folderGroupDirs: number[][] = [];
  for (const [signature, found] of bySig) {
    if (found.length < 2) continue;
    // By path, not walk order: the plan canonicalize makes from these must not depend on how the walk went.
    const ids = [...found].sort((a, b) => (w.dirs[a]!.display < w.dirs[b]!.display ? -1 : 1));
    // Maximal only: when every copy's parent is itself a duplicated folder, the parent's group says it all.
    if (ids.every((i) => dupDirs.has(w.dirs[i]!.parent))) continue;
    const members = ids.map((i) => ({ path: w.dirs[i]!.display, mtimeNs: w.dirs[i]!.mtimeNs, i }));
    const canonical = pickCanonical(members, prefer);
    const canonicalDir = members.find((m) => m.path === canonical)!.i;
    const keep = inodesBelow(canonicalDir);
    let reclaimableBytes = 0;
    for (const m of members) {
      if (m.i === canonicalDir) continue;
      for (const n of inodesBelow(m.i)) if (!keep.has(n)) reclaimableBytes += inodeSize(n);
    }
    const datasetCache = ids.some((i) => kids.files[i]!.some((fi) => w.files[fi]!.name === 'manifest.json'));
    folderGroups.push({ sizeBytes: bytes[ids[0]!]!, files: count[ids[0]!]!, signature, folders: members.map((m) => m.path).sort(), canonical, reclaimableBytes, datasetCache });
    folderGroupDirs.push(ids);
  }
  const order = folderGroups.map((_, i) => i).sort((a, b) => folderGroups[b]!.reclaimableBytes - folderGroups[a]!.reclaimableBytes || folderGroups[a]!.folders[0]!.localeCompare(folderGroups[b]!.folders[0]!));
  return { folderGroups: order.map((i) => folderGroups[i]!), folderGroupDirs: order.map((i) => folderGroupDirs[i]!) };
}

/** Signature of a folder tree, every non-empty file fully hashed now (never from a cache); null if unreadable. */
export async function verifySignatureHere(dir: string, fs: FsApi, signal?: AbortSignal): Promise<{ signature: string; sizeBytes: number; files: number } | null> {
  const w = walk([dir], { fs, signal, followLinkedRoots: false });
  if (w.problems.length > 0 || w.roots.length !== 1) return null;
  const hasher = await ContentHasher.create(fs, null, w.problems);
  const hashes: string[] = [];
  for (const f of w.files) {
    throwIfAborted(signal);
    if (f.special) return null;
    const h = f.sizeBytes === 0 ? 'empty' : hasher.full({ path: f.path, display: f.display, sizeBytes: f.sizeBytes, mtimeNs: f.mtimeNs, ino: f.ino });
    if (h === null) return null;
    hashes.push(h);
  }
  const { sig, bytes, count } = await folderSignatures(w, (i) => hashes[i]!);
  return { signature: sig[0]!, sizeBytes: bytes[0]!, files: count[0]! };
}
