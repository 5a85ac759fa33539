// One way to ask the server: a typed request that fails with a readable Error (never a raw
// ResponseError), says clearly when the server is not running, and forwards cancellation.

import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export class ServerUnavailableError extends Error {}

export async function call<R>(client: LanguageClient, method: string, params: unknown, token?: vscode.CancellationToken): Promise<R> {
  if (!client.isRunning()) throw new ServerUnavailableError('the Rubato server is not running (see "Rubato: Show Server Log")');
  try {
    return token ? await client.sendRequest<R>(method, params, token) : await client.sendRequest<R>(method, params);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${method}: ${message}`);
  }
}

/** True for "the server has no handler for this method" (a feature not wired yet): shown as empty, not as an error. */
export function isMethodNotFound(err: unknown): boolean {
  return err instanceof Error && /Unhandled method|MethodNotFound|-32601/.test(err.message);
}
