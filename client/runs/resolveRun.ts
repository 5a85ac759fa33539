// Which run a command means: a Runs-view node id (`run:<id>`), a bare run id, or none (the caller then
// asks with a quick pick). Pure.

import type { RunInfo, RunState } from '../../server/protocol';

export function runIdFromArg(arg: unknown): string | null {
  if (typeof arg !== 'string' || arg === '') return null;
  return arg.startsWith('run:') ? arg.slice(4) : arg;
}

export const STOPPABLE: readonly RunState[] = ['queued', 'starting', 'running'];
export const RESUMABLE: readonly RunState[] = ['failed', 'stopped'];

export function runsIn(runs: readonly RunInfo[], states: readonly RunState[]): RunInfo[] {
  return runs.filter((r) => states.includes(r.state));
}
