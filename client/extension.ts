// Extension entry point: starts the Rubato server and registers commands. Thin: no domain logic.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { HumanizeRequest, type HumanizeParams, type HumanizeResult } from '../server/protocol';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc },
  };
  const clientOptions: LanguageClientOptions = { documentSelector: [{ scheme: 'file', pattern: '**/*.run.toml' }] };
  client = new LanguageClient('rubato', 'Rubato', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(`Rubato: the background server failed to start: ${String(err)}`);
    return;
  }
  context.subscriptions.push(client, vscode.commands.registerCommand('rubato.humanizeFile', (uri?: vscode.Uri) => humanizeFile(uri)));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** Asks the server to humanize a file into `<name>.humanized.mid` beside it; the original is never touched. */
async function humanizeFile(uri?: vscode.Uri): Promise<void> {
  const target =
    uri ??
    (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { MIDI: ['mid', 'midi'] } }))?.[0];
  if (!target || !client) return;
  const input = target.fsPath;
  const ext = path.extname(input);
  const output = path.join(path.dirname(input), `${path.basename(input, ext)}.humanized${ext}`);
  const params: HumanizeParams = { input, output, method: 'rules' };
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Humanizing ${path.basename(input)}…` },
      () => client!.sendRequest<HumanizeResult>(HumanizeRequest.method, params),
    );
    void vscode.window.showInformationMessage(`Rubato: wrote ${path.basename(result.output)} (${result.notes} notes).`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Rubato: ${err instanceof Error ? err.message : String(err)}`);
  }
}
