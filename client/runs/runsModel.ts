// The client's copy of run state: filled by `rubato/runs/list` at start and kept current by
// `rubato/runs/updated` notifications. Trees and the status bar read it; nothing here does I/O.

import { isTerminalState, type RunInfo } from '../../server/protocol';
import { Signal } from '../tree/signal';

export class RunsModel {
  private readonly runs = new Map<string, RunInfo>();
  readonly changed = new Signal<void>();
  /** One run changed (and it was known before). */
  readonly updated = new Signal<RunInfo>();
  /** Runs were added or replaced wholesale: views that mirror the list resend it. */
  readonly listChanged = new Signal<void>();

  /** Replaces everything (the answer to a list request). */
  setAll(runs: readonly RunInfo[]): void {
    this.runs.clear();
    for (const r of runs) this.runs.set(r.id, r);
    this.changed.fire();
    this.listChanged.fire();
  }

  upsert(run: RunInfo): void {
    const known = this.runs.has(run.id);
    this.runs.set(run.id, run);
    this.changed.fire();
    if (known) this.updated.fire(run);
    else this.listChanged.fire();
  }

  get(id: string): RunInfo | undefined {
    return this.runs.get(id);
  }

  /** Active runs first (most recently started first), then the rest, newest first. */
  list(): RunInfo[] {
    const rank = (r: RunInfo): number => (isTerminalState(r.state) ? 1 : 0);
    return [...this.runs.values()].sort((a, b) => rank(a) - rank(b) || b.queuedAt - a.queuedAt || a.id.localeCompare(b.id));
  }

  /** The run a user most likely means by "the current run": the one training now, else the newest queued. */
  currentRun(): RunInfo | null {
    const queued = [...this.runs.values()].filter((r) => r.state === 'queued').sort((a, b) => b.queuedAt - a.queuedAt);
    return this.activeRun() ?? queued[0] ?? null;
  }

  /** The run the status bar follows: the most recently started of those running, else null. */
  activeRun(): RunInfo | null {
    const live = [...this.runs.values()].filter((r) => r.state === 'running' || r.state === 'starting' || r.state === 'stopping');
    live.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
    return live[0] ?? null;
  }
}
