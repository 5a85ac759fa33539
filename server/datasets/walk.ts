// The one directory walk under scan, duplicates, git and canonicalize: iterative (a work stack, never recursion, so a
// tree 2,000 folders deep is fine) and synchronous — one readdir per folder and one lstat per entry, with no promise
// per call (that overhead, not the system calls, made the asynchronous walk 8× slower than du). It runs in a worker
// thread (jobs.ts), so it never blocks the server's event loop.
//
// Symlinks (and Windows junctions, which lstat reports as symlinks) are never followed inside a root. After the
// roots are walked, a link to a folder that no walked folder already is (device + inode) is walked once more as an
// extra root at its real path, so a corpus reached through links is counted once, at its canonical place.
// Folders are remembered by device + inode, so a bind mount or an overlapping root cannot loop or count twice.

import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import type { LinkInfo, ScanProblem, ProblemKind } from './types';
import { displayPath, errCode, errText, joinPath, nodeFs, type FsApi, type FsPath } from './fsApi';
import { throwIfAborted } from './limit';

export interface WalkedDir {
  path: FsPath;
  display: string;
  /** The entry name (displayable), for folder signatures. */
  name: string;
  /** Index of the parent folder in `dirs`, -1 for a root. Always smaller than this folder's own index. */
  parent: number;
  depth: number;
  root: number;
  dev: bigint;
  ino: bigint;
  sizeBytes: number;
  allocatedBytes: number;
  mtimeNs: bigint;
}

export interface WalkedFile {
  path: FsPath;
  display: string;
  /** The entry name (displayable), for folder signatures. */
  name: string;
  parent: number;
  sizeBytes: number;
  allocatedBytes: number;
  dev: bigint;
  ino: bigint;
  nlink: number;
  mtimeNs: bigint;
  /** False for the second and later paths of one inode (hard links): they add nothing to totals. */
  firstOfInode: boolean;
  /** Not a regular file (fifo, socket, device): counted in sizes, never hashed. */
  special: boolean;
}

export interface WalkedLink {
  display: string;
  name: string;
  parent: number;
  sizeBytes: number;
  allocatedBytes: number;
  info: LinkInfo;
}

export interface WalkRoot {
  display: string;
  dir: number;
  reachedThrough: string[];
}

export interface WalkResult {
  roots: WalkRoot[];
  dirs: WalkedDir[];
  files: WalkedFile[];
  links: WalkedLink[];
  problems: ScanProblem[];
}

export interface WalkOptions {
  fs?: FsApi;
  signal?: AbortSignal;
  /** Walk folders that links outside the roots point to (default true). */
  followLinkedRoots?: boolean;
  onProgress?: (entries: number, dir: string) => void;
  /** Folders with one of these names are recorded but not read (git skips `.git`). Plain data: it crosses to the worker. */
  pruneNames?: readonly string[];
}

const PROBLEM_BY_CODE: Record<string, ProblemKind> = {
  EACCES: 'permission',
  EPERM: 'permission',
  ENOENT: 'vanished',
  ENOTDIR: 'vanished',
  ELOOP: 'loop',
  ENAMETOOLONG: 'name-too-long',
};

export function problemFor(p: string, e: unknown, what: string): ScanProblem {
  const code = errCode(e);
  const kind: ProblemKind = (code !== undefined ? PROBLEM_BY_CODE[code] : undefined) ?? 'io';
  const why = kind === 'vanished' ? 'vanished during the scan' : kind === 'permission' ? 'permission denied' : errText(e);
  return { kind, path: p, ...(code ? { code } : {}), message: `${p}: ${what}: ${why}` };
}

