// A JSON-RPC client for the built server (`node dist/server.js --stdio`), shared by the server benches.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const repoRoot = path.resolve(__dirname, '..');

export interface ServerUnderTest {
  conn: MessageConnection;
  child: ChildProcess;
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}, initializationOptions: Record<string, unknown> = { trusted: true }): Promise<ServerUnderTest> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    child,
    close: async () => {
      await conn.sendRequest('shutdown').catch(() => undefined);
      await conn.sendNotification('exit').catch(() => undefined);
      conn.dispose();
      child.kill();
    },
  };
}

export function quantiles(xs: number[]): { median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number): number => s[Math.min(s.length - 1, Math.floor(f * s.length))]!;
  return { median: q(0.5), p95: q(0.95) };
}
