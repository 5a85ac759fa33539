// The file-system calls the datasets tools make, behind one small interface so tests can inject failures
// (a file vanishing between readdir and lstat, ENOSPC while canonicalizing) without mocking Node itself.
//
// Reads are synchronous: the walk and the hasher make one call per entry (50,000 files means 50,000 lstat calls),
// and a promise per call cost several times the system call itself. They run in a worker thread (jobs.ts,
// workerClient.ts), so blocking there never blocks the server's event loop; only with an injected FsApi (tests)
// do they run in the calling thread. Changes (rename, link, copy, …) stay asynchronous.
//
// Paths are `string` normally and `Buffer` only below a folder whose names are not valid UTF-8: Node decodes such
// names lossily, so a decoded string could name another file or none. `displayPath` gives the text we report.

import * as fsSync from 'node:fs';
import { promises as fsp, type BigIntStats, type Dirent, type MakeDirectoryOptions, type RmOptions } from 'node:fs';
import { isUtf8 } from 'node:buffer';

export type FsPath = string | Buffer;

export interface FsApi {
  readdir(dir: FsPath): Dirent[];
  readdirRaw(dir: FsPath): Dirent<Buffer>[];
  lstat(p: FsPath): BigIntStats;
  stat(p: FsPath): BigIntStats;
  readlink(p: FsPath): string;
  realpath(p: FsPath): string;
  /** Opens for reading; returns a file descriptor for `read`, `fstat` and `close`. */
  open(p: FsPath): number;
  /** Positional read (the fd's offset is never used). */
  read(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
  fstat(fd: number): BigIntStats;
  close(fd: number): void;
  rename(from: string, to: string): Promise<void>;
  symlink(target: string, p: string, type?: 'dir' | 'file' | 'junction'): Promise<void>;
  mkdir(p: string, opts?: MakeDirectoryOptions): Promise<string | undefined>;
  rm(p: string, opts?: RmOptions): Promise<void>;
  unlink(p: string): Promise<void>;
  /** Removes an empty folder only. */
  rmdir(p: string): Promise<void>;
  cp(from: string, to: string): Promise<void>;
  writeFile(p: string, data: string): Promise<void>;
}

export const nodeFs: FsApi = {
  readdir: (dir) => fsSync.readdirSync(dir as string, { withFileTypes: true }),
  readdirRaw: (dir) => fsSync.readdirSync(dir as string, { withFileTypes: true, encoding: 'buffer' }),
  lstat: (p) => fsSync.lstatSync(p, { bigint: true }),
  stat: (p) => fsSync.statSync(p, { bigint: true }),
  readlink: (p) => fsSync.readlinkSync(p, 'utf8'),
  realpath: (p) => fsSync.realpathSync(p, 'utf8'),
  open: (p) => fsSync.openSync(p, 'r'),
  read: (fd, buf, offset, length, position) => fsSync.readSync(fd, buf, offset, length, position),
  fstat: (fd) => fsSync.fstatSync(fd, { bigint: true }),
  close: (fd) => fsSync.closeSync(fd),
  rename: (a, b) => fsp.rename(a, b),
  symlink: (t, p, type) => fsp.symlink(t, p, type),
  mkdir: (p, o) => fsp.mkdir(p, o),
  rm: (p, o) => fsp.rm(p, o),
  unlink: (p) => fsp.unlink(p),
  rmdir: (p) => fsp.rmdir(p),
  // Copies keep modes and times; symlinks inside are copied as links (verbatimSymlinks), never followed.
  cp: (a, b) => fsp.cp(a, b, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, errorOnExist: true, force: false }),
  writeFile: (p, d) => fsp.writeFile(p, d),
};

/** The result of a read that may fail, or `fallback` (for "is it still there?" checks). */
export function tryOr<T, F>(f: () => T, fallback: F): T | F {
  try {
    return f();
  } catch {
    return fallback;
  }
}

const SEP = Buffer.from('/');

/** Joins a folder and an entry name; stays a string unless either part has to be raw bytes. */
export function joinPath(dir: FsPath, name: string | Buffer): FsPath {
  if (typeof dir === 'string' && typeof name === 'string') return dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}${process.platform === 'win32' ? '\\' : '/'}${name}`;
  const d = typeof dir === 'string' ? Buffer.from(dir) : dir;
  const n = typeof name === 'string' ? Buffer.from(name) : name;
  return d[d.length - 1] === 0x2f ? Buffer.concat([d, n]) : Buffer.concat([d, SEP, n]);
}

/** A path as text: valid UTF-8 as is, other bytes as `\xNN` (so two different names never print alike). */
export function displayPath(p: FsPath): string {
  if (typeof p === 'string') return p;
  if (isUtf8(p)) return p.toString('utf8');
  let out = '';
  let i = 0;
  while (i < p.length) {
    const b = p[i]!;
    const len = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len > 0 && i + len <= p.length && isUtf8(p.subarray(i, i + len))) {
      const s = p.toString('utf8', i, i + len);
      out += s === '\\' ? '\\\\' : s;
      i += len;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/** True when the path is exact text (safe to write into JSON manifests and to act on by name). */
export function isTextPath(p: FsPath): p is string {
  return typeof p === 'string';
}

export function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string' ? (e as NodeJS.ErrnoException).code : undefined;
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
