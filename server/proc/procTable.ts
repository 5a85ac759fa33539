// The process table, read from /proc (Linux). The supervisor and the GPU preflight both need to know
// whether a pid is still *the same* process (pid + start time, since pids are reused), which processes
// descend from a run, and what a stranger is running. Other platforms get `undefined` / empty lists and
// callers degrade to pid-only checks.

import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Process group id: a supervised run is its own group, so one signal reaches the whole tree. */
  pgid: number;
  /** Session id. */
  sid: number;
  /** One-letter state (R, S, D, Z, T, …); Z = exited but not yet reaped. */
  state: string;
  /** Executable name as the kernel keeps it (max 15 chars). */
  comm: string;
  /** Start time in clock ticks since boot: with the pid it identifies a process across pid reuse. */
  startTicks: number;
}

export const procAvailable = (): boolean => process.platform === 'linux';

/** Parses /proc/<pid>/stat; `comm` may hold spaces and parentheses, so split at the last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 2).split(' ');
  // Fields after comm, 0-based: state=0 ppid=1 pgrp=2 session=3 … starttime=19 (field 22 of proc(5)).
  const [state, ppid, pgid, sid] = [rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3])];
  const startTicks = Number(rest[19]);
  if (!Number.isInteger(pid) || state === undefined || !Number.isFinite(startTicks)) return undefined;
  return { pid, ppid, pgid, sid, state, comm: text.slice(open + 1, close), startTicks };
}

export function readStat(pid: number): ProcStat | undefined {
  if (!procAvailable()) return undefined;
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone, or not ours to read
  }
}

/** argv of a process ([] when unreadable or a kernel thread). */
export function readCmdline(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s, i, a) => s !== '' || i < a.length - 1);
  } catch {
    return [];
  }
}

/** Every process visible now. */
export function listProcesses(): ProcStat[] {
  if (!procAvailable()) return [];
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/**
 * True while `pid` is alive and is the process that started at `startTicks` (not a reused pid).
 * A zombie counts as gone. Without /proc, falls back to signal 0 (pid only).
 */
export function isSameProcess(pid: number, startTicks: number | undefined): boolean {
  if (procAvailable()) {
    const s = readStat(pid);
    if (!s || s.state === 'Z') return false;
    return startTicks === undefined || s.startTicks === startTicks;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** All descendants of `pid` (children, grandchildren, …) from one snapshot of the table. */
export function descendants(pid: number, table: ProcStat[] = listProcesses()): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const p of table) {
    const list = byParent.get(p.ppid);
    if (list) list.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const out: ProcStat[] = [];
  const stack = [pid];
  const seen = new Set<number>([pid]);
  while (stack.length) {
    for (const child of byParent.get(stack.pop()!) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

/** Members of a process group that are still alive (zombies excluded). */
export function groupMembers(pgid: number, table: ProcStat[] = listProcesses()): ProcStat[] {
  return table.filter((p) => p.pgid === pgid && p.state !== 'Z');
}
