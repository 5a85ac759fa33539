// Make one canonical corpus: replace confirmed duplicate folders with links (symlinks on POSIX, junctions on Windows)
// to one kept copy. A dry run (the default) only plans. A real run, per folder:
//   1. re-hash both copies from disk (no cache) and act only if their signatures are still equal;
//   2. record the step in the run's manifest (written before anything moves);
//   3. rename the duplicate into `.rubato-trash-<run>/` beside it (same file system, so nothing is copied);
//   4. create the link and check it resolves to the canonical folder (same device + inode);
// and only when every step of the run succeeded, delete the trashed copies (or keep them with keepTrash).
// Any error rolls back everything this run did (unlink, rename back) and is reported. The canonical copy is never
// touched, so the last copy of anything is never removed. `undoCanonicalize` puts real copies back from a manifest.

import os from 'node:os';
import path from 'node:path';
import type { CanonicalizeAction, CanonicalizeResult, CanonicalizeSkip, DatasetsProgress, UndoResult } from './types';
import { analyzeDuplicates } from './dupes';
import { errCode, errText, nodeFs, tryOr, type FsApi } from './fsApi';
import type { HashCache } from './hashCache';
import { throwIfAborted } from './limit';
import { isInside } from './walk';
import { runJob, walkInBackground } from './workerClient';

export interface CanonicalizeOptions {
  fs?: FsApi;
  signal?: AbortSignal;
  onProgress?: (p: DatasetsProgress) => void;
  /** Plan only (default true): nothing on disk changes. */
  dryRun?: boolean;
  /** Where manifests go (default: the user's state folder, see defaultStateDir). */
  stateDir?: string;
  /** Keep the replaced copies in `.rubato-trash-<run>/` beside each link instead of deleting them. */
  keepTrash?: boolean;
  /** Prefer copies under these folders as canonical. */
  preferCanonical?: readonly string[];
  /** Hash cache for the planning scan; the verification before each replacement never uses it. */
  cache?: HashCache;
}

type EntryState = 'moving' | 'linked' | 'done' | 'rolled-back' | 'restored';

export interface ManifestEntry {
  replace: string;
  canonical: string;
  /** Signature of the folder tree with every file fully hashed (verifySignature), checked again on undo. */
  signature: string;
  sizeBytes: number;
  files: number;
  /** The trashed copy while it exists, else null. */
  trash: string | null;
  state: EntryState;
}

export interface CanonicalizeManifest {
  version: 1;
  runId: string;
  createdAt: string;
  roots: string[];
  entries: ManifestEntry[];
}

/** `$XDG_STATE_HOME/rubato/canonicalize` (or `~/.local/state/…`; `%LOCALAPPDATA%\rubato\canonicalize` on Windows). */
export function defaultStateDir(): string {
  const base = process.platform === 'win32' ? (process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local')) : (process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'));
  return path.join(base, 'rubato', 'canonicalize');
}

/** Signature of a folder tree, every non-empty file fully hashed now (never from a cache); null if unreadable. */
export function verifySignature(dir: string, fs: FsApi, signal?: AbortSignal): Promise<{ signature: string; sizeBytes: number; files: number } | null> {
  return runJob({ kind: 'verify', dir }, { fs, signal });
}

async function writeManifest(fs: FsApi, file: string, m: CanonicalizeManifest): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await fs.writeFile(tmp, `${JSON.stringify(m, null, 2)}\n`);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`${file}: cannot write the canonicalize manifest: ${errText(e)}`);
  }
}

const linkType = (): 'junction' | 'dir' => (process.platform === 'win32' ? 'junction' : 'dir');

/** Why a folder must not become a link, or null: a git repository, or relative links that would change meaning. */
async function unsafeToReplace(dir: string, fs: FsApi): Promise<string | null> {
  const w = await walkInBackground([dir], { fs, followLinkedRoots: false });
  if (w.dirs.some((d) => d.name === '.git') || w.files.some((f) => f.name === '.git')) return 'holds a git repository';
  const esc = w.links.find((l) => !path.isAbsolute(l.info.target) && !isInside(path.resolve(path.dirname(l.display), l.info.target), dir));
  return esc ? `holds a relative link that points outside it (${esc.display}), which would change meaning through a link` : null;
}

/** A link's text as an absolute path (Windows junctions read back with a `\\?\` prefix). */
function linkTarget(linkPath: string, text: string): string {
  return path.resolve(path.dirname(linkPath), text.startsWith('\\\\?\\') ? text.slice(4) : text);
}

