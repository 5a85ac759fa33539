// Git bloat under the dataset roots, through the `git` command line (no library reimplements git's reachability
// rules as exactly): object counts and sizes, objects no ref/reflog/index reaches (what `git gc --prune=now`
// deletes), objects only reflogs or the index keep, and the largest blobs in history. The gc action runs only with
// an explicit confirmation and proves afterwards that every ref and HEAD still name the same objects.

import { spawn } from 'node:child_process';
import path from 'node:path';
import type { DatasetsProgress, GitBlob, GitGcResult, GitObjectStats, GitRepoReport, GitScanResult } from './types';
import { nodeFs, type FsApi } from './fsApi';
import { formatBytes } from './format';
import { throwIfAborted } from './limit';
import { walkInBackground } from './workerClient';

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** Runs git in `cwd`; resolves with stdout, rejects with a GitError naming the command and git's message. */
export function git(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      signal,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(e.name === 'AbortError' ? e : new GitError(`${cwd}: cannot run git ${args[0]}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new GitError(`${cwd}: git ${args.join(' ')} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}

export interface GitOptions {
  fs?: FsApi;
  signal?: AbortSignal;
  onProgress?: (p: DatasetsProgress) => void;
  /** Length of the largest-blobs list (default 10). */
  top?: number;
}

/** Every git work tree under the roots (folders holding `.git`), without walking into `.git` folders. */
export async function findGitRepos(roots: readonly string[], opts: GitOptions = {}): Promise<{ repos: string[]; problems: GitScanResult['problems'] }> {
  const w = await walkInBackground(roots, { fs: opts.fs ?? nodeFs, signal: opts.signal, followLinkedRoots: false, pruneNames: ['.git'] });
  const repos = new Set<string>();
  for (const d of w.dirs) if (d.name === '.git' && d.parent >= 0) repos.add(w.dirs[d.parent]!.display);
  // A worktree or submodule has a `.git` file instead of a folder.
  for (const f of w.files) if (f.name === '.git' && !f.special) repos.add(w.dirs[f.parent]!.display);
  return { repos: [...repos].sort(), problems: w.problems };
}

export async function scanGit(roots: readonly string[], opts: GitOptions = {}): Promise<GitScanResult> {
  const t0 = process.hrtime.bigint();
  const { repos, problems } = await findGitRepos(roots, opts);
  const reports: GitRepoReport[] = [];
  for (const [i, repo] of repos.entries()) {
    throwIfAborted(opts.signal);
    opts.onProgress?.({ phase: 'git', done: i, total: repos.length, path: repo });
    reports.push(await gitRepoReport(repo, opts));
  }
  return { repos: reports, problems, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** `git count-objects -v`, in bytes. */
export async function objectStats(repo: string, signal?: AbortSignal): Promise<GitObjectStats> {
  const kv = new Map<string, number>();
  for (const line of (await git(repo, ['count-objects', '-v'], signal)).split('\n')) {
    const m = /^([a-z-]+): (\d+)$/.exec(line.trim());
    if (m) kv.set(m[1]!, Number(m[2]));
  }
  const k = (name: string): number => kv.get(name) ?? 0;
  const looseBytes = k('size') * 1024;
  const packBytes = k('size-pack') * 1024;
  const garbageBytes = k('size-garbage') * 1024;
  return { looseObjects: k('count'), looseBytes, packs: k('packs'), packedObjects: k('in-pack'), packBytes, garbageBytes, totalBytes: looseBytes + packBytes + garbageBytes };
}

/** Object names reached by `rev-list --objects` with the given roots, each with the first path rev-list gave it. */
async function reachable(repo: string, extra: readonly string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const text = await git(repo, ['rev-list', '--objects', '--all', ...extra], signal);
  for (const line of text.split('\n')) {
    if (line.length < 40) continue;
    const sp = line.indexOf(' ');
    const sha = sp < 0 ? line : line.slice(0, sp);
    if (!out.has(sha)) out.set(sha, sp < 0 ? '' : line.slice(sp + 1));
  }
  return out;
}

export async function gitRepoReport(repo: string, opts: GitOptions = {}): Promise<GitRepoReport> {
  const empty = { objects: 0, diskBytes: 0 };
  const base: GitRepoReport = {
    path: repo,
    gitDir: path.join(repo, '.git'),
    objects: { looseObjects: 0, looseBytes: 0, packs: 0, packedObjects: 0, packBytes: 0, garbageBytes: 0, totalBytes: 0 },
    unreachable: { ...empty },
    reflogOrIndexOnly: { ...empty },
    largestBlobs: [],
    refs: 0,
    warnings: [],
  };
  try {
    base.gitDir = (await git(repo, ['rev-parse', '--absolute-git-dir'], opts.signal)).trim();
    base.objects = await objectStats(repo, opts.signal);
    base.refs = (await git(repo, ['for-each-ref', '--format=%(refname)'], opts.signal)).split('\n').filter(Boolean).length;
    const fromRefs = await reachable(repo, [], opts.signal);
    // What gc keeps: refs, HEAD, reflogs and the index (`git prune` marks exactly these).
    const kept = await reachable(repo, ['--reflog', '--indexed-objects'], opts.signal);
    const all = await git(repo, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(objectsize) %(objectsize:disk)'], opts.signal);
    const blobs: GitBlob[] = [];
    for (const line of all.split('\n')) {
      const [sha, type, size, disk] = line.split(' ');
      if (sha === undefined || disk === undefined) continue;
      const diskBytes = Number(disk);
      if (!kept.has(sha)) {
        base.unreachable.objects += 1;
        base.unreachable.diskBytes += diskBytes;
      } else if (!fromRefs.has(sha)) {
        base.reflogOrIndexOnly.objects += 1;
        base.reflogOrIndexOnly.diskBytes += diskBytes;
      } else if (type === 'blob') {
        blobs.push({ sha, path: fromRefs.get(sha) ?? '', sizeBytes: Number(size) });
      }
    }
    base.largestBlobs = blobs.sort((a, b) => b.sizeBytes - a.sizeBytes || a.sha.localeCompare(b.sha)).slice(0, opts.top ?? 10);
    base.warnings = gitWarnings(base);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    base.error = (e as Error).message;
    base.warnings = [`cannot inspect: ${(e as Error).message}`];
  }
  return base;
}

function gitWarnings(r: GitRepoReport): string[] {
  const w: string[] = [];
  const MB = 1024 * 1024;
  if (r.unreachable.diskBytes >= 10 * MB || (r.unreachable.objects >= 100 && r.unreachable.objects * 2 >= r.objects.looseObjects + r.objects.packedObjects)) {
    w.push(`${r.unreachable.objects} unreachable objects (${formatBytes(r.unreachable.diskBytes)}) that no commit uses: "git gc --prune=now" removes them`);
  }
  if (r.reflogOrIndexOnly.diskBytes >= 10 * MB) {
    w.push(`${formatBytes(r.reflogOrIndexOnly.diskBytes)} kept only by reflogs or the index (gc keeps these until their reflog entries expire: gc.reflogExpireUnreachable, 30 days by default)`);
  }
  const big = r.largestBlobs[0];
  if (big && big.sizeBytes >= 50 * MB) w.push(`history holds a ${formatBytes(big.sizeBytes)} file (${big.path}): consider git-lfs or removing it from history`);
  return w;
}

/** Every ref and HEAD with what it names (and, for annotated tags, the object they peel to). */
export async function refSnapshot(repo: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const snap = new Map<string, string>();
  for (const line of (await git(repo, ['for-each-ref', '--format=%(refname) %(objectname) %(*objectname)'], signal)).split('\n')) {
    const [name, ...rest] = line.split(' ');
    if (name) snap.set(name, rest.join(' ').trim());
  }
  const head = await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD'], signal).catch(() => '(unborn)');
  snap.set('HEAD', head.trim());
  return snap;
}

/**
 * `git gc --prune=now`, only when `confirm` is true. Throws a GitError (and says so loudly) when any ref or HEAD
 * names another object afterwards, or when an object reachable from them went missing.
 */
export async function gitGc(repo: string, opts: { confirm: boolean; signal?: AbortSignal }): Promise<GitGcResult> {
  if (!opts.confirm) throw new GitError(`${repo}: git gc --prune=now deletes unreachable objects for good; it needs an explicit confirmation`);
  const t0 = process.hrtime.bigint();
  const refsBefore = await refSnapshot(repo, opts.signal);
  const before = await objectStats(repo, opts.signal);
  await git(repo, ['gc', '--prune=now', '--quiet'], opts.signal);
  const after = await objectStats(repo, opts.signal);
  const refsAfter = await refSnapshot(repo, opts.signal);
  const changed: string[] = [];
  for (const [name, v] of refsBefore) if (refsAfter.get(name) !== v) changed.push(`${name}: ${v} → ${refsAfter.get(name) ?? '(missing)'}`);
  for (const name of refsAfter.keys()) if (!refsBefore.has(name)) changed.push(`${name}: new ref`);
  if (changed.length > 0) throw new GitError(`${repo}: REFS CHANGED during git gc — inspect the repository before anything else:\n  ${changed.join('\n  ')}`);
  // Every object still reachable from refs, reflogs and the index must exist (rev-list dies on a missing one).
  await git(repo, ['rev-list', '--objects', '--all', '--reflog', '--indexed-objects', '--quiet'], opts.signal);
  return { path: repo, before, after, refsVerified: refsBefore.size, freedBytes: before.totalBytes - after.totalBytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
