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
import { RUN_STATES } from '../runs';

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

const obj = (x: unknown): Record<string, unknown> | null => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : null);
const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/;
const runIdOk = (v: unknown): v is string => typeof v === 'string' && RUN_ID.test(v);
const offsetOk = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const numOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));

/** A metric row as JSON carries it (a non-finite value travels as null). */
export function checkMetricRow(x: unknown): string | null {
  const r = obj(x);
  if (!r) return 'a row must be an object';
  if (!(typeof r.step === 'number' && Number.isFinite(r.step))) return `row step must be a number, got ${JSON.stringify(r.step)}`;
  if (!numOrNull(r.wallTime)) return 'row wallTime must be a number or null';
  const v = obj(r.values);
  if (!v) return 'row values must be an object';
  for (const [k, val] of Object.entries(v)) if (!numOrNull(val)) return `row value ${JSON.stringify(k)} must be a number or null`;
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
  const r = obj(x);
  if (!r) return 'a run must be an object';
  if (!runIdOk(r.id)) return `run id must be a run id, got ${JSON.stringify(r.id)}`;
  if (typeof r.name !== 'string') return 'run name must be a string';
  if (typeof r.state !== 'string' || !(RUN_STATES as readonly string[]).includes(r.state)) return `run state must be one of ${RUN_STATES.join(', ')}`;
  if (!numOrNull(r.step ?? null) || !numOrNull(r.totalSteps ?? null) || !numOrNull(r.lastLoss ?? null)) return 'run step, totalSteps and lastLoss must be numbers or null';
  return null;
}

function checkOffsets(m: Record<string, unknown>): string | null {
  if (!runIdOk(m.runId)) return `runId must be a run id, got ${JSON.stringify(m.runId)}`;
  if (!offsetOk(m.fromOffset)) return 'fromOffset must be a non-negative integer';
  return null;
}

export function checkHostToView(x: unknown): string | null {
  const m = obj(x);
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
        (!offsetOk(m.nextOffset) || m.nextOffset < (m.fromOffset as number) ? 'nextOffset must be an integer ≥ fromOffset' : null) ??
        (typeof m.complete !== 'boolean' ? 'complete must be a boolean' : null) ??
        checkRows(m.rows)
      );
    case 'backfillFailed':
      return checkOffsets(m) ?? (typeof m.message !== 'string' ? 'message must be a string' : null);
    case 'appended':
      return checkOffsets(m) ?? (!offsetOk(m.nextOffset) || m.nextOffset < (m.fromOffset as number) ? 'nextOffset must be an integer ≥ fromOffset' : null) ?? checkRows(m.rows);
    case 'focusRun':
      return runIdOk(m.runId) ? null : `runId must be a run id, got ${JSON.stringify(m.runId)}`;
    default: {
      const never: never = kind;
      return `unknown message kind ${JSON.stringify(never)}`;
    }
  }
}

export function checkViewToHost(x: unknown): string | null {
  const m = obj(x);
  if (!m) return 'message must be an object';
  const kind = m.kind as LossCurvesViewToHost['kind'];
  switch (kind) {
    case 'ready':
      return null;
    case 'backfill':
      return checkOffsets(m);
    case 'selectRuns': {
      if (!Array.isArray(m.runIds)) return 'runIds must be an array';
      const bad = m.runIds.findIndex((r) => !runIdOk(r));
      return bad >= 0 ? `runIds[${bad}] must be a run id` : null;
    }
    default: {
      const never: never = kind;
      return `unknown message kind ${JSON.stringify(never)}`;
    }
  }
}
