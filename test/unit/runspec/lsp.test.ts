// The run-spec language through the real server over stdio: diagnostics pushed on open and change, completion,
// hover with the memory estimate, code lenses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { CodeLens, CompletionItem, Hover, MarkupContent, PublishDiagnosticsParams } from 'vscode-languageserver';

const repoRoot = path.resolve(__dirname, '../../..');

test('the server publishes run-spec diagnostics and answers completion, hover and code lens over stdio', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-runspec-lsp-'));
  const uri = pathToFileURL(path.join(dir, 'broken.run.toml')).href;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/main.ts'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  let onPublish: (() => void) | undefined;
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    onPublish?.();
  });
  const nextDiagnostics = (count: number): Promise<PublishDiagnosticsParams> =>
    new Promise((resolve) => {
      const done = (): void => {
        if (published.length >= count) resolve(published[count - 1]!);
      };
      onPublish = done;
      done();
    });
  conn.listen();
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { gpuMemoryGiB: 16 } });
    await conn.sendNotification('initialized', {});
    const text = '[model]\nd_model = 130\nn_layrs = 2\n[batch]\nmicro_batch = 8\n\n[data]\ncache = "missing-cache"\n[run]\nout = "o"\n';
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rubato-run', version: 1, text } });
    const first = await nextDiagnostics(1);
    assert.equal(first.uri, uri);
    assert.deepEqual(first.diagnostics.map((d) => [d.range.start.line, d.severity, d.message.split(':')[0]]), [
      [1, 1, '[model].n_heads'],
      [2, 1, '[model].n_layrs'],
      [7, 2, '[data].cache'],
    ]);
    assert.ok(first.diagnostics[1]!.message.includes('did you mean "n_layers"?'));
    assert.ok(first.diagnostics[2]!.message.includes(path.join(dir, 'missing-cache')));

    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 13 } }, text: '128' }] });
    const second = await nextDiagnostics(2);
    assert.equal(second.version, 2);
    assert.deepEqual(second.diagnostics.map((d) => d.message.split(':')[0]), ['[model].n_layrs', '[data].cache']);

    const completion = await conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 0 } });
    assert.deepEqual(completion.map((c) => c.label), ['grad_accum', 'grad_checkpointing']);

    const hover = await conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 3 } });
    const md = (hover.contents as MarkupContent).value;
    assert.ok(md.startsWith('**[batch].micro_batch**'), md);
    assert.ok(md.includes('| parameters | 402,060 |'), md);
    assert.ok(md.includes("fits the GPU's 16 GiB"), md);

    const lenses = await conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.map((l) => [l.command?.command, l.command?.arguments]), [
      ['rubato.startRun', [uri]],
      ['rubato.tuneBatch', [uri]],
    ]);
  } finally {
    conn.dispose();
    child.kill();
  }
});
