// Content hashes for duplicate detection: xxh128 (hash-wasm, streaming through one reused 1 MiB buffer, so memory
// stays bounded whatever the file size). A "partial" hash covers the first and last 4 KiB (one page each, what
// jdupes reads first too) and only sorts same-size files into candidate groups; only the full hash decides that two
// files are equal. Files up to 8 KiB are read whole at once (their partial hash is their full hash). Larger edges
// (16 KiB) split no more groups on real data but read four times the bytes from every same-size file.
//
// Synchronous positional reads (fsApi.ts): the hasher runs in the datasets worker thread, one file after another.
// On a warm page cache that is as fast as parallel reads and needs one buffer and one hasher, not one per file in
// flight; on a cold disk the kernel's readahead still streams each file.

import { createXXHash128, type IHasher } from 'hash-wasm';
import type { ScanProblem } from './types';
import { type FsApi, type FsPath } from './fsApi';
import type { HashCache, HashKey } from './hashCache';
import { problemFor } from './walk';

const EDGE_BYTES = 4 * 1024;
export const SMALL_FILE_BYTES = 2 * EDGE_BYTES;
const CHUNK_BYTES = 1024 * 1024;

export interface HashTarget extends HashKey {
  path: FsPath;
  display: string;
}

/** Below this many files to hash, a second thread costs more than it saves. */
const MIN_FAR_FILES = 256;

/** Files to hash in another thread (plain data: it crosses threads), and what came back. */
export interface HashBatch {
  which: 'partial' | 'full';
  /** Check each file did not change while read (the caller keeps the hashes in its cache). */
  verify: boolean;
  targets: (HashKey & { path: string; display: string })[];
}

export interface HashBatchResult {
  hashes: (string | null)[];
  problems: ScanProblem[];
  bytesHashed: number;
  partialHashed: number;
  fullHashed: number;
}

export type HashElsewhere = (batch: HashBatch) => Promise<HashBatchResult>;

/** Small files get their full hash in the partial pass: one read, and they are done. */
function kindFor(f: HashKey, which: 'partial' | 'full'): 'partial' | 'full' {
  return which === 'partial' && f.sizeBytes <= SMALL_FILE_BYTES ? 'full' : which;
}

/** The far side of `many`: hashes a batch here, no cache. */
export async function hashBatchHere(batch: HashBatch, fs: FsApi): Promise<HashBatchResult> {
  const problems: ScanProblem[] = [];
  const h = await ContentHasher.create(fs, null, problems);
  const hashes = batch.targets.map((f) => h.read(f, kindFor(f, batch.which), batch.verify));
  return { hashes, problems, bytesHashed: h.bytesHashed, partialHashed: h.partialHashed, fullHashed: h.fullHashed };
}

export class ContentHasher {
  bytesHashed = 0;
  partialHashed = 0;
  fullHashed = 0;
  cacheHits = 0;
  private readonly buf = Buffer.allocUnsafe(CHUNK_BYTES);

  private constructor(
    private readonly fs: FsApi,
    /** Null: no cache (nothing looked up, nothing recorded). */
    private readonly cache: HashCache | null,
    private readonly problems: ScanProblem[],
    private readonly hasher: IHasher,
  ) {}

  /** hash-wasm instantiates its WebAssembly module asynchronously: once per hasher, not per file. */
  static async create(fs: FsApi, cache: HashCache | null, problems: ScanProblem[]): Promise<ContentHasher> {
    return new ContentHasher(fs, cache, problems, await createXXHash128());
  }

  /** The partial hash (or the full hash for small files), or null when the file could not be read (reported). */
  partial(f: HashTarget): string | null {
    return this.compute(f, kindFor(f, 'partial'));
  }

  full(f: HashTarget): string | null {
    return this.compute(f, 'full');
  }

