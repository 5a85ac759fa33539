// Content hashes of input files, with a stat cache so a warm rebuild does not re-read ~160 MB of unchanged inputs.
//
// The stat cache only decides whether to re-read a file: an entry is trusted while path, size, mtimeMs, ctimeMs and
// inode all still match; anything else re-hashes the bytes, and the content hash is what goes into an item's key.

import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic';

interface StatEntry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  sha256: string;
}

const CACHE_VERSION = 1;

/** Holds the stat cache of one build and memoizes hashes within the run (a score is an input of many items). */
export class FileHasher {
  private readonly previous: Map<string, StatEntry>;
  private readonly used = new Map<string, StatEntry>();
  private readonly pending = new Map<string, Promise<string>>();
  /** Files whose bytes were actually read in this run (for tests and diagnostics). */
  rehashed = 0;

  constructor(private readonly cacheFile: string) {
    this.previous = loadStatCache(cacheFile);
  }

  /** SHA-256 (hex) of the file's bytes; rejects with an error naming the file when it cannot be read. */
  hash(file: string): Promise<string> {
    // Absolute paths, so the same file named two ways is hashed once and the cache survives a change of cwd.
    const abs = path.resolve(file);
    let p = this.pending.get(abs);
    if (p === undefined) {
      p = this.compute(abs);
      this.pending.set(abs, p);
    }
    return p;
  }

  private async compute(file: string): Promise<string> {
    let st;
    try {
      st = await fsp.stat(file);
    } catch (e) {
      throw new Error(`${file}: input file cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!st.isFile()) throw new Error(`${file}: input is not a regular file`);
    const old = this.previous.get(file);
    if (old !== undefined && old.size === st.size && old.mtimeMs === st.mtimeMs && old.ctimeMs === st.ctimeMs && old.ino === st.ino) {
      this.used.set(file, old);
      return old.sha256;
    }
    let bytes: Buffer;
    try {
      bytes = await fsp.readFile(file);
    } catch (e) {
      throw new Error(`${file}: input file cannot be read: ${(e as Error).message}`);
    }
    this.rehashed += 1;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Only remember the stat if the file did not change while we read it; otherwise the next run hashes it again.
    const after = await fsp.stat(file).catch(() => undefined);
    if (after !== undefined && after.size === st.size && after.mtimeMs === st.mtimeMs && after.size === bytes.length) {
      this.used.set(file, { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, sha256 });
    }
    return sha256;
  }

  /** Writes the entries used in this run (so files no longer referenced drop out). */
  save(): void {
    const entries: Record<string, StatEntry> = {};
    for (const k of [...this.used.keys()].sort()) entries[k] = this.used.get(k) as StatEntry;
    writeFileAtomic(this.cacheFile, `${JSON.stringify({ version: CACHE_VERSION, entries })}\n`);
  }
}

/** A missing or unreadable stat cache is not an error: it only costs a re-hash. */
function loadStatCache(file: string): Map<string, StatEntry> {
  const out = new Map<string, StatEntry>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return out;
  }
  if (typeof parsed !== 'object' || parsed === null) return out;
  const { version, entries } = parsed as { version?: unknown; entries?: unknown };
  if (version !== CACHE_VERSION || typeof entries !== 'object' || entries === null) return out;
  for (const [k, v] of Object.entries(entries as Record<string, unknown>)) {
    const e = v as Partial<StatEntry> | null;
    if (
      e !== null && typeof e === 'object' &&
      typeof e.size === 'number' && typeof e.mtimeMs === 'number' && typeof e.ctimeMs === 'number' &&
      typeof e.ino === 'number' && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256)
    ) {
      out.set(k, { size: e.size, mtimeMs: e.mtimeMs, ctimeMs: e.ctimeMs, ino: e.ino, sha256: e.sha256 });
    }
  }
  return out;
}

/** An item's key: SHA-256 over the extractor version and its inputs' content hashes, in order. */
export function itemKey(extractorVersion: string, inputHashes: readonly string[]): string {
  const h = createHash('sha256');
  h.update(`rubato-dataset-key/1\n${JSON.stringify(extractorVersion)}\n${inputHashes.length}\n`);
  for (const x of inputHashes) h.update(`${x}\n`);
  return h.digest('hex');
}
