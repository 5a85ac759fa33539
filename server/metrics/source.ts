// Where a hosted (external) run's metrics come from, as the run-spec's [metrics] section says.
// Plain data: server/runspec/externalRun.ts builds it, the run supervisor reads it.

import type { StdoutPattern } from './stdoutPatterns';

export type MetricsSourceKind = 'stdout' | 'jsonl' | 'tfevents';
export const METRICS_SOURCE_KINDS: readonly MetricsSourceKind[] = ['stdout', 'jsonl', 'tfevents'];

export type MetricsSourceSpec =
  /** Regexes over the script's stdout lines (a preset's patterns are already expanded here). */
  | { kind: 'stdout'; patterns: StdoutPattern[] }
  /** A JSON-lines file the script appends to; absolute path. */
  | { kind: 'jsonl'; path: string; stepKey?: string; timeKey?: string }
  /** A folder where the script writes `events.out.tfevents.*` files (searched recursively); absolute path. */
  | { kind: 'tfevents'; dir: string };
