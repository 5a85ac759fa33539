// The ingestor's crash window: rows appended to metrics.jsonl but offsets not yet recorded (the supervisor was
// killed between the two writes). The next ingestor cuts the unrecorded rows and reads them again: no doubles.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NANOGPT_PATTERNS } from '../../../server/metrics/stdoutPatterns';
import { completeFramesLength, Ingestor } from '../../../server/runs/ingest';
import { METRICS_PARSERS } from '../../../server/runs/metricsParsers';
import { readMetrics } from '../../../server/runs/rows';
import { frameRecord, encodeEvent } from '../metrics/tfeventsWriter';

test('rows appended but not recorded before a crash are cut and ingested again, once', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-ingest-'));
  try {
    const log = path.join(dir, 'output.log');
    const offsets = path.join(dir, 'ingest.json');
    const source = { kind: 'stdout' as const, patterns: [...NANOGPT_PATTERNS] };
    const iter = (n: number): string => `iter ${n}: loss ${(1 / n).toFixed(4)}, time 10.00ms\n`;
    appendFileSync(log, `banner\n${iter(1)}${iter(2)}half a li`);
    const a = new Ingestor(source, dir, log, offsets, METRICS_PARSERS);
    assert.equal(a.poll(), 2);
    assert.equal(a.poll(), 0, 'nothing new, the unfinished line waits');
    appendFileSync(log, `ne\n${iter(3)}`);
    // The crash: the row of step 3 reaches metrics.jsonl, ingest.json still says "after step 2".
    appendFileSync(path.join(dir, 'metrics.jsonl'), JSON.stringify({ step: 3, wall_time: null, loss: 0.3333, time_ms: 10 }) + '\n');
    const b = new Ingestor(source, dir, log, offsets, METRICS_PARSERS);
    assert.equal(b.poll(), 1);
    appendFileSync(log, iter(4));
    assert.equal(b.poll(), 1);
    assert.deepEqual(readMetrics(dir, 0).rows.map((r) => r.step), [1, 2, 3, 4]);
    assert.equal(readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('completeFramesLength stops before a TFRecord frame that is not all there', () => {
  const f1 = frameRecord(encodeEvent({ wallTime: 1, step: 1, values: [{ tag: 'x', simpleValue: 1 }] }));
  const f2 = frameRecord(encodeEvent({ wallTime: 2, step: 2, values: [{ tag: 'x', simpleValue: 2 }] }));
  const both = new Uint8Array([...f1, ...f2]);
  assert.equal(completeFramesLength(both), both.length);
  assert.equal(completeFramesLength(both.subarray(0, both.length - 1)), f1.length);
  assert.equal(completeFramesLength(both.subarray(0, 5)), 0);
});
