// A run's metrics.jsonl line → MetricRow, and the backfill read over that one file. The trainer's lines
// (nested `velocity_r`, `rubato_r`) and the ingestor's normalized lines read the same way.

import path from 'node:path';
import type { MetricRow } from '../protocol/runs';
import { readLines } from './lines';
import { RUN_FILES } from './paths';

/** Flattens one parsed JSON object: numbers kept, nested objects as `a/b`, booleans 1/0, the rest dropped. */
function flattenInto(prefix: string, v: unknown, out: Record<string, number | null>): void {
  if (typeof v === 'number') out[prefix] = Number.isFinite(v) ? v : null;
  else if (v === null) out[prefix] = null;
  else if (typeof v === 'boolean') out[prefix] = v ? 1 : 0;
  else if (typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v as object)) flattenInto(prefix ? `${prefix}/${k}` : k, x, out);
}

/** One metrics.jsonl line as a row; null for a line that is not an object with an integer `step`. */
export function rowFromMetricsLine(line: string): MetricRow | null {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return null;
  const { step, wall_time: wallTime, ...rest } = rec as Record<string, unknown>;
  if (typeof step !== 'number' || !Number.isSafeInteger(step)) return null;
  const values: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(rest)) flattenInto(k, v, values);
  return { step, wallTime: typeof wallTime === 'number' ? wallTime : null, values };
}

/** The row as one normalized metrics.jsonl line (what the ingestor appends for external runs). */
export function metricsLineOf(row: MetricRow): string {
  return JSON.stringify({ step: row.step, wall_time: row.wallTime, ...row.values });
}

export interface MetricsPage {
  rows: MetricRow[];
  nextOffset: number;
  /** True when every complete line up to the end of the file was read. */
  complete: boolean;
}

export const DEFAULT_METRICS_LIMIT = 5000;

/** Backfill: up to `limit` rows from byte `fromOffset` of `<runDir>/metrics.jsonl` (complete lines only). */
export function readMetrics(runDir: string, fromOffset: number, limit = DEFAULT_METRICS_LIMIT): MetricsPage {
  const chunk = readLines(path.join(runDir, RUN_FILES.metrics), fromOffset);
  if (!chunk) return { rows: [], nextOffset: fromOffset, complete: true };
  const rows: MetricRow[] = [];
  let next = fromOffset;
  for (const l of chunk.lines) {
    if (rows.length >= limit) return { rows, nextOffset: next, complete: false };
    const row = rowFromMetricsLine(l.text);
    if (row) rows.push(row);
    next = l.end;
  }
  return { rows, nextOffset: next, complete: chunk.reachedEnd };
}
