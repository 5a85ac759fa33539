// Content hashes kept between runs, so a rescan of an unchanged tree reads no file bytes. An entry is trusted only
// while the file's path, size, mtime (ns) and inode are all unchanged; anything else means a re-hash.
//
// One JSON file (`{version, entries: {path: [size, mtimeNs, ino, partial, full]}}`), written atomically. A missing,
// unreadable or foreign cache is not an error: it only costs a re-hash.

import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../dataset/atomic';
import { isInside } from './walk';

export interface HashKey {
  sizeBytes: number;
  mtimeNs: bigint;
  ino: bigint;
}

export interface HashCacheEntry {
  size: number;
  mtimeNs: string;
  ino: string;
  partial: string | null;
  full: string | null;
}

// 2: partial hashes cover 4 KiB edges (16 KiB in version 1); an old cache is dropped, costing one re-hash.
export const HASH_CACHE_VERSION = 2;

/** What a cache holds, as plain data: it crosses to the datasets worker and back (structured clone). */
export interface HashCacheState {
  entries: Map<string, HashCacheEntry>;
  seen: Set<string>;
  dirty: boolean;
}

/** `$XDG_CACHE_HOME/rubato/datasets-hashes.json` (or `~/.cache/…`; `%LOCALAPPDATA%\rubato\…` on Windows). */
export function defaultHashCacheFile(): string {
  const base = process.platform === 'win32' ? (process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local')) : (process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'));
  return path.join(base, 'rubato', 'datasets-hashes.json');
}

export class HashCache {
  private entries = new Map<string, HashCacheEntry>();
  private seen = new Set<string>();
  private dirty = false;

  private constructor(readonly file: string | null) {}

  /** An in-memory cache that is never saved (for `--no-cache` and tests). */
  static memory(): HashCache {
    return new HashCache(null);
  }

  /** A copy of this cache's state for the worker; `adopt` takes the worker's state back (lookups, new hashes). */
  state(): HashCacheState {
    return { entries: this.entries, seen: this.seen, dirty: this.dirty };
  }

  static fromState(s: HashCacheState): HashCache {
    const c = new HashCache(null);
    c.adopt(s);
    return c;
  }

  adopt(s: HashCacheState): void {
    this.entries = s.entries;
    this.seen = s.seen;
    this.dirty = s.dirty;
  }

  static load(file: string): HashCache {
    const c = new HashCache(file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return c;
    }
    const { version, entries } = (parsed ?? {}) as { version?: unknown; entries?: unknown };
    if (version !== HASH_CACHE_VERSION || typeof entries !== 'object' || entries === null) return c;
    for (const [k, v] of Object.entries(entries as Record<string, unknown>)) {
      if (!Array.isArray(v) || v.length !== 5) continue;
      const [size, mtimeNs, ino, partial, full] = v as unknown[];
      const hex = (x: unknown): x is string | null => x === null || (typeof x === 'string' && /^[0-9a-f]{32}$/.test(x));
      if (typeof size === 'number' && typeof mtimeNs === 'string' && typeof ino === 'string' && hex(partial) && hex(full)) {
        c.entries.set(k, { size, mtimeNs, ino, partial, full });
      }
    }
    return c;
  }

  private valid(p: string, k: HashKey): HashCacheEntry | undefined {
    this.seen.add(p);
    const e = this.entries.get(p);
    if (e && e.size === k.sizeBytes && e.mtimeNs === String(k.mtimeNs) && e.ino === String(k.ino)) return e;
    return undefined;
  }

  get(p: string, k: HashKey, which: 'partial' | 'full'): string | null {
    return this.valid(p, k)?.[which] ?? null;
  }

  set(p: string, k: HashKey, which: 'partial' | 'full', hash: string): void {
    let e = this.valid(p, k);
    if (!e) {
      e = { size: k.sizeBytes, mtimeNs: String(k.mtimeNs), ino: String(k.ino), partial: null, full: null };
      this.entries.set(p, e);
    }
    e[which] = hash;
    this.dirty = true;
  }

  /** Saves the cache; entries under `roots` that this run did not see (deleted files) are dropped. */
  save(roots: readonly string[]): void {
    if (this.file === null) return;
    const out: Record<string, [number, string, string, string | null, string | null]> = {};
    let dropped = false;
    for (const [p, e] of this.entries) {
      if (!this.seen.has(p) && roots.some((r) => isInside(p, r))) {
        dropped = true;
        continue;
      }
      out[p] = [e.size, e.mtimeNs, e.ino, e.partial, e.full];
    }
    if (!this.dirty && !dropped) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify({ version: HASH_CACHE_VERSION, entries: out }));
  }
}
