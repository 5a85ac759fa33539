// The server's domain requests over stdio, as wired in server/main.ts: health and trust in rubato/status,
// GPU status without a GPU, a stray stop refused without confirmation or trust, datasets scan/dupes and
// the gc confirmation, and normalize — each validated, answered, and never taking the server down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { DupesResult, ScanResult } from '../../../server/datasets/types';
import type { GpuStatusResult, NormalizeResult, StatusParams } from '../../../server/protocol';

const repoRoot = path.resolve(__dirname, '../../..');
const serverJs = path.join(repoRoot, 'dist/server.js');

async function start(dir: string, trusted: boolean): Promise<{ conn: MessageConnection; statuses: StatusParams[]; kill(): void }> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, RUBATO_STATE_DIR: path.join(dir, 'state'), RUBATO_NVIDIA_SMI: path.join(dir, 'no-such-nvidia-smi'), XDG_CACHE_HOME: path.join(dir, 'cache') },
  });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const statuses: StatusParams[] = [];
  conn.onNotification('rubato/status', (p: StatusParams) => void statuses.push(p));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { trusted } });
  await conn.sendNotification('initialized', {});
  return { conn, statuses, kill: () => child.kill('SIGKILL') };
}

test('domain requests over stdio: status, GPU, datasets, normalize', { skip: !existsSync(serverJs) && 'dist/ not built (npm run build)', timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-domain-'));
  const untrusted = await start(dir, false);
  const s = await start(dir, true);
  try {
    // rubato/status reaches the client with the workspace's trust.
    for (let i = 0; i < 50 && (untrusted.statuses.length === 0 || s.statuses.length === 0); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([untrusted.statuses.at(-1)?.trusted, s.statuses.at(-1)?.trusted, s.statuses.at(-1)?.health], [false, true, 'ok']);

    const gpu = await s.conn.sendRequest<GpuStatusResult>('rubato/gpu/status');
    assert.equal(gpu.state, 'none');
    assert.match(gpu.message ?? '', /no NVIDIA GPU found/);
    await assert.rejects(s.conn.sendRequest('rubato/gpu/stopProcess', { pid: 4242, startTicks: 1 }), /confirm must be true/);
    await assert.rejects(untrusted.conn.sendRequest('rubato/gpu/stopProcess', { pid: 4242, startTicks: 1, confirm: true }), /untrusted workspace/);

    // Two projects holding the same corpus file, and one unique file.
    const root = path.join(dir, 'projects');
    for (const p of ['a', 'b']) {
      mkdirSync(path.join(root, p), { recursive: true });
      writeFileSync(path.join(root, p, 'corpus.bin'), Buffer.alloc(200_000, 7));
    }
    writeFileSync(path.join(root, 'a', 'notes.txt'), 'only here');
    const scan = await s.conn.sendRequest<ScanResult>('rubato/datasets/scan', { roots: [root] });
    assert.equal(scan.totals.files, 3);
    const dupes = await s.conn.sendRequest<DupesResult>('rubato/datasets/dupes', { roots: [root] });
    assert.deepEqual(dupes.groups.map((g) => [g.files.map((f) => path.relative(root, f)).sort(), g.reclaimableBytes]), [[[path.join('a', 'corpus.bin'), path.join('b', 'corpus.bin')], 200_000]]);
    await assert.rejects(s.conn.sendRequest('rubato/datasets/gc', { repo: root }), /confirm must be true/);
    await assert.rejects(s.conn.sendRequest('rubato/datasets/scan', { roots: [] }), /roots must name at least one folder/);

    // Normalize the rough example into a new file; a second time refuses to overwrite it.
    const input = path.join(dir, 'rough.mid');
    copyFileSync(path.join(repoRoot, 'examples/prelude-c-major.rough.mid'), input);
    const before = readFileSync(input);
    const output = path.join(dir, 'clean.mid');
    const r = await s.conn.sendRequest<NormalizeResult>('rubato/normalize', { input, output });
    assert.equal(r.notes_in, r.notes_out);
    assert.ok(r.edits.length > 0 && r.edits.every((e) => e.bar >= 1 && (e.kind === 'add' || e.kind === 'subtract')));
    assert.equal(new Set(r.edits.map((e) => e.bar)).size, r.edits.length, 'at most one edit per bar');
    await assert.rejects(s.conn.sendRequest('rubato/normalize', { input, output }), /already exists/);
    assert.deepEqual(readFileSync(input), before, 'the input is never written');

    // Still serving after all the refusals.
    assert.equal((await s.conn.sendRequest<GpuStatusResult>('rubato/gpu/status')).state, 'none');
  } finally {
    s.kill();
    untrusted.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
