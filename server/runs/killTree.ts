// Signals to a run: the polite one (SIGINT to the whole process group: the trainer checkpoints and
// exits) and the final one (SIGKILL to the group and to every process of the run seen by pid + start
// time, in case one left the group with setsid). A pid is never signalled without its start time.

import { descendants, groupMembers, isSameProcess, listProcesses, type ProcStat } from '../proc/procTable';
import type { ProcRef } from './record';

const trySignal = (pid: number, sig: NodeJS.Signals): boolean => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
};

/** SIGINT (or another signal) to the group the leader leads, only while the leader is the same process. */
export function signalGroup(leader: ProcRef, sig: NodeJS.Signals): boolean {
  if (!isSameProcess(leader.pid, leader.startTicks ?? undefined)) return false;
  return trySignal(-leader.pid, sig);
}

/** Every live process of the run: the leader's group, its descendants and the remembered tree. */
export function runProcesses(leader: ProcRef | null, tree: ProcRef[], table: ProcStat[] = listProcesses()): ProcRef[] {
  const out = new Map<number, ProcRef>();
  const alive = (r: ProcRef): boolean => table.some((p) => p.pid === r.pid && p.state !== 'Z' && (r.startTicks === null || p.startTicks === r.startTicks));
  if (leader) {
    // A dead leader's group id is ours while members remain; a *reused* leader pid means the group is a stranger's.
    const holder = table.find((p) => p.pid === leader.pid);
    const groupIsOurs = !holder || leader.startTicks === null || holder.startTicks === leader.startTicks;
    if (groupIsOurs) for (const p of groupMembers(leader.pid, table)) out.set(p.pid, { pid: p.pid, startTicks: p.startTicks });
    if (alive(leader)) for (const p of descendants(leader.pid, table)) if (p.state !== 'Z') out.set(p.pid, { pid: p.pid, startTicks: p.startTicks });
  }
  for (const r of tree) if (!out.has(r.pid) && alive(r)) out.set(r.pid, r);
  return [...out.values()];
}

/** SIGKILL to the group and every remembered process of the run; returns how many were signalled. */
export function killRun(leader: ProcRef | null, tree: ProcRef[]): number {
  const list = runProcesses(leader, tree);
  if (leader && list.some((p) => p.pid === leader.pid)) trySignal(-leader.pid, 'SIGKILL');
  let n = 0;
  for (const p of list) if (isSameProcess(p.pid, p.startTicks ?? undefined) && trySignal(p.pid, 'SIGKILL')) n++;
  return n;
}
