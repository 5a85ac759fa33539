// Latency from a metrics line written by a supervised run to the `rubato/runs/metricsAppended`
// notification arriving at the client over stdio, through the whole server (supervisor tail → ingest →
// notification). Beside it in the same run: the floor of the same path without the server — fs.watch on the
// same kind of file in this process, from write to the appended line read back.
// The run is an external spec whose script prints nanoGPT-style lines every 40 ms with its write time.

import { appendFileSync, closeSync, mkdtempSync, openSync, readSync, rmSync, watch, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunMetricsAppendedParams, StartRunResult } from '../server/protocol';
import { quantiles, startServer } from './lspClient';

const LINES = 150;
const PERIOD_MS = 40;

const SCRIPT = `
const n = ${LINES};
let i = 0;
const t = setInterval(() => {
  i++;
  // performance.timeOrigin + now(): sub-millisecond wall clock, comparable across processes.
  const written = performance.timeOrigin + performance.now();
  process.stdout.write(\`iter \${i}: loss \${(3 / i).toFixed(4)}, time \${written.toFixed(3)}ms\\n\`);
  if (i >= n) { clearInterval(t); }
}, ${PERIOD_MS});
`;

const now = (): number => performance.timeOrigin + performance.now();

async function serverLatency(dir: string): Promise<number[]> {
  writeFileSync(path.join(dir, 'writer.js'), SCRIPT);
  const spec = path.join(dir, 'latency.run.toml');
  writeFileSync(
    spec,
    `[external]\ncommand = [${JSON.stringify(process.execPath)}, "writer.js"]\ngpu = false\ntotal_steps = ${LINES}\n\n[metrics]\nsource = "stdout"\n\n[[metrics.pattern]]\nregex = 'iter (?<step>\\d+): loss (?<loss>\\S+), time (?<written>\\S+)ms'\n\n[run]\nout = "run"\n`,
  );
  const server = await startServer({ RUBATO_STATE_DIR: path.join(dir, 'state') });
  const latencies: number[] = [];
  try {
    const done = new Promise<void>((resolve) => {
      server.conn.onNotification('rubato/runs/metricsAppended', (p: RunMetricsAppendedParams) => {
        const t = now();
        for (const row of p.rows) {
          const w = row.values.written;
          if (typeof w === 'number') latencies.push(t - w);
        }
        if (latencies.length >= LINES) resolve();
      });
    });
    const started = await server.conn.sendRequest<StartRunResult>('rubato/runs/start', { specPath: spec });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${latencies.length} of ${LINES} rows arrived (run ${started.run.id})`)), 60_000))]);
  } finally {
    await server.close();
  }
  return latencies;
}

/** The floor: this process appends a line and waits for fs.watch to report it and reads it back. */
async function watchFloor(dir: string): Promise<number[]> {
  const file = path.join(dir, 'floor.log');
  writeFileSync(file, '');
  const fd = openSync(file, 'r');
  let offset = 0;
  const latencies: number[] = [];
  let pending: { at: number; resolve: () => void } | undefined;
  const w = watch(file, () => {
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, offset);
    offset += n;
    if (n > 0 && pending) {
      latencies.push(now() - pending.at);
      const p = pending;
      pending = undefined;
      p.resolve();
    }
  });
  try {
    for (let i = 0; i < LINES; i++) {
      await new Promise<void>((resolve) => {
        pending = { at: now(), resolve };
        appendFileSync(file, `iter ${i}: loss 1.0\n`);
      });
      await new Promise((r) => setTimeout(r, PERIOD_MS));
    }
  } finally {
    w.close();
    closeSync(fd);
  }
  return latencies;
}

export async function benchRunLatency(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-bench-latency-'));
  try {
    const server = quantiles(await serverLatency(dir));
    const floor = quantiles(await watchFloor(dir));
    console.log(`metrics line → client notification, ${LINES} lines at ${1000 / PERIOD_MS} Hz (external run, stdout regex)`);
    console.log(`  through the server (stdio):      median ${server.median.toFixed(1)} ms, p95 ${server.p95.toFixed(1)} ms`);
    console.log(`  floor (fs.watch in one process): median ${floor.median.toFixed(2)} ms, p95 ${floor.p95.toFixed(2)} ms`);
    console.log(`  ratio server / floor (median): ${(server.median / floor.median).toFixed(1)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
