// Creates the LanguageClient that starts dist/server.js over node-ipc. The server learns the workspace
// trust and the settings it needs at start in initializationOptions.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function createLanguageClient(ext: vscode.ExtensionContext): LanguageClient {
  const serverModule = vscode.Uri.joinPath(ext.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--enable-source-maps'] } },
  };
  const config = vscode.workspace.getConfiguration('rubato');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'rubato-run' }],
    synchronize: { configurationSection: 'rubato' },
    initializationOptions: {
      gpuMemoryGiB: config.get<number>('gpuMemoryGiB', 8),
      trusted: vscode.workspace.isTrusted,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    },
  };
  // Named "Rubato Server": its output channel is what "Show Server Log" opens.
  return new LanguageClient('rubato', 'Rubato Server', serverOptions, clientOptions);
}