  /**
   * Hashes of many files, in order. With `elsewhere` (another thread) and enough work, every other file not in the
   * cache is hashed there while this thread hashes the rest: two threads keep two reads and two hashes going.
   */
  async many(targets: readonly HashTarget[], which: 'partial' | 'full', onDone: (done: number) => void, elsewhere?: HashElsewhere): Promise<(string | null)[]> {
    const out: (string | null)[] = new Array<string | null>(targets.length).fill(null);
    const near: number[] = [];
    const far: number[] = [];
    let done = 0;
    for (const [k, f] of targets.entries()) {
      const hit = this.lookup(f, kindFor(f, which));
      if (hit !== null) {
        out[k] = hit;
        onDone(++done);
      } else if (elsewhere && typeof f.path === 'string' && (near.length + far.length) % 2 === 1) far.push(k);
      else near.push(k);
    }
    if (far.length < MIN_FAR_FILES) {
      near.push(...far);
      far.length = 0;
    }
    const farResult = far.length > 0 ? elsewhere!({ which, verify: this.cache !== null, targets: far.map((k) => ({ ...targets[k]!, path: targets[k]!.path as string })) }) : null;
    for (const k of near) {
      const f = targets[k]!;
      out[k] = this.compute(f, kindFor(f, which));
      onDone(++done);
    }
    if (farResult) {
      const r = await farResult;
      this.bytesHashed += r.bytesHashed;
      this.partialHashed += r.partialHashed;
      this.fullHashed += r.fullHashed;
      this.problems.push(...r.problems);
      for (const [j, k] of far.entries()) {
        const hash = r.hashes[j] ?? null;
        const f = targets[k]!;
        out[k] = hash;
        if (hash !== null && this.cache !== null) this.cache.set(f.path as string, f, kindFor(f, which), hash);
      }
      onDone(done + far.length);
    }
    return out;
  }

  private lookup(f: HashTarget, which: 'partial' | 'full'): string | null {
    if (this.cache === null || typeof f.path !== 'string') return null;
    const hit = this.cache.get(f.path, f, which);
    if (hit !== null) this.cacheHits += 1;
    return hit;
  }

  private compute(f: HashTarget, which: 'partial' | 'full'): string | null {
    const hit = this.lookup(f, which);
    if (hit !== null) return hit;
    const keep = this.cache !== null && typeof f.path === 'string';
    const hash = this.read(f, which, keep);
    if (hash !== null && keep) this.cache!.set(f.path as string, f, which, hash);
    return hash;
  }

  /** Reads and hashes one file. `verify`: check after reading that it did not change (always for full hashes). */
  read(f: HashTarget, which: 'partial' | 'full', verify: boolean): string | null {
    const { fs, buf, hasher: h } = this;
    let fd: number | undefined;
    try {
      fd = fs.open(f.path);
      h.init();
      let read = 0;
      if (which === 'partial') {
        const head = fs.read(fd, buf, 0, EDGE_BYTES, 0);
        const tail = fs.read(fd, buf, EDGE_BYTES, EDGE_BYTES, f.sizeBytes - EDGE_BYTES);
        read = head + tail;
        h.update(buf.subarray(0, head));
        h.update(buf.subarray(EDGE_BYTES, EDGE_BYTES + tail));
      } else {
        for (;;) {
          const n = fs.read(fd, buf, 0, CHUNK_BYTES, read);
          if (n === 0) break;
          h.update(buf.subarray(0, n));
          read += n;
        }
      }
      this.bytesHashed += read;
      // A file that changed while we read it would give a hash of neither version: report it, do not group it. An
      // edge hash that is not kept only sorts candidates (a changed file is then caught by its full hash, or left
      // unique, rightly): it skips the check, one system call per same-size file.
      if (which === 'full' || verify) {
        const after = fs.fstat(fd);
        if (Number(after.size) !== f.sizeBytes || after.mtimeNs !== f.mtimeNs || (which === 'full' && read !== f.sizeBytes)) {
          this.problems.push({ kind: 'io', path: f.display, message: `${f.display}: changed while it was being hashed; left out of the duplicates` });
          return null;
        }
      }
      const hash = h.digest('hex');
      if (which === 'partial') this.partialHashed += 1;
      else this.fullHashed += 1;
      return hash;
    } catch (e) {
      this.problems.push(problemFor(f.display, e, 'cannot hash'));
      return null;
    } finally {
      if (fd !== undefined) {
        try {
          fs.close(fd);
        } catch {
          // Closing a read-only descriptor cannot lose data; nothing to report.
        }
      }
    }
  }
}
