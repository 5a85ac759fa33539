// Protocol for supervised runs: start / stop / resume / list, run updates, the metrics stream with
// backfill, logs and checkpoints. Who sends what is said on each constant. Plain data only.

import { asRecord, isNonEmptyString, isNonNegativeInt } from './check';

export type RunState = 'queued' | 'starting' | 'running' | 'stopping' | 'finished' | 'failed' | 'stopped';
export const RUN_STATES: readonly RunState[] = ['queued', 'starting', 'running', 'stopping', 'finished', 'failed', 'stopped'];
export const isTerminalState = (s: RunState): boolean => s === 'finished' || s === 'failed' || s === 'stopped';

/** `trainer`: Rubato's own PyTorch worker; `external`: any command described by a spec's [external] section. */
export type RunKind = 'trainer' | 'external';

/** What every view shows about one run; the server's projection of its persisted record. */
export interface RunInfo {
  id: string;
  name: string;
  kind: RunKind;
  state: RunState;
  /** Absolute path of the spec the run was started from (a copy is kept in the run folder). */
  specPath: string;
  /** Absolute path of the run folder: spec copy, logs, metrics.jsonl, status.json, checkpoints. */
  runDir: string;
  /** Rank-0 / leader pid while alive. */
  pid: number | null;
  /** 'cpu', 'cuda', 'cuda:0', … as the spec asks (or 'unknown' for external runs). */
  device: string;
  /** Whether the run holds the GPU queue slot. */
  usesGpu: boolean;
  step: number | null;
  totalSteps: number | null;
  lastLoss: number | null;
  /** Seconds left, extrapolated from recent steps; null when unknown. */
  etaSec: number | null;
  queuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  /** Why it failed or stopped, for people (includes the last log lines' gist when failed). */
  message: string | null;
  bestCheckpoint: string | null;
  bestExpressionScore: number | null;
}

/** One metrics record: a trainer step, a parsed stdout line, a JSON line or tfevents scalars, flattened. */
export interface MetricRow {
  step: number;
  /** Seconds since the run began (or unix seconds for sources that only know that; see `timeBase`). */
  wallTime: number | null;
  /** Flattened names, e.g. `train_loss`, `val_loss`, `velocity_r/8`, `expression_score`. */
  values: Record<string, number | null>;
}

export interface CheckpointInfo {
  runId: string;
  /** Absolute path of the checkpoint folder. */
  path: string;
  step: number;
  valLoss: number | null;
  expressionScore: number | null;
  velocityR: Record<string, number | null>;
  rubatoR: Record<string, number | null>;
  best: boolean;
}

// ---- client → server requests

export const StartRunRequest = { method: 'rubato/runs/start' } as const;
export interface StartRunParams {
  /** Absolute path of a `*.run.toml`. */
  specPath: string;
  /** Start even though the memory preflight says the estimate exceeds free GPU memory. */
  ignorePreflight?: boolean;
}
export interface StartRunResult {
  run: RunInfo;
  /** Preflight warnings shown to the user (the run was started or queued anyway). */
  warnings: string[];
}

export const StopRunRequest = { method: 'rubato/runs/stop' } as const;
export interface RunIdParams {
  id: string;
}
export const ResumeRunRequest = { method: 'rubato/runs/resume' } as const;
export const ListRunsRequest = { method: 'rubato/runs/list' } as const;
export interface ListRunsResult {
  runs: RunInfo[];
}

/** Backfill: rows of a run's metrics from a byte offset of its metrics log (0 = from the start). */
export const RunMetricsRequest = { method: 'rubato/runs/metrics' } as const;
export interface RunMetricsParams {
  id: string;
  fromOffset: number;
  /** At most this many rows (the rest come with the next call from `nextOffset`). */
  limit?: number;
}
export interface RunMetricsResult {
  id: string;
  rows: MetricRow[];
  nextOffset: number;
  /** True when the whole log up to now was read. */
  complete: boolean;
}

export const RunLogRequest = { method: 'rubato/runs/log' } as const;
export interface RunLogResult {
  id: string;
  /** Absolute path of the run's combined stdout/stderr log. */
  logPath: string;
  /** Its last lines. */
  tail: string[];
}

export const ListCheckpointsRequest = { method: 'rubato/runs/checkpoints' } as const;
export interface ListCheckpointsParams {
  /** One run, or every run when absent. */
  id?: string;
}
export interface ListCheckpointsResult {
  checkpoints: CheckpointInfo[];
}

// ---- server → client notifications

/** Sent whenever a run's info changes (state, step, loss, ETA). */
export const RunUpdatedNotification = { method: 'rubato/runs/updated' } as const;
export interface RunUpdatedParams {
  run: RunInfo;
}

/** New metric rows as they arrive; `fromOffset`/`nextOffset` let a view detect a gap and backfill. */
export const RunMetricsNotification = { method: 'rubato/runs/metricsAppended' } as const;
export interface RunMetricsAppendedParams {
  id: string;
  rows: MetricRow[];
  fromOffset: number;
  nextOffset: number;
}

// ---- validators (every inbound message)

const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** A run id as the server names run folders (letters, digits, `._-`, at most 128). */
export const isRunId = (v: unknown): v is string => typeof v === 'string' && RUN_ID.test(v);

export function checkStartRunParams(x: unknown): string | null {
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  if (!isNonEmptyString(p.specPath)) return 'specPath must be a non-empty path';
  if (!p.specPath.endsWith('.run.toml')) return `specPath must name a *.run.toml file, got ${JSON.stringify(p.specPath)}`;
  if (p.ignorePreflight !== undefined && typeof p.ignorePreflight !== 'boolean') return 'ignorePreflight must be a boolean';
  return null;
}

export function checkRunIdParams(x: unknown): string | null {
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  if (!isRunId(p.id)) return `id must be a run id, got ${JSON.stringify(p.id)}`;
  return null;
}

export function checkRunMetricsParams(x: unknown): string | null {
  const bad = checkRunIdParams(x);
  if (bad) return bad;
  const p = x as Record<string, unknown>;
  if (!isNonNegativeInt(p.fromOffset)) return 'fromOffset must be a non-negative integer';
  if (p.limit !== undefined && !(typeof p.limit === 'number' && Number.isSafeInteger(p.limit) && p.limit > 0)) return 'limit must be a positive integer';
  return null;
}

export function checkListCheckpointsParams(x: unknown): string | null {
  if (x === undefined || x === null) return null;
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  if (p.id !== undefined) return checkRunIdParams(p);
  return null;
}
