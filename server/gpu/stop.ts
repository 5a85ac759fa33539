// Stopping a stray by pid: only after explicit confirmation, only while pid + start time still name the process the
// user saw (a pid can be reused between the listing and the click), never one of the supervisor's runs (they have
// their own stop, which also cleans up their run folder). SIGTERM first so the job can save, SIGKILL after a grace.

import { descendants, isSameProcess, listProcesses, readCmdline } from '../proc/procTable';
import type { StopProcessResult } from '../protocol/gpu';
import { shortCmdline } from './format';
import { readProcOwner, userName } from './procOwner';
import { carriesRunId } from './strays';

export const DEFAULT_GRACE_MS = 10_000;
/** After SIGKILL: long enough for the kernel to tear down a big address space, short enough to answer the user. */
const KILL_WAIT_MS = 3_000;
const POLL_MS = 100;

export interface StopRequest {
  pid: number;
  startTicks: number;
  confirm: boolean;
  /** The supervisor's live run leaders: refused here (and their descendants), they are stopped as runs. */
  supervisedPids?: ReadonlySet<number>;
  graceMs?: number;
  /** How a signal is sent (tests inject EPERM, which root — the CI user — never sees). */
  sendSignal?: (pid: number, signal: NodeJS.Signals) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitGone(pid: number, startTicks: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!isSameProcess(pid, startTicks)) return true;
    if (Date.now() >= until) return false;
    await sleep(POLL_MS);
  }
}

/** Why this pid may not be stopped here, or null. */
function protectedReason(pid: number, supervised: ReadonlySet<number>): string | null {
  if (pid === process.pid) return `pid ${pid} is this Rubato server`;
  if (pid === process.ppid) return `pid ${pid} is the process that started this Rubato server`;
  if (pid <= 1) return `pid ${pid} is not a process Rubato stops`;
  const table = listProcesses();
  if (descendants(process.pid, table).some((p) => p.pid === pid)) return `pid ${pid} was started by this Rubato server`;
  for (const root of supervised) {
    if (root === pid || descendants(root, table).some((p) => p.pid === pid)) return `pid ${pid} belongs to a supervised run (leader pid ${root}): stop the run instead`;
  }
  if (carriesRunId(pid)) return `pid ${pid} was started by Rubato's run supervisor: stop the run instead (rubato runs)`;
  return null;
}

export async function stopProcess(req: StopRequest): Promise<StopProcessResult> {
  const { pid, startTicks } = req;
  const refused = (message: string): StopProcessResult => ({ pid, outcome: 'refused', signalsSent: [], message });
  if (req.confirm !== true) return refused(`not stopping pid ${pid}: stopping a process needs explicit confirmation`);
  const prot = protectedReason(pid, req.supervisedPids ?? new Set());
  if (prot) return refused(`not stopping pid ${pid}: ${prot}`);
  if (!isSameProcess(pid, startTicks)) {
    return refused(`not stopping pid ${pid}: it is no longer the process that was listed (it exited, or the pid now names another process); nothing was sent`);
  }
  const what = `pid ${pid} (${shortCmdline(readCmdline(pid).join(' ') || '?')})`;
  const signalsSent: string[] = [];
  const send = (signal: NodeJS.Signals): 'sent' | 'gone' | string => {
    try {
      if (req.sendSignal) req.sendSignal(pid, signal);
      else process.kill(pid, signal);
      signalsSent.push(signal);
      return 'sent';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return 'gone';
      if (code === 'EPERM') {
        const owner = userName(readProcOwner(pid).uid);
        const me = userName(process.getuid?.() ?? null);
        return `${what} belongs to user ${owner ?? '?'}; Rubato runs as ${me ?? '?'} and is not allowed to signal it (ask its owner or an administrator)`;
      }
      return `${signal} to ${what} failed: ${(err as Error).message}`;
    }
  };

  const term = send('SIGTERM');
  if (term === 'gone') return { pid, outcome: 'gone', signalsSent, message: `${what} had already exited` };
  if (term !== 'sent') return refused(term);
  const graceMs = req.graceMs ?? DEFAULT_GRACE_MS;
  if (await waitGone(pid, startTicks, graceMs)) return { pid, outcome: 'terminated', signalsSent, message: `${what} exited after SIGTERM` };
  // Still the same process after the grace period (checked again right here: never SIGKILL a reused pid).
  if (!isSameProcess(pid, startTicks)) return { pid, outcome: 'terminated', signalsSent, message: `${what} exited after SIGTERM` };
  const kill = send('SIGKILL');
  if (kill === 'gone') return { pid, outcome: 'terminated', signalsSent, message: `${what} exited after SIGTERM` };
  if (kill !== 'sent') return { pid, outcome: 'survived', signalsSent, message: kill };
  if (await waitGone(pid, startTicks, KILL_WAIT_MS)) {
    return { pid, outcome: 'killed', signalsSent, message: `${what} ignored SIGTERM for ${graceMs / 1000} s and was killed (SIGKILL)` };
  }
  return { pid, outcome: 'survived', signalsSent, message: `${what} is still alive after SIGKILL (stuck in the kernel or the GPU driver; a reboot may be needed)` };
}
