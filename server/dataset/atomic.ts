// Crash-safe file writes and the single-writer lock of a cache folder.
//
// A reader (the trainer, or the next build) must never see a half-written file, so every file is written under a
// temporary name and renamed into place; rename within one folder is atomic on POSIX and NTFS.

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

/** Suffix of every temporary name we create, so leftovers of a killed build can be recognised and removed. */
export const TEMP_MARK = '.tmp-';

export function tempName(base: string): string {
  return `${base}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Writes `data` to `file` by writing a sibling temporary file and renaming it over `file`. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = tempName(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`${file}: cannot write: ${(e as Error).message}`);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock file (created exclusively, holding our pid). A lock left by a process that no longer exists is taken
 * over; a live one is an error, since two builds writing one cache would corrupt it. Returns the release function.
 */
export function acquireLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${lockFile}: cannot create the build lock: ${(e as Error).message}`);
    }
    let owner = NaN;
    try {
      owner = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    } catch {
      // The other build released it between our open and read: try again.
    }
    if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) {
      throw new Error(`${lockFile}: another dataset build (pid ${owner}) is writing this cache; wait for it, or delete the lock file if that process is not a Rubato build`);
    }
    rmSync(lockFile, { force: true });
  }
  throw new Error(`${lockFile}: cannot take the build lock (another build keeps taking it)`);
}
