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
    // Every setting the server reads at start (the run supervisor is built in initialize, before it can
    // pull workspace/configuration); later changes arrive through didChangeConfiguration.
    initializationOptions: {
      gpuMemoryGiB: config.get<number>('gpuMemoryGiB', 8),
      pythonPath: config.get<string>('pythonPath', ''),
      gpuPreflight: config.get<string>('gpuPreflight', 'warn'),
      defaultModel: config.get<string>('defaultModel', ''),
      datasetRoots: config.get<string[]>('datasetRoots', []),
      runs: { maxGpuRuns: config.get<number>('runs.maxGpuRuns', 1), stopGraceSeconds: config.get<number>('runs.stopGraceSeconds', 10) },
      trusted: vscode.workspace.isTrusted,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    },
  };
  // Named "Rubato Server": its output channel is what "Show Server Log" opens.
  return new LanguageClient('rubato', 'Rubato Server', serverOptions, clientOptions);
}
