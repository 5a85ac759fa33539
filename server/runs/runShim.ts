// The exit-recording shim (bundled as dist/runShim.js): `node runShim.js <exit.json> <command…>`.
// The supervisor starts it detached, so it leads the run's own process group, with stdout/stderr already
// pointing at the run's log file. It runs the command in that group, survives the group's SIGINT/SIGTERM
// (the command decides how to stop), and when the command exits it writes exit.json {code, signal}
// atomically, so the exit status is known even when no supervisor was alive to see it. Then it ends any
// process of the run still left (group members and every descendant it saw, setsid or not): no orphans.

import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { descendants, groupMembers, isSameProcess, listProcesses } from '../proc/procTable';

const TREE_POLL_MS = 500;
const CLEANUP_GRACE_MS = 2_000;

interface Seen {
  pid: number;
  startTicks: number;
}

function writeExit(file: string, data: object): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(data) + '\n');
  renameSync(tmp, file);
}

/** Processes of the run other than this shim that are still alive: group members and remembered descendants. */
function leftovers(seen: Map<number, Seen>): Seen[] {
  const table = listProcesses();
  const out = new Map<number, Seen>();
  for (const p of groupMembers(process.pid, table)) if (p.pid !== process.pid) out.set(p.pid, p);
  for (const s of seen.values()) if (!out.has(s.pid) && isSameProcess(s.pid, s.startTicks)) out.set(s.pid, s);
  return [...out.values()];
}

function signalAll(list: Seen[], sig: NodeJS.Signals): void {
  for (const p of list) {
    try {
      process.kill(p.pid, sig);
    } catch {
      // already gone
    }
  }
}

async function cleanup(seen: Map<number, Seen>): Promise<void> {
  let left = leftovers(seen);
  if (!left.length) return;
  signalAll(left, 'SIGTERM');
  const deadline = Date.now() + CLEANUP_GRACE_MS;
  while (Date.now() < deadline && (left = leftovers(seen)).length) await new Promise((r) => setTimeout(r, 50));
  signalAll(leftovers(seen), 'SIGKILL');
}

function main(): void {
  const [exitFile, cmd, ...args] = process.argv.slice(2);
  if (!exitFile || !cmd) {
    process.stderr.write('runShim: usage: runShim <exit.json> <command> [args…]\n');
    process.exit(2);
  }
  // The group gets SIGINT on stop: it is meant for the command; the shim stays to record the outcome.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
  const seen = new Map<number, Seen>();
  const child = spawn(cmd, args, { stdio: 'inherit' });
  const watchTree = setInterval(() => {
    if (child.pid === undefined) return;
    for (const d of descendants(child.pid)) seen.set(d.pid, { pid: d.pid, startTicks: d.startTicks });
  }, TREE_POLL_MS);
  let done = false;
  const finish = (data: { code: number | null; signal: string | null; error?: string }): void => {
    if (done) return;
    done = true;
    clearInterval(watchTree);
    try {
      writeExit(exitFile, { ...data, pid: child.pid ?? null, endedAt: Date.now() });
    } catch (e) {
      process.stderr.write(`runShim: cannot write ${exitFile}: ${(e as Error).message}\n`);
    }
    void cleanup(seen).finally(() => process.exit(0));
  };
  child.on('error', (err) => {
    process.stderr.write(`rubato: cannot start ${cmd}: ${err.message}\n`);
    finish({ code: 127, signal: null, error: `cannot start ${cmd}: ${err.message}` });
  });
  child.on('exit', (code, signal) => finish({ code, signal }));
}

main();
