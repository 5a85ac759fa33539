// Messages between the loss-curves webview (webviews/lossCurves) and its host in the client, which
// relays the runs protocol (../runs.ts). Both sides validate what they receive with the checkers here.
//
// Flow: the view posts {kind:'ready'}; the host answers {kind:'runs'} (every run it knows), then forwards
// every `rubato/runs/metricsAppended` notification as {kind:'appended'} and every `rubato/runs/updated` as
// {kind:'runUpdated'}. The view asks for history with {kind:'backfill', runId, fromOffset}; the host calls
// `rubato/runs/metrics` {id, fromOffset, limit?} and posts the page as {kind:'backfill'} with the same
// fromOffset (or {kind:'backfillFailed'}). The view asks again from `nextOffset` until `complete`. Offsets
// are byte offsets of the run's metrics log: the view detects gaps and duplicates with them, so the host
// may forward appends before, during or after a backfill in any interleaving.

import type { MetricRow, RunInfo } from '../runs';
import { isRunId, RUN_STATES } from '../runs';
import { asRecord, isFiniteOrNull, isNonNegativeInt } from '../check';

export type LossCurvesHostToView =
  /** Every run the server knows (sent after `ready` and whenever the list changes). */
  | { kind: 'runs'; runs: RunInfo[] }
  | { kind: 'runUpdated'; run: RunInfo }
  /** One page answering a `backfill` request: rows of the log from `fromOffset` to `nextOffset`. */
  | { kind: 'backfill'; runId: string; fromOffset: number; rows: MetricRow[]; nextOffset: number; complete: boolean }
  | { kind: 'backfillFailed'; runId: string; fromOffset: number; message: string }
  /** A `rubato/runs/metricsAppended` notification, as received. */
  | { kind: 'appended'; runId: string; rows: MetricRow[]; fromOffset: number; nextOffset: number }
  /** "Open Curves" on a run: show it (select it if it is not). */
  | { kind: 'focusRun'; runId: string };

export type LossCurvesViewToHost =
  | { kind: 'ready' }
  | { kind: 'backfill'; runId: string; fromOffset: number }
  /** The runs the view shows; a host may forward appends of these only (forwarding all is fine too). */
  | { kind: 'selectRuns'; runIds: string[] };

// Names kept apart from other panels' unions when imported together.
export type HostToView = LossCurvesHostToView;
export type ViewToHost = LossCurvesViewToHost;

// ---- validators

/** A metric row as JSON carries it (a non-finite value travels as null). */
export function checkMetricRow(x: unknown): string | null {
  const r = asRecord(x);
  if (!r) return 'a row must be an object';
  if (!(typeof r.step === 'number' && Number.isFinite(r.step))) return `row step must be a number, got ${JSON.stringify(r.step)}`;
  if (!isFiniteOrNull(r.wallTime)) return 'row wallTime must be a number or null';
  const v = asRecord(r.values);
  if (!v) return 'row values must be an object';
  for (const [k, val] of Object.entries(v)) if (!isFiniteOrNull(val)) return `row value ${JSON.stringify(k)} must be a number or null`;
  return null;
}

function checkRows(x: unknown): string | null {
  if (!Array.isArray(x)) return 'rows must be an array';
  for (let i = 0; i < x.length; i++) {
    const bad = checkMetricRow(x[i]);
    if (bad) return `rows[${i}]: ${bad}`;
  }
  return null;
}

/** What the view reads of a run; the rest of RunInfo is passed through untouched. */
export function checkRunInfo(x: unknown): string | null {
  const r = asRecord(x);
  if (!r) return 'a run must be an object';
  if (!isRunId(r.id)) return `run id must be a run id, got ${JSON.stringify(r.id)}`;
  if (typeof r.name !== 'string') return 'run name must be a string';
  if (typeof r.state !== 'string' || !(RUN_STATES as readonly string[]).includes(r.state)) return `run state must be one of ${RUN_STATES.join(', ')}`;
  if (!isFiniteOrNull(r.step ?? null) || !isFiniteOrNull(r.totalSteps ?? null) || !isFiniteOrNull(r.lastLoss ?? null)) return 'run step, totalSteps and lastLoss must be numbers or null';
  return null;
}

function checkOffsets(m: Record<string, unknown>): string | null {
  if (!isRunId(m.runId)) return `runId must be a run id, got ${JSON.stringify(m.runId)}`;
  if (!isNonNegativeInt(m.fromOffset)) return 'fromOffset must be a non-negative integer';
  return null;
}

export function checkHostToView(x: unknown): string | null {
  const m = asRecord(x);
  if (!m) return 'message must be an object';
  const kind = m.kind as LossCurvesHostToView['kind'];
  switch (kind) {
    case 'runs': {
      if (!Array.isArray(m.runs)) return 'runs must be an array';
      for (let i = 0; i < m.runs.length; i++) {
        const bad = checkRunInfo(m.runs[i]);
        if (bad) return `runs[${i}]: ${bad}`;
      }
      return null;
    }
    case 'runUpdated':
      return checkRunInfo(m.run);
    case 'backfill':
      return (
        checkOffsets(m) ??
        (!isNonNegativeInt(m.nextOffset) || m.nextOffset < (m.fromOffset as number) ? 'nextOffset must be an integer ≥ fromOffset' : null) ??
        (typeof m.complete !== 'boolean' ? 'complete must be a boolean' : null) ??
        checkRows(m.rows)
      );
    case 'backfillFailed':
      return checkOffsets(m) ?? (typeof m.message !== 'string' ? 'message must be a string' : null);
    case 'appended':
      return checkOffsets(m) ?? (!isNonNegativeInt(m.nextOffset) || m.nextOffset < (m.fromOffset as number) ? 'nextOffset must be an integer ≥ fromOffset' : null) ?? checkRows(m.rows);
    case 'focusRun':
      return isRunId(m.runId) ? null : `runId must be a run id, got ${JSON.stringify(m.runId)}`;
    default: {
      const never: never = kind;
      return `unknown message kind ${JSON.stringify(never)}`;
    }
  }
}

export function checkViewToHost(x: unknown): string | null {
  const m = asRecord(x);
  if (!m) return 'message must be an object';
  const kind = m.kind as LossCurvesViewToHost['kind'];
  switch (kind) {
    case 'ready':
      return null;
    case 'backfill':
      return checkOffsets(m);
    case 'selectRuns': {
      if (!Array.isArray(m.runIds)) return 'runIds must be an array';
      const bad = m.runIds.findIndex((r) => !isRunId(r));
      return bad >= 0 ? `runIds[${bad}] must be a run id` : null;
    }
    default: {
      const never: never = kind;
      return `unknown message kind ${JSON.stringify(never)}`;
    }
  }
}
