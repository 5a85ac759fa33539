// Real stand-ins for someone else's training job: `python3 …/train_marker.py` processes that are NOT children of the
// test process (the test process plays the server, whose own children are never strays), started through a shell
// that exits at once so they are re-parented. Every one is killed by pid at cleanup.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { descendants, isSameProcess, readCmdline, readStat } from '../../../server/proc/procTable';

export const PYTHON = '/usr/bin/python3';

export interface FakeJobs {
  dir: string;
  script: string;
  /** Starts `python3 train_marker.py [args]` re-parented away from us; resolves once it runs the script. */
  startOrphan(args?: string[], ignoreTerm?: boolean): Promise<{ pid: number; startTicks: number }>;
  /** Starts `sh -c 'python3 train_marker.py; true'` re-parented: the shell (leader) and its python child. */
  startUnderShell(): Promise<{ leader: number; pid: number }>;
  cleanup(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, f: () => T | undefined): Promise<T> {
  for (let i = 0; i < 250; i++) {
    const v = f();
    if (v !== undefined) return v;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function fakeJobs(): FakeJobs {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-strays-'));
  const script = path.join(dir, 'train_marker.py');
  // Writes ready-<pid> once its SIGTERM handling is in place, so tests never guess how long start-up takes.
  writeFileSync(
    script,
    'import os, signal, sys, time\nif "--ignore-term" in sys.argv:\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n' +
      'open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ready-%d" % os.getpid()), "w").close()\ntime.sleep(120)\n',
  );
  const started: number[] = [];
  const runsScript = (pid: number): boolean => readCmdline(pid).includes(script);

  const spawnDetached = (shellLine: string, args: string[]): number => {
    // The outer shell backgrounds the job, prints its pid and exits: the job is re-parented (init or a subreaper).
    const r = spawnSync('/bin/sh', ['-c', `${shellLine} </dev/null >/dev/null 2>&1 & echo $!`, 'sh', ...args], { encoding: 'utf8' });
    const pid = Number(r.stdout.trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`could not start a fake job: ${r.stderr}`);
    started.push(pid);
    return pid;
  };

  return {
    dir,
    script,
    async startOrphan(args = [], ignoreTerm = false) {
      const pid = spawnDetached(`exec ${PYTHON} "$@"`, [script, ...args, ...(ignoreTerm ? ['--ignore-term'] : [])]);
      await waitFor(`pid ${pid} to start ${script}`, () => (existsSync(path.join(dir, `ready-${pid}`)) ? true : undefined));
      return { pid, startTicks: readStat(pid)!.startTicks };
    },
    async startUnderShell() {
      const leader = spawnDetached(`/bin/sh -c '${PYTHON} "$0"; true' "$1"`, [script]);
      const pid = await waitFor(`a python child of ${leader}`, () => descendants(leader).find((p) => runsScript(p.pid))?.pid);
      started.push(pid);
      return { leader, pid };
    },
    cleanup() {
      for (const pid of started) {
        if (isSameProcess(pid, undefined)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
