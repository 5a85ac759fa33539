// What the supervisor launches: one plain description for the trainer and for external commands, made
// from a spec by trainerPlan.ts (or the external-run reader) and persisted in the run record.

import type { MetricsSourceSpec } from '../metrics/source';
import type { RunKind } from '../protocol/runs';

/** Where an external run's metrics come from (absolute paths; JSON-serializable, persisted in the record). */
export type MetricsSource = MetricsSourceSpec;

export interface LaunchPlan {
  kind: RunKind;
  /** Shown in lists: the spec's file name without `.run.toml`. */
  name: string;
  /** Absolute path of the spec (its text is copied into the run folder at each launch). */
  specPath: string;
  runDir: string;
  /** argv, no shell. */
  command: string[];
  cwd: string;
  /** Variables added to the supervisor's environment. */
  env: Record<string, string>;
  resumeArgs: string[];
  device: string;
  usesGpu: boolean;
  totalSteps: number | null;
  /** null: the command writes `<runDir>/metrics.jsonl` itself (the trainer). */
  metricsSource: MetricsSource | null;
}

export const specName = (specPath: string): string => {
  const base = specPath.split(/[\\/]/).pop() ?? specPath;
  return base.replace(/\.run\.toml$/, '').replace(/\.toml$/, '') || base;
};