/** Absolute, real paths of the roots; a root inside another root (or given twice) is dropped. */
export function resolveRoots(roots: readonly string[], fs: FsApi, problems: ScanProblem[]): string[] {
  const real: string[] = [];
  for (const r of roots) {
    const abs = path.resolve(r);
    try {
      const rp = fs.realpath(abs);
      if (!fs.stat(rp).isDirectory()) {
        problems.push({ kind: 'io', path: abs, code: 'ENOTDIR', message: `${abs}: not a folder` });
        continue;
      }
      real.push(rp);
    } catch (e) {
      problems.push(problemFor(abs, e, 'cannot open the root'));
    }
  }
  const sorted = [...new Set(real)].sort();
  return sorted.filter((r, i) => !sorted.slice(0, i).some((a) => isInside(r, a)));
}

/** True when `p` is `dir` or below it. */
export function isInside(p: string, dir: string): boolean {
  if (p === dir) return true;
  const base = dir.endsWith(path.sep) ? dir : dir + path.sep;
  return p.startsWith(base);
}

export function walk(rootPaths: readonly string[], opts: WalkOptions = {}): WalkResult {
  const fs = opts.fs ?? nodeFs;
  const signal = opts.signal;
  const prune = new Set(opts.pruneNames ?? []);
  const res: WalkResult = { roots: [], dirs: [], files: [], links: [], problems: [] };
  const visitedDirs = new Set<string>();
  const seenInodes = new Set<string>();
  let entries = 0;

  const addRoot = (real: string, reachedThrough: string[]): number | null => {
    let st;
    try {
      st = fs.lstat(real);
    } catch (e) {
      res.problems.push(problemFor(real, e, 'cannot read the root'));
      return null;
    }
    const key = `${st.dev}:${st.ino}`;
    if (visitedDirs.has(key)) return null;
    visitedDirs.add(key);
    const dir = res.dirs.length;
    res.dirs.push({ path: real, display: real, name: path.basename(real), parent: -1, depth: 0, root: res.roots.length, dev: st.dev, ino: st.ino, sizeBytes: Number(st.size), allocatedBytes: Number(st.blocks) * 512, mtimeNs: st.mtimeNs });
    res.roots.push({ display: real, dir, reachedThrough });
    return dir;
  };

  /** Reads one folder; pushes the indices of its sub-folders to walk onto `stack`. */
  const readDir = (di: number, stack: number[]): void => {
    throwIfAborted(signal);
    const d = res.dirs[di]!;
    let names: { name: string | Buffer; badName: boolean }[];
    try {
      const list = fs.readdir(d.path);
      // A name that is not UTF-8 decodes to U+FFFD: read this folder again as bytes to keep exact names.
      if (list.some((x) => x.name.includes('\uFFFD'))) {
        names = fs.readdirRaw(d.path).map((x) => {
          const ok = isUtf8(x.name);
          return { name: ok && typeof d.path === 'string' ? x.name.toString('utf8') : x.name, badName: !ok };
        });
      } else names = list.map((x) => ({ name: x.name, badName: false }));
    } catch (e) {
      res.problems.push(problemFor(d.display, e, 'cannot list the folder'));
      return;
    }
    // Every entry needs its lstat, even when the Dirent already says "file" or "folder": sizes, blocks and the
    // inode (hard links, loop detection) are only in the stat.
    for (const { name, badName } of names) {
      const p = joinPath(d.path, name);
      const display = displayPath(p);
      if (badName) {
        res.problems.push({ kind: 'non-utf8-name', path: display, message: `${display}: the name is not valid UTF-8 (shown with \\xNN escapes; it is scanned, never moved or linked)` });
      }
      let st;
      try {
        st = fs.lstat(p);
      } catch (e) {
        res.problems.push(problemFor(display, e, 'cannot read'));
        continue;
      }
      entries += 1;
      const nameText = typeof name === 'string' ? name : displayPath(name);
      if (st.isDirectory()) {
        const key = `${st.dev}:${st.ino}`;
        if (visitedDirs.has(key)) {
          res.problems.push({ kind: 'loop', path: display, message: `${display}: this folder was already walked (bind mount or overlapping root); skipped` });
          continue;
        }
        visitedDirs.add(key);
        if (!prune.has(nameText)) stack.push(res.dirs.length);
        res.dirs.push({ path: p, display, name: nameText, parent: di, depth: d.depth + 1, root: d.root, dev: st.dev, ino: st.ino, sizeBytes: Number(st.size), allocatedBytes: Number(st.blocks) * 512, mtimeNs: st.mtimeNs });
      } else if (st.isSymbolicLink()) {
        res.links.push({ display, name: nameText, parent: di, sizeBytes: Number(st.size), allocatedBytes: Number(st.blocks) * 512, info: describeLink(fs, p, display, d.display) });
      } else {
        const nlink = Number(st.nlink);
        let firstOfInode = true;
        if (nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          firstOfInode = !seenInodes.has(key);
          seenInodes.add(key);
        }
        res.files.push({ path: p, display, name: nameText, parent: di, sizeBytes: Number(st.size), allocatedBytes: Number(st.blocks) * 512, dev: st.dev, ino: st.ino, nlink, mtimeNs: st.mtimeNs, firstOfInode, special: !st.isFile() });
      }
    }
    opts.onProgress?.(entries, d.display);
  };

  let pendingRoots: { real: string; through: string[] }[] = resolveRoots(rootPaths, fs, res.problems).map((real) => ({ real, through: [] }));
  while (pendingRoots.length > 0) {
    const stack: number[] = [];
    for (const r of pendingRoots) {
      const di = addRoot(r.real, r.through);
      if (di !== null) stack.push(di);
    }
    const linksBefore = res.links.length;
    while (stack.length > 0) readDir(stack.pop()!, stack);
    pendingRoots = opts.followLinkedRoots === false ? [] : linkedRoots(fs, res.links.slice(linksBefore), visitedDirs);
  }
  return res;
}

