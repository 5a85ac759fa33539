// Run-spec diagnostics latency: an edit sent to the real server (stdio) until its diagnostics come back,
// on a large spec, side by side with the bare cost of computing them in-process (parse + analyze +
// diagnostics, no transport), so the ratio shows what the server adds.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { specDiagnostics } from '../server/runspec/diagnostics';
import { quantiles, startServer } from './lspClient';

/** A valid spec padded to `lines` lines with commented notes and an array of tables, as real specs grow. */
function largeSpec(lines: number): string {
  const head = `[model]\nd_model = 256\nn_layers = 6\nn_heads = 8\n\n[data]\ncache = "cache"\nwindow = 512\n\n[batch]\nmicro_batch = 16\n\n[run]\nout = "runs/big"\n`;
  const body: string[] = [];
  for (let i = 0; body.length < lines; i++) body.push(`# note ${i}: tried micro_batch = ${8 + (i % 32)}, lr = ${(1e-4 * (1 + (i % 7))).toExponential(2)}, loss ${(2 + Math.sin(i)).toFixed(4)}`);
  return head + body.join('\n') + '\n';
}

export async function benchDiagnostics(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-bench-diag-'));
  const specPath = path.join(dir, 'big.run.toml');
  const uri = pathToFileURL(specPath).href;
  const lines = 10_000;
  let text = largeSpec(lines);
  const server = await startServer();
  try {
    let waiter: ((p: PublishDiagnosticsParams) => void) | undefined;
    server.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => waiter?.(p));
    const next = (version: number): Promise<PublishDiagnosticsParams> =>
      new Promise((resolve) => {
        waiter = (p) => {
          if (p.version === version) resolve(p);
        };
      });
    let version = 1;
    let got = next(version);
    await server.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rubato-run', version, text } });
    await got;
    const rounds = 40;
    const lsp: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate micro_batch between two values: a one-character edit, as typing does.
      const value = i % 2 ? '16' : '32';
      text = text.replace(/micro_batch = \d+/, `micro_batch = ${value}`);
      version++;
      got = next(version);
      const t0 = process.hrtime.bigint();
      await server.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      await got;
      lsp.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const t1 = process.hrtime.bigint();
      specDiagnostics(text, { specPath, gpuMemoryGiB: 8 });
      bare.push(Number(process.hrtime.bigint() - t1) / 1e6);
    }
    const a = quantiles(lsp);
    const b = quantiles(bare);
    console.log(`run-spec diagnostics, ${lines.toLocaleString('en')}-line spec (${(text.length / 1024).toFixed(0)} KiB), ${rounds} edits`);
    console.log(`  edit → publishDiagnostics over stdio: median ${a.median.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} ms`);
    console.log(`  in-process parse + diagnostics:       median ${b.median.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms`);
    console.log(`  ratio server / in-process (median): ${(a.median / b.median).toFixed(2)}`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
