// Starts a run's command through the shim: detached (its own process group and session), stdin from
// /dev/null, stdout and stderr appended to the run's log FILE (descriptors, not pipes: the run keeps
// writing after the server dies, with no SIGPIPE), and the leader identified by pid + start time.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SUPERVISED_RUN_ENV } from '../gpu/strays';
import { readStat } from '../proc/procTable';
import type { ProcRef } from './record';

/** Node arguments that run the shim: the bundled dist/runShim.js, or the TypeScript source through tsx (tests). */
export function shimNodeArgs(): string[] {
  const js = path.join(__dirname, 'runShim.js');
  if (existsSync(js)) return [js];
  const ts = path.join(__dirname, 'runShim.ts');
  if (existsSync(ts)) return ['--import', pathToFileURL(require.resolve('tsx')).href, ts];
  throw new Error(`the run shim is missing next to ${__dirname} (runShim.js): rebuild with \`npm run build\``);
}

export interface LaunchArgs {
  runId: string;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  exitPath: string;
  /** First line written to the log for this launch. */
  banner: string;
}

export function launchDetached(a: LaunchArgs): ProcRef {
  mkdirSync(path.dirname(a.logPath), { recursive: true });
  rmSync(a.exitPath, { force: true }); // an old launch's exit must never be read as this one's
  const fd = openSync(a.logPath, 'a');
  try {
    writeSync(fd, `${a.banner}\n`);
    const child = spawn(process.execPath, [...shimNodeArgs(), a.exitPath, ...a.command], {
      cwd: a.cwd,
      // PYTHONUNBUFFERED: Python block-buffers stdout into a file, which would hold metrics lines back for minutes.
      // RUBATO_RUN_ID marks every process of the run as ours, so no process (a CLI's GPU check) takes it for a stray.
      env: { ...process.env, PYTHONUNBUFFERED: '1', ...a.env, [SUPERVISED_RUN_ENV]: a.runId },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`cannot start the run shim with ${process.execPath}`);
    // The shim's failures are in its exit.json; here we only need to stop holding it.
    child.on('error', () => undefined);
    return { pid, startTicks: readStat(pid)?.startTicks ?? null };
  } finally {
    closeSync(fd);
  }
}