export async function planCanonicalize(roots: readonly string[], opts: CanonicalizeOptions = {}): Promise<{ actions: CanonicalizeAction[]; skipped: CanonicalizeSkip[] }> {
  const fs = opts.fs ?? nodeFs;
  const a = await analyzeDuplicates(roots, { fs, signal: opts.signal, cache: opts.cache, onProgress: opts.onProgress, preferCanonical: opts.preferCanonical });
  const w = a.walk;
  const actions: CanonicalizeAction[] = [];
  const skipped: CanonicalizeSkip[] = [];
  const replaced: string[] = [];
  for (const [gi, ids] of a.folderGroupDirs.entries()) {
    const group = a.result.folderGroups[gi]!;
    const usable: number[] = [];
    for (const i of ids) {
      const d = w.dirs[i]!;
      if (typeof d.path !== 'string') skipped.push({ folder: d.display, reason: 'its path is not valid UTF-8' });
      else if (replaced.some((r) => isInside(d.display, r) || isInside(r, d.display))) skipped.push({ folder: d.display, reason: 'inside, or holding, a folder this run replaces' });
      else usable.push(i);
    }
    if (usable.length < 2) continue;
    const canonical = usable.some((i) => w.dirs[i]!.display === group.canonical) ? group.canonical : [...usable.map((i) => w.dirs[i]!.display)].sort()[0]!;
    for (const i of usable) {
      const folder = w.dirs[i]!.display;
      if (folder === canonical) continue;
      if (isInside(canonical, folder) || isInside(folder, canonical)) {
        skipped.push({ folder, reason: `nested with its canonical copy ${canonical}` });
        continue;
      }
      const unsafe = await unsafeToReplace(folder, fs);
      if (unsafe !== null) {
        skipped.push({ folder, reason: unsafe });
        continue;
      }
      actions.push({ replace: folder, canonical, sizeBytes: group.sizeBytes, files: group.files, signature: group.signature });
      replaced.push(folder);
    }
  }
  return { actions, skipped };
}

