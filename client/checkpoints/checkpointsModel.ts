// The client's copy of checkpoints per run, refreshed from `rubato/runs/checkpoints` when a run's
// step or best checkpoint changes. No I/O here: the sync code fetches and calls `setForRun`.

import type { CheckpointInfo } from '../../server/protocol';
import { Signal } from '../tree/signal';

export class CheckpointsModel {
  private readonly byRun = new Map<string, CheckpointInfo[]>();
  readonly changed = new Signal<void>();

  setAll(checkpoints: readonly CheckpointInfo[]): void {
    this.byRun.clear();
    for (const c of checkpoints) {
      const list = this.byRun.get(c.runId) ?? [];
      list.push(c);
      this.byRun.set(c.runId, list);
    }
    this.changed.fire();
  }

  setForRun(runId: string, checkpoints: readonly CheckpointInfo[]): void {
    if (checkpoints.length === 0) this.byRun.delete(runId);
    else this.byRun.set(runId, [...checkpoints]);
    this.changed.fire();
  }

  /** Run ids with checkpoints, in insertion order. */
  runIds(): string[] {
    return [...this.byRun.keys()];
  }

  forRun(runId: string): readonly CheckpointInfo[] {
    return this.byRun.get(runId) ?? [];
  }

  find(path: string): CheckpointInfo | undefined {
    for (const list of this.byRun.values()) for (const c of list) if (c.path === path) return c;
    return undefined;
  }
}
