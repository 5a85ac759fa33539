// A tiny cross-process mutex for read-modify-write of one small file (a run record, the queue).
// Held for milliseconds, so waiting is a short synchronous spin; a lock whose holder is gone (pid +
// start time) or that is older than STALE_MS is broken, so a SIGKILLed holder never blocks anyone.

import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { isSameProcess, readStat } from '../proc/procTable';

const STALE_MS = 10_000;
const WAIT_MS = 5_000;

const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** This process as `pid startTicks`, written into locks and owner fields. */
export function selfIdentity(): { pid: number; startTicks: number | null } {
  return { pid: process.pid, startTicks: readStat(process.pid)?.startTicks ?? null };
}

function holderGone(lockFile: string): boolean {
  try {
    if (Date.now() - statSync(lockFile).mtimeMs > STALE_MS) return true;
    const [pid, ticks] = readFileSync(lockFile, 'utf8').trim().split(' ').map(Number);
    if (!pid || !Number.isInteger(pid)) return false; // being written: give it a moment
    return !isSameProcess(pid, Number.isFinite(ticks) ? ticks : undefined);
  } catch {
    return false; // released between our open and read: just retry
  }
}

/** Runs `fn` while holding `lockFile`; throws when the lock stays held by a live process for WAIT_MS. */
export function withFileLock<T>(lockFile: string, fn: () => T): T {
  const me = selfIdentity();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lockFile, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${lockFile}: cannot create lock: ${(e as Error).message}`);
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, `${me.pid} ${me.startTicks ?? ''}\n`);
      } finally {
        closeSync(fd);
      }
      try {
        return fn();
      } finally {
        rmSync(lockFile, { force: true });
      }
    }
    if (holderGone(lockFile)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${lockFile}: held by another Rubato process for over ${WAIT_MS / 1000} s`);
    sleepSync(5);
  }
}