export async function canonicalize(roots: readonly string[], opts: CanonicalizeOptions = {}): Promise<CanonicalizeResult> {
  const t0 = process.hrtime.bigint();
  const plan = await planCanonicalize(roots, opts);
  const r = await applyPlan(roots, plan, opts);
  return { ...r, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Carries out a plan (unless opts.dryRun is not false): verify, trash, link, check; roll back on any error. */
export async function applyPlan(roots: readonly string[], plan: { actions: CanonicalizeAction[]; skipped: CanonicalizeSkip[] }, opts: CanonicalizeOptions = {}): Promise<CanonicalizeResult> {
  const t0 = process.hrtime.bigint();
  const fs = opts.fs ?? nodeFs;
  const dryRun = opts.dryRun !== false;
  const actions = plan.actions;
  const result: CanonicalizeResult = { dryRun, actions, skipped: [...plan.skipped], replaced: 0, reclaimedBytes: 0, manifest: null, seconds: 0 };
  const done = (): CanonicalizeResult => ({ ...result, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
  if (dryRun || actions.length === 0) return done();

  const stateDir = opts.stateDir ?? defaultStateDir();
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  const manifestFile = path.join(stateDir, `.rubato-canonicalize-${runId}.json`);
  const manifest: CanonicalizeManifest = { version: 1, runId, createdAt: new Date().toISOString(), roots: [...roots].map((r) => path.resolve(r)), entries: [] };
  await fs.mkdir(stateDir, { recursive: true });
  await writeManifest(fs, manifestFile, manifest);
  result.manifest = manifestFile;

  try {
    for (const [k, act] of actions.entries()) {
      throwIfAborted(opts.signal);
      opts.onProgress?.({ phase: 'verify', done: k, total: actions.length, path: act.replace });
      const keep = await verifySignature(act.canonical, fs, opts.signal);
      const dup = await verifySignature(act.replace, fs, opts.signal);
      if (keep === null || dup === null || keep.signature !== dup.signature) {
        result.skipped.push({ folder: act.replace, reason: `its content or ${act.canonical}'s changed or cannot be read since the scan; left as it is` });
        continue;
      }
      const trashDir = path.join(path.dirname(act.replace), `.rubato-trash-${runId}`);
      const entry: ManifestEntry = { replace: act.replace, canonical: act.canonical, signature: dup.signature, sizeBytes: dup.sizeBytes, files: dup.files, trash: path.join(trashDir, path.basename(act.replace)), state: 'moving' };
      manifest.entries.push(entry);
      await writeManifest(fs, manifestFile, manifest);
      opts.onProgress?.({ phase: 'replace', done: k, total: actions.length, path: act.replace });
      await fs.mkdir(trashDir, { recursive: true });
      await fs.rename(act.replace, entry.trash!);
      await fs.symlink(act.canonical, act.replace, linkType());
      const [viaLink, real] = [fs.stat(act.replace), fs.stat(act.canonical)];
      if (viaLink.dev !== real.dev || viaLink.ino !== real.ino) throw new Error(`${act.replace}: the new link does not resolve to ${act.canonical}`);
      entry.state = 'linked';
      await writeManifest(fs, manifestFile, manifest);
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError' && manifest.entries.length === 0) throw e;
    const restored = await rollBack(fs, manifest);
    await writeManifest(fs, manifestFile, manifest).catch(() => undefined);
    result.rolledBack = { error: errText(e), restored };
    return done();
  }

  // Every replacement is verified: now the trashed copies can go (the canonical copies stay).
  for (const entry of manifest.entries) {
    if (entry.state !== 'linked') continue;
    if (!opts.keepTrash && entry.trash) {
      const trashDir = path.dirname(entry.trash);
      await fs.rm(entry.trash, { recursive: true, force: true });
      await fs.rmdir(trashDir).catch(() => undefined);
      entry.trash = null;
    }
    entry.state = 'done';
    result.replaced += 1;
    result.reclaimedBytes += entry.sizeBytes;
  }
  await writeManifest(fs, manifestFile, manifest);
  return done();
}

/** Undoes this run's steps, newest first: removes each link we made and renames the trashed copy back. */
async function rollBack(fs: FsApi, m: CanonicalizeManifest): Promise<number> {
  let restored = 0;
  for (const entry of [...m.entries].reverse()) {
    if (entry.state !== 'moving' && entry.state !== 'linked') continue;
    if (entry.trash === null) continue;
    try {
      const trashThere = tryOr(() => fs.lstat(entry.trash!), null) !== null;
      if (!trashThere) {
        // The rename never happened: the folder is still in place.
        await fs.rmdir(path.dirname(entry.trash)).catch(() => undefined);
        entry.trash = null;
        entry.state = 'rolled-back';
        continue;
      }
      const st = tryOr(() => fs.lstat(entry.replace), null);
      if (st?.isSymbolicLink()) await fs.unlink(entry.replace);
      await fs.rename(entry.trash, entry.replace);
      await fs.rmdir(path.dirname(entry.trash)).catch(() => undefined);
      entry.trash = null;
      entry.state = 'rolled-back';
      restored += 1;
    } catch {
      // Left in the manifest as it is, with the trash path: the report says the roll back was partial.
    }
  }
  return restored;
}

export function readManifest(text: string, file: string): CanonicalizeManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not a canonicalize manifest (${errText(e)})`);
  }
  const x = m as Partial<CanonicalizeManifest> | null;
  if (!x || x.version !== 1 || !Array.isArray(x.entries) || typeof x.runId !== 'string') throw new Error(`${file}: not a canonicalize manifest (version 1)`);
  for (const e of x.entries) {
    if (typeof e?.replace !== 'string' || typeof e.canonical !== 'string' || typeof e.signature !== 'string' || typeof e.state !== 'string') {
      throw new Error(`${file}: an entry lacks replace, canonical, signature or state`);
    }
  }
  return x as CanonicalizeManifest;
}

/**
 * Puts real copies back where a run made links: from the trashed copy when it was kept, else by copying the
 * canonical folder beside the link, verifying the copy's hashes against the manifest, and only then swapping the
 * link for it. A copy that fails (e.g. ENOSPC) is removed and the link stays: nothing is lost either way.
 */
export async function undoCanonicalize(manifestFile: string, opts: { fs?: FsApi; signal?: AbortSignal; onProgress?: (p: DatasetsProgress) => void } = {}): Promise<UndoResult> {
  const t0 = process.hrtime.bigint();
  const fs = opts.fs ?? nodeFs;
  const { readFile } = await import('node:fs/promises');
  const manifest = readManifest(await readFile(manifestFile, 'utf8'), manifestFile);
  const res: UndoResult = { manifest: manifestFile, restored: [], failed: [], seconds: 0 };
  for (const [k, entry] of [...manifest.entries].reverse().entries()) {
    if (entry.state !== 'done' && entry.state !== 'linked') continue;
    throwIfAborted(opts.signal);
    opts.onProgress?.({ phase: 'replace', done: k, total: manifest.entries.length, path: entry.replace });
    const fail = (reason: string): void => void res.failed.push({ folder: entry.replace, reason });
    const st = tryOr(() => fs.lstat(entry.replace), null);
    const target = st?.isSymbolicLink() ? tryOr(() => fs.readlink(entry.replace), null) : null;
    if (target === null || linkTarget(entry.replace, target) !== entry.canonical) {
      fail(`is no longer the link to ${entry.canonical} that this manifest made; left as it is`);
      continue;
    }
    let source = entry.trash;
    if (source !== null && !(tryOr(() => fs.lstat(source!), null)?.isDirectory() ?? false)) source = null;
    const staging = source ?? `${entry.replace}.rubato-restore-${process.pid}`;
    try {
      if (source === null) await fs.cp(entry.canonical, staging);
      const got = await verifySignature(staging, fs, opts.signal);
      if (got === null || got.signature !== entry.signature) throw new Error(`the copy's content hashes differ from the manifest (${got?.signature ?? 'unreadable'} ≠ ${entry.signature})`);
      await fs.unlink(entry.replace);
      try {
        await fs.rename(staging, entry.replace);
      } catch (e) {
        await fs.symlink(entry.canonical, entry.replace, linkType());
        throw e;
      }
      const after = await verifySignature(entry.replace, fs, opts.signal);
      if (after === null || after.signature !== entry.signature) throw new Error('restored, but its content hashes differ from the manifest: check it');
      if (source !== null) await fs.rmdir(path.dirname(source)).catch(() => undefined);
      entry.trash = null;
      entry.state = 'restored';
      res.restored.push(entry.replace);
    } catch (e) {
      if (source === null) await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
      fail(`${errCode(e) === 'ENOSPC' ? 'not enough disk space for the copy' : errText(e)}; the link stays`);
    }
  }
  await writeManifest(fs, manifestFile, manifest);
  return { ...res, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
