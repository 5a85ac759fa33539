// The built server, exactly as other editors start it (`node dist/server.js --stdio`), driven by a
// JSON-RPC client: initialize, diagnostics for a broken spec, key completion, the memory estimate on hover,
// code lenses. The whole exchange is written to test-results/lsp/stdio-transcript.txt for people to read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, Trace } from 'vscode-jsonrpc/node';
import type { CodeLens, CompletionItem, Hover, InitializeResult, MarkupContent, PublishDiagnosticsParams } from 'vscode-languageserver';

const repoRoot = path.resolve(__dirname, '../../..');
const serverJs = path.join(repoRoot, 'dist/server.js');

test('node dist/server.js --stdio: initialize, diagnostics, completion, hover estimate, code lenses', { skip: !existsSync(serverJs) && 'dist/server.js not built (npm run build)' }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-transcript-'));
  const uri = pathToFileURL(path.join(dir, 'broken.run.toml')).href;
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const transcript: string[] = [];
  await conn.trace(Trace.Verbose, { log: (message: string, data?: string) => transcript.push(data ? `${message}\n${data}` : message) });
  const published: PublishDiagnosticsParams[] = [];
  const waiters: (() => void)[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    waiters.splice(0).forEach((w) => w());
  });
  const nthDiagnostics = async (n: number): Promise<PublishDiagnosticsParams> => {
    while (published.length < n) await new Promise<void>((r) => waiters.push(r));
    return published[n - 1]!;
  };
  conn.listen();
  try {
    const init = await conn.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { gpuMemoryGiB: 8, trusted: true } });
    assert.equal(init.serverInfo?.name, 'rubato-server');
    assert.ok(init.capabilities.completionProvider && init.capabilities.hoverProvider && init.capabilities.codeLensProvider);
    await conn.sendNotification('initialized', {});
    // A broken spec: a misspelt key, a value out of range, a model too big for 8 GiB.
    const text = '[model]\nd_model = 2048\nn_layers = 24\nn_heads = 16\nn_layrs = 2\n\n[batch]\nmicro_batch = 64\n\n[data]\ncache = "cache"\nwindow = 4096\n[run]\nout = "o"\n';
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rubato-run', version: 1, text } });
    const first = await nthDiagnostics(1);
    assert.equal(first.uri, uri);
    const messages = first.diagnostics.map((d) => d.message);
    assert.ok(messages.some((m) => m.startsWith('[model].n_layrs') && m.includes('did you mean "n_layers"?')), messages.join('\n'));
    // Fix the key: the spec is valid now, and the memory warning (held back while there are errors) appears.
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } }, text: '' }] });
    const second = await nthDiagnostics(2);
    assert.equal(second.version, 2);
    const memory = second.diagnostics.find((d) => d.message.startsWith('estimated training memory'));
    assert.ok(memory, `a memory warning: ${second.diagnostics.map((d) => d.message).join('\n')}`);
    assert.match(memory.message, /exceeds the GPU's 8 GiB/);

    const completion = await conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 7, character: 0 } });
    assert.ok(completion.some((c) => c.label === 'grad_accum'), completion.map((c) => c.label).join(', '));

    const hover = await conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 3 } });
    const md = (hover.contents as MarkupContent).value;
    assert.match(md, /Estimated training memory/);
    assert.match(md, /GiB/);

    const lenses = await conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.map((l) => l.command?.command).sort(), ['rubato.startRun', 'rubato.tuneBatch']);
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
  } finally {
    conn.dispose();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    const out = path.join(repoRoot, 'test-results', 'lsp');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'stdio-transcript.txt'), transcript.join('\n\n') + '\n');
  }
});
