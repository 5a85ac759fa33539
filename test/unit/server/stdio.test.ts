// The server process over stdio: LSP initialize, then `rubato/humanize` with validated params.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { HumanizeRequest, type HumanizeResult } from '../../../server/protocol';
import { readMidiFile } from '../../../server/midi/read';

const repoRoot = path.resolve(__dirname, '../../..');

test('the server answers rubato/humanize over stdio and rejects bad params', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-server-'));
  const input = path.join(dir, 'minuet.mid');
  copyFileSync(path.join(repoRoot, 'examples/minuet-g-major.mid'), input);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/main.ts'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.listen();
  try {
    const init = await conn.sendRequest<{ serverInfo?: { name: string } }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(init.serverInfo?.name, 'rubato-server');
    await conn.sendNotification('initialized', {});
    const output = path.join(dir, 'minuet.humanized.mid');
    const r = await conn.sendRequest<HumanizeResult>(HumanizeRequest.method, { input, output, method: 'rules' });
    assert.equal(r.output, output);
    assert.equal(r.notes, readMidiFile(input).notes.length);
    assert.ok(existsSync(output));
    await assert.rejects(conn.sendRequest(HumanizeRequest.method, { input, output, method: 'magic' }), /method must be "rules" or "jitter"/);
    await assert.rejects(conn.sendRequest(HumanizeRequest.method, { input, output: input, method: 'rules' }), /refusing to overwrite the input/);
    const before = readFileSync(output);
    await assert.rejects(conn.sendRequest(HumanizeRequest.method, { input, output, method: 'rules' }), /already exists/);
    assert.deepEqual(readFileSync(output), before);
  } finally {
    conn.dispose();
    child.kill();
  }
});
