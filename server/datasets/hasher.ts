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
import { HashCache, type HashKey } from './hashCache';
import { problemFor } from './walk';

const EDGE_BYTES = 4 * 1024;
export const SMALL_FILE_BYTES = 2 * EDGE_BYTES;
const CHUNK_BYTES = 1024 * 1024;

export interface HashTarget extends HashKey {
  path: FsPath;
  display: string;
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
    return f.sizeBytes <= SMALL_FILE_BYTES ? this.full(f) : this.compute(f, 'partial');
  }

  full(f: HashTarget): string | null {
    return this.compute(f, 'full');
  }

  private compute(f: HashTarget, which: 'partial' | 'full'): string | null {
    const cacheKey = this.cache !== null && typeof f.path === 'string' ? f.path : null;
    if (cacheKey !== null) {
      const hit = this.cache!.get(cacheKey, f, which);
      if (hit !== null) {
        this.cacheHits += 1;
        return hit;
      }
    }
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
      const after = fs.fstat(fd);
      // A file that changed while we read it would give a hash of neither version: report it, do not group it.
      if (Number(after.size) !== f.sizeBytes || after.mtimeNs !== f.mtimeNs || (which === 'full' && read !== f.sizeBytes)) {
        this.problems.push({ kind: 'io', path: f.display, message: `${f.display}: changed while it was being hashed; left out of the duplicates` });
        return null;
      }
      const hash = h.digest('hex');
      if (which === 'partial') this.partialHashed += 1;
      else this.fullHashed += 1;
      if (cacheKey !== null) this.cache!.set(cacheKey, f, which, hash);
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
