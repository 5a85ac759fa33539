// The ingestor of an external run: reads its metrics source (stdout lines in the run log, a JSON-lines
// file, or TensorBoard event files in a folder) from persisted offsets and appends normalized rows to
// `<runDir>/metrics.jsonl`, so every run has one metrics file with one backfill.
//
// No loss, no duplicates across a supervisor crash: rows are appended first, then `ingest.json` records
// {source offsets, metrics size} atomically. On restore, bytes past the recorded size (appended by a
// supervisor that died before recording its offsets) are cut off and re-ingested from the recorded offsets.

import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../dataset/atomic';
import type { MetricRow } from '../protocol/runs';
import { readLines } from './lines';
import { RUN_FILES } from './paths';
import type { MetricsSource } from './plan';
import { metricsLineOf } from './rows';

/** The decoders, from server/metrics (injected, so this file does not depend on their internals). */
export interface SourceParsers {
  /** A parser for one line of the given line source (stdout or jsonl); null rows are skipped. */
  lineParser(source: Extract<MetricsSource, { kind: 'stdout' | 'jsonl' }>): (line: string) => MetricRow | null;
  /** A fresh decoder for one tfevents file: whole TFRecord frames in, rows out. */
  tfeventsDecoder(): { push(chunk: Uint8Array): MetricRow[] };
}

export interface IngestOffsets {
  /** Byte offset in the line source (the run log for stdout, the JSON-lines file for jsonl). */
  source: number;
  /** tfevents: byte offset per file name in the folder. */
  files: Record<string, number>;
  /** Size of metrics.jsonl after the last recorded append. */
  metricsSize: number;
}

export const EMPTY_OFFSETS: IngestOffsets = { source: 0, files: {}, metricsSize: 0 };

/** Complete TFRecord frames in `buf` (uint64 length, uint32 crc, data, uint32 crc): the byte count they span. */
export function completeFramesLength(buf: Uint8Array): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  while (at + 12 <= buf.length) {
    const len = Number(view.getBigUint64(at, true));
    const frame = 12 + len + 4;
    if (!Number.isSafeInteger(frame) || at + frame > buf.length) break;
    at += frame;
  }
  return at;
}

export class Ingestor {
  private offsets: IngestOffsets;
  private readonly metricsPath: string;
  private readonly lineParser: ((line: string) => MetricRow | null) | undefined;
  private readonly decoders = new Map<string, { push(chunk: Uint8Array): MetricRow[] }>();
  /** Event files whose decoding failed (CRC mismatch, absurd length): not read again. */
  private readonly broken = new Set<string>();

  constructor(
    private readonly source: MetricsSource,
    runDir: string,
    private readonly logPath: string,
    private readonly offsetsPath: string,
    private readonly parsers: SourceParsers,
    /** Told about a source that cannot be read on (a damaged event file); ingestion of the rest goes on. */
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {
    this.metricsPath = path.join(runDir, RUN_FILES.metrics);
    this.lineParser = source.kind === 'tfevents' ? undefined : parsers.lineParser(source);
    this.offsets = this.restore();
  }

  /** Recorded offsets; cuts metrics.jsonl back to the recorded size (rows past it will be ingested again). */
  private restore(): IngestOffsets {
    let o: IngestOffsets = { ...EMPTY_OFFSETS, files: {} };
    try {
      const x = JSON.parse(readFileSync(this.offsetsPath, 'utf8')) as Partial<IngestOffsets>;
      if (typeof x.source === 'number' && typeof x.metricsSize === 'number' && typeof x.files === 'object' && x.files) o = { source: x.source, files: x.files, metricsSize: x.metricsSize };
    } catch {
      // none yet: from the start
    }
    if (existsSync(this.metricsPath) && statSync(this.metricsPath).size > o.metricsSize) truncateSync(this.metricsPath, o.metricsSize);
    return o;
  }

  /** Reads what is new in the source, appends its rows; returns how many rows were appended. */
  poll(): number {
    const rows = this.source.kind === 'tfevents' ? this.pollTfevents(this.source.dir) : this.pollLines(this.source.kind === 'stdout' ? this.logPath : this.source.path);
    if (!rows) return 0;
    if (rows.length) {
      const text = rows.map((r) => metricsLineOf(r) + '\n').join('');
      appendFileSync(this.metricsPath, text);
      this.offsets.metricsSize += Buffer.byteLength(text);
    }
    writeFileAtomic(this.offsetsPath, JSON.stringify(this.offsets) + '\n');
    return rows.length;
  }

  /** New rows, or undefined when nothing moved (so nothing needs recording). */
  private pollLines(file: string): MetricRow[] | undefined {
    const chunk = readLines(file, this.offsets.source);
    if (!chunk) return undefined;
    // A source file replaced by a shorter one (a script restarted and truncated it): read it from the start.
    if (chunk.size < this.offsets.source) {
      this.offsets.source = 0;
      return this.pollLines(file);
    }
    if (!chunk.lines.length) return undefined;
    const rows: MetricRow[] = [];
    for (const l of chunk.lines) {
      const row = this.lineParser!(l.text);
      if (row) rows.push(row);
    }
    this.offsets.source = chunk.nextOffset;
    return rows;
  }

  private pollTfevents(dir: string): MetricRow[] | undefined {
    let names: string[];
    try {
      // Writers put event files in sub-folders per run or tag (TensorBoard reads the tree too).
      names = readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((n) => path.basename(n).includes('tfevents') && !this.broken.has(n))
        .sort();
    } catch {
      return undefined;
    }
    const rows: MetricRow[] = [];
    let moved = false;
    for (const name of names) {
      const file = path.join(dir, name);
      const from = this.offsets.files[name] ?? 0;
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        continue;
      }
      if (size <= from || !statSync(file).isFile()) continue;
      const buf = Buffer.alloc(Math.min(size - from, 16 << 20));
      const fd = openSync(file, 'r');
      let got: number;
      try {
        got = readSync(fd, buf, 0, buf.length, from);
      } finally {
        closeSync(fd);
      }
      // Only whole frames go to the decoder, so the recorded offset is always at a frame boundary.
      const whole = completeFramesLength(buf.subarray(0, got));
      if (!whole) continue;
      let dec = this.decoders.get(name);
      if (!dec) this.decoders.set(name, (dec = this.parsers.tfeventsDecoder()));
      try {
        rows.push(...dec.push(buf.subarray(0, whole)));
      } catch (e) {
        this.broken.add(name);
        this.onProblem(`${file}: ${(e as Error).message}; the rest of this file is not read`);
        continue;
      }
      this.offsets.files[name] = from + whole;
      moved = true;
    }
    return moved ? rows.sort((a, b) => a.step - b.step) : undefined;
  }
}