function describeLink(fs: FsApi, p: FsPath, display: string, parentReal: string): LinkInfo {
  let target = '';
  try {
    target = fs.readlink(p);
  } catch (e) {
    return { path: display, target, resolved: null, kind: 'other', loop: false };
  }
  let st;
  try {
    st = fs.stat(p);
  } catch (e) {
    const code = errCode(e);
    if (code === 'ELOOP') return { path: display, target, resolved: null, kind: 'loop', loop: true };
    return { path: display, target, resolved: null, kind: code === 'ENOENT' || code === 'ENOTDIR' ? 'dangling' : 'other', loop: false };
  }
  let resolved: string | null = null;
  try {
    resolved = fs.realpath(p);
  } catch {
    // Raced with a change: keep the link, unresolved.
  }
  if (st.isDirectory()) {
    // Following a link to a folder that contains the link itself would never end.
    const loop = resolved !== null && isInside(parentReal, resolved);
    return { path: display, target, resolved, kind: loop ? 'loop' : 'dir', loop };
  }
  return { path: display, target, resolved, kind: st.isFile() ? 'file' : 'other', loop: false };
}

/** Folders that links point to and that no walk has visited yet, each once, with every link that reaches it. */
function linkedRoots(fs: FsApi, links: readonly WalkedLink[], visited: Set<string>): { real: string; through: string[] }[] {
  const byKey = new Map<string, { real: string; through: string[] }>();
  for (const l of links) {
    if (l.info.kind !== 'dir' || l.info.resolved === null) continue;
    let st;
    try {
      st = fs.stat(l.info.resolved);
    } catch {
      continue;
    }
    const key = `${st.dev}:${st.ino}`;
    if (visited.has(key)) continue;
    const e = byKey.get(key);
    if (e) e.through.push(l.display);
    else byKey.set(key, { real: l.info.resolved, through: [l.display] });
  }
  // A linked folder inside another linked folder is walked as part of it.
  for (const r of byKey.values()) r.through.sort();
  const all = [...byKey.values()].sort((a, b) => a.real.localeCompare(b.real));
  return all.filter((r, i) => !all.slice(0, i).some((a) => isInside(r.real, a.real)));
}
