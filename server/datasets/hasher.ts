// Content hashes for duplicate detection: xxh128 (hash-wasm, streaming, 1 MiB buffers, so memory stays bounded
// whatever the file size). A "partial" hash covers the first and last 16 KiB and only sorts same-size files into
// candidate groups; only the full hash decides that two files are equal. Files up to 64 KiB are read whole at once.

import { createXXHash128, type IHasher } from 'hash-wasm';
import type { ScanProblem } from './types';
import { type FsApi, type FsPath } from './fsApi';
import { HashCache, type HashKey } from './hashCache';
import { problemFor } from './walk';

const EDGE_BYTES = 16 * 1024;
export const SMALL_FILE_BYTES = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface HashTarget extends HashKey {
  path: FsPath;
  display: string;
}

interface Slot {
  hasher: IHasher;
  buf: Buffer;
}

export class ContentHasher {
  bytesHashed = 0;
  partialHashed = 0;
  fullHashed = 0;
  cacheHits = 0;
  private readonly free: Slot[] = [];

  constructor(
    private readonly fs: FsApi,
    private readonly cache: HashCache,
    private readonly problems: ScanProblem[],
  ) {}

  private async slot(): Promise<Slot> {
    return this.free.pop() ?? { hasher: await createXXHash128(), buf: Buffer.allocUnsafe(CHUNK_BYTES) };
  }

  /** The partial hash (or the full hash for small files), or null when the file could not be read (reported). */
  partial(f: HashTarget): Promise<string | null> {
    return f.sizeBytes <= SMALL_FILE_BYTES ? this.full(f) : this.compute(f, 'partial');
  }

  full(f: HashTarget): Promise<string | null> {
    return this.compute(f, 'full');
  }

  private async compute(f: HashTarget, which: 'partial' | 'full'): Promise<string | null> {
    const cacheKey = typeof f.path === 'string' ? f.path : null;
    if (cacheKey !== null) {
      const hit = this.cache.get(cacheKey, f, which);
      if (hit !== null) {
        this.cacheHits += 1;
        return hit;
      }
    }
    const s = await this.slot();
    let fh;
    try {
      fh = await this.fs.open(f.path);
      s.hasher.init();
      let read = 0;
      if (which === 'partial') {
        const head = await fh.read(s.buf, 0, EDGE_BYTES, 0);
        const tail = await fh.read(s.buf, EDGE_BYTES, EDGE_BYTES, f.sizeBytes - EDGE_BYTES);
        read = head.bytesRead + tail.bytesRead;
        s.hasher.update(s.buf.subarray(0, head.bytesRead));
        s.hasher.update(s.buf.subarray(EDGE_BYTES, EDGE_BYTES + tail.bytesRead));
      } else {
        for (;;) {
          const { bytesRead } = await fh.read(s.buf, 0, CHUNK_BYTES, read);
          if (bytesRead === 0) break;
          s.hasher.update(s.buf.subarray(0, bytesRead));
          read += bytesRead;
        }
      }
      this.bytesHashed += read;
      const after = await fh.stat({ bigint: true });
      // A file that changed while we read it would give a hash of neither version: report it, do not group it.
      if (Number(after.size) !== f.sizeBytes || after.mtimeNs !== f.mtimeNs || (which === 'full' && read !== f.sizeBytes)) {
        this.problems.push({ kind: 'io', path: f.display, message: `${f.display}: changed while it was being hashed; left out of the duplicates` });
        return null;
      }
      const hash = s.hasher.digest('hex');
      if (which === 'partial') this.partialHashed += 1;
      else this.fullHashed += 1;
      if (cacheKey !== null) this.cache.set(cacheKey, f, which, hash);
      return hash;
    } catch (e) {
      this.problems.push(problemFor(f.display, e, "cannot hash"));
      return null;
    } finally {
      await fh?.close().catch(() => undefined);
      this.free.push(s);
    }
  }
}
