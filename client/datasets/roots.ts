// The dataset roots: setting `rubato.datasetRoots` (absolute, or relative to the first workspace
// folder), else the workspace folders. Keeps the model's roots current when either changes.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetsModel } from './datasetsModel';

export function configuredRoots(): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const setting = vscode.workspace.getConfiguration('rubato').get<string[]>('datasetRoots', []);
  if (!Array.isArray(setting) || setting.length === 0) return folders;
  const base = folders[0];
  return setting.filter((r) => typeof r === 'string' && r !== '').map((r) => (path.isAbsolute(r) || !base ? r : path.resolve(base, r)));
}

export function trackRoots(model: DatasetsModel): vscode.Disposable[] {
  model.setRoots(configuredRoots());
  return [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('rubato.datasetRoots')) model.setRoots(configuredRoots());
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => model.setRoots(configuredRoots())),
  ];
}
