// Metrics section of `npm run bench`: ingest throughput of the three decoders a hosted script's curves go
// through (stdout regexes with the nanoGPT preset, JSON lines of the trainer's format, TensorBoard event
// records), each beside a bare baseline on the same input in the same run: one RegExp.exec, JSON.parse,
// and CRC-32C over the same bytes. Usage: npm run bench -- --only metrics [--lines N]

import { crc32c } from '../server/metrics/crc32c';
import { parseJsonLine } from '../server/metrics/flatten';
import { compileStdoutPatterns, NANOGPT_PATTERNS, rowFromStdoutLine } from '../server/metrics/stdoutPatterns';
import { TfEventsDecoder } from '../server/metrics/tfevents';
import { concatBytes, encodeEvent, frameRecord } from '../test/unit/metrics/tfeventsWriter';
import { arg } from './args';

function timed(f: () => number): [number, number] {
  f(); // warm-up pass: compare steady states, not JIT tiers
  const t = process.hrtime.bigint();
  const n = f();
  return [n, Number(process.hrtime.bigint() - t) / 1e9];
}

function report(what: string, count: number, unit: string, ours: number, baseName: string, base: number): void {
  const rate = (sec: number): string => `${(count / sec).toFixed(0).padStart(10)} ${unit}/s`;
  console.log(`  ${what.padEnd(26)} ${rate(ours)}  (${ours.toFixed(2)} s)`);
  console.log(`  ${baseName.padEnd(26)} ${rate(base)}  (${base.toFixed(2)} s)  → ours takes ${(ours / base).toFixed(2)}× the baseline's time`);
}

export async function benchMetrics(): Promise<void> {
  const n = Number(arg('lines', '1000000'));
  console.log(`metrics ingest, ${n} lines or records per decoder`);

  // 1. stdout: nanoGPT's iteration lines, an eval line every 250.
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(i % 250 === 0 ? `step ${i}: train loss ${(4 - i * 1e-6).toFixed(4)}, val loss ${(4.1 - i * 1e-6).toFixed(4)}` : `iter ${i}: loss ${(4 - i * 1e-6).toFixed(4)}, time ${(50 + (i % 7)).toFixed(2)}ms, mfu ${(12 + (i % 5) / 10).toFixed(2)}%`);
  }
  const { patterns } = compileStdoutPatterns(NANOGPT_PATTERNS);
  const [rowsStdout, tStdout] = timed(() => {
    let k = 0;
    for (const l of lines) if (rowFromStdoutLine(l, patterns)) k++;
    return k;
  });
  const bare = /^iter (\d+): loss (\S+), time (\S+)ms/;
  const [, tExec] = timed(() => {
    let k = 0;
    for (const l of lines) {
      const m = bare.exec(l);
      if (m) k += Number(m[2]) > 0 ? 1 : 0;
    }
    return k;
  });
  console.log(`stdout (nanoGPT preset), ${rowsStdout} rows`);
  report('rowFromStdoutLine', n, 'lines', tStdout, 'one RegExp.exec + Number', tExec);

  // 2. JSON lines in the trainer's metrics.jsonl format, eval fields every 200 steps.
  const json: string[] = [];
  for (let i = 1; i <= n; i++) {
    const rec: Record<string, unknown> = { step: i, epoch: Math.floor(i / 900), wall_time: i * 0.05, train_loss: 3 - i * 1e-6, lr: 3e-4, notes_per_sec: 41234.5, peak_mem_bytes: 123456789 };
    if (i % 200 === 0) Object.assign(rec, { val_loss: 2.9, velocity_r: { '1': 0.2, '8': 0.3, '32': 0.35 }, rubato_r: { '1': 0.1, '8': 0.2, '32': null }, expression_score: 0.25, sanity: { passed: true, failures: [] } });
    json.push(JSON.stringify(rec));
  }
  const [rowsJson, tJson] = timed(() => {
    let k = 0;
    for (const l of json) if (parseJsonLine(l).row) k++;
    return k;
  });
  const [, tParse] = timed(() => {
    let k = 0;
    for (const l of json) k += (JSON.parse(l) as { step: number }).step > 0 ? 1 : 0;
    return k;
  });
  console.log(`JSON lines (trainer format), ${rowsJson} rows`);
  report('parseJsonLine', n, 'lines', tJson, 'bare JSON.parse', tParse);

  // 3. tfevents: one record per step with three simple_value scalars, read in 64 KiB chunks.
  const records: Uint8Array[] = [];
  for (let i = 0; i < n; i++) records.push(frameRecord(encodeEvent({ wallTime: 1.7e9 + i * 0.05, step: i, values: [{ tag: 'train/loss', simpleValue: 3 - i * 1e-6 }, { tag: 'lr', simpleValue: 3e-4 }, { tag: 'grad_norm', simpleValue: 0.9 }] })));
  const file = concatBytes(records);
  const CHUNK = 64 * 1024;
  const [rowsTf, tTf] = timed(() => {
    const d = new TfEventsDecoder();
    let k = 0;
    for (let at = 0; at < file.length; at += CHUNK) k += d.push(file.subarray(at, at + CHUNK)).length;
    return k;
  });
  const [, tCrc] = timed(() => crc32c(file) & 1);
  console.log(`tfevents, ${rowsTf} rows from ${(file.length / 2 ** 20).toFixed(1)} MiB (${(file.length / 2 ** 20 / tTf).toFixed(0)} MiB/s)`);
  report('TfEventsDecoder.push', n, 'records', tTf, 'CRC-32C of the same bytes', tCrc);
}
