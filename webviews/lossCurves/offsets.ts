// Keeps one run's metric rows gap-free and duplicate-free using the byte offsets of its metrics log.
//
// Rows arrive in chunks covering [fromOffset, nextOffset) of the log: backfill pages the view asked for and
// live appends the host forwards, in any interleaving (an append may overtake a backfill, a reconnect may
// resend). A chunk that starts where we are is applied; one that ends where we already are is a duplicate
// and dropped; one that starts beyond us waits in `pending` and we ask for a backfill from where we are;
// one that straddles where we are cannot be split (rows are not byte-addressable) so it is dropped and the
// backfill covers it. At most one backfill is in flight per run. Pure data: no DOM, no timers.

import type { MetricRow } from '../../server/protocol/runs';

export interface Chunk {
  fromOffset: number;
  nextOffset: number;
  rows: MetricRow[];
}

export interface RunStream {
  /** Everything before this byte offset has been applied, exactly once. */
  nextOffset: number;
  /** Chunks that start beyond `nextOffset`, sorted by fromOffset. */
  pending: Chunk[];
  /** fromOffset of the backfill request in flight, or null. */
  inFlight: number | null;
  /** The last backfill page said the log was read to its end (live appends keep it current from there). */
  caughtUp: boolean;
  /** The last backfill failure, cleared by the next successful page. */
  error: string | null;
}

export interface StreamStep {
  /** Rows to add to the chart, in log order. */
  apply: MetricRow[];
  /** Ask the host for a backfill from this offset (already recorded as in flight), or null. */
  requestFrom: number | null;
  /** Chunks dropped as already applied. */
  duplicates: number;
}

/** Bound on buffered out-of-order chunks; older ones are dropped (the backfill re-reads them from the log). */
export const MAX_PENDING_CHUNKS = 10_000;

export const newRunStream = (): RunStream => ({ nextOffset: 0, pending: [], inFlight: null, caughtUp: false, error: null });

/** Starts (or restarts after a failure) reading the history: the backfill request to send, if any. */
export function startBackfill(s: RunStream): number | null {
  if (s.inFlight !== null) return null;
  s.inFlight = s.nextOffset;
  return s.inFlight;
}

export function receiveAppend(s: RunStream, c: Chunk): StreamStep {
  const step: StreamStep = { apply: [], requestFrom: null, duplicates: 0 };
  if (c.nextOffset <= s.nextOffset) {
    step.duplicates++;
  } else if (c.fromOffset === s.nextOffset) {
    apply(s, c, step);
  } else if (c.fromOffset > s.nextOffset) {
    insertPending(s, c);
  } else {
    // Straddles nextOffset: cannot be split; the backfill from nextOffset will bring these rows.
    s.caughtUp = false;
  }
  drain(s, step);
  step.requestFrom = needsBackfill(s) ? startBackfill(s) : null;
  return step;
}

export function receiveBackfill(s: RunStream, c: Chunk, complete: boolean): StreamStep {
  const step: StreamStep = { apply: [], requestFrom: null, duplicates: 0 };
  if (s.inFlight === c.fromOffset) s.inFlight = null;
  s.error = null;
  if (c.nextOffset <= s.nextOffset && !(c.rows.length === 0 && c.fromOffset === s.nextOffset)) {
    step.duplicates++;
  } else if (c.fromOffset === s.nextOffset) {
    apply(s, c, step);
    s.caughtUp = complete;
  } else {
    // A page we no longer need the start of (an append moved us past it) or one from a request we did not
    // make: never apply out of place; ask again from where we are.
    s.caughtUp = false;
  }
  drain(s, step);
  if (!complete || needsBackfill(s)) step.requestFrom = startBackfill(s);
  return step;
}

export function receiveBackfillFailure(s: RunStream, fromOffset: number, message: string): void {
  if (s.inFlight === fromOffset) s.inFlight = null;
  s.error = message;
}

function apply(s: RunStream, c: Chunk, step: StreamStep): void {
  for (const r of c.rows) step.apply.push(r);
  s.nextOffset = c.nextOffset;
}

function insertPending(s: RunStream, c: Chunk): void {
  let i = s.pending.length;
  while (i > 0 && s.pending[i - 1]!.fromOffset > c.fromOffset) i--;
  s.pending.splice(i, 0, c);
  if (s.pending.length > MAX_PENDING_CHUNKS) s.pending.shift();
}

/** Applies pending chunks that now start exactly at nextOffset; drops those already covered. */
function drain(s: RunStream, step: StreamStep): void {
  for (;;) {
    const head = s.pending[0];
    if (!head || head.fromOffset > s.nextOffset) return;
    s.pending.shift();
    if (head.nextOffset <= s.nextOffset) step.duplicates++;
    else if (head.fromOffset === s.nextOffset) apply(s, head, step);
    // else: straddles, dropped; needsBackfill asks for its bytes since a gap may remain.
    else s.caughtUp = false;
  }
}

/** A gap before a pending chunk, or rows we dropped, means the log must be read from nextOffset. */
function needsBackfill(s: RunStream): boolean {
  return s.error === null && (s.pending.length > 0 || !s.caughtUp);
}
