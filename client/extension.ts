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
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'rubato-run' }],
    synchronize: { configurationSection: 'rubato' },
    initializationOptions: { gpuMemoryGiB: vscode.workspace.getConfiguration('rubato').get<number>('gpuMemoryGiB', 8) },
  };
  client = new LanguageClient('rubato', 'Rubato', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(`Rubato: the background server failed to start: ${String(err)}`);
    return;
  }
  const cli = context.asAbsolutePath(path.join('dist', 'cli.js'));
  context.subscriptions.push(
    client,
    vscode.commands.registerCommand('rubato.humanizeFile', (uri?: vscode.Uri) => humanizeFile(uri)),
    vscode.commands.registerCommand('rubato.startRun', (spec?: string | vscode.Uri) => runCli(cli, 'train', spec)),
    vscode.commands.registerCommand('rubato.tuneBatch', (spec?: string | vscode.Uri) => runCli(cli, 'tune', spec)),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/**
 * Runs `rubato train|tune --spec <file>` in a terminal, so its output and Ctrl-C stay with the user.
 * (Supervised runs through the server replace this with the run supervisor.)
 */
async function runCli(cli: string, command: 'train' | 'tune', spec?: string | vscode.Uri): Promise<void> {
  const uri = typeof spec === 'string' ? vscode.Uri.parse(spec) : (spec ?? vscode.window.activeTextEditor?.document.uri);
  if (!uri || !uri.fsPath.endsWith('.run.toml')) {
    void vscode.window.showErrorMessage('Rubato: open a run spec (*.run.toml) first.');
    return;
  }
  const terminal = vscode.window.createTerminal({ name: `Rubato ${command}`, cwd: path.dirname(uri.fsPath) });
  terminal.show();
  terminal.sendText(`node ${JSON.stringify(cli)} ${command} --spec ${JSON.stringify(uri.fsPath)}`);
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
