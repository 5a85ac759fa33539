// "Select Python Interpreter": the Python extension's active interpreter when it is installed (its
// public API), else a pick of interpreters on PATH or a file. Writes `rubato.pythonPath`; the server
// checks that the interpreter imports torch when it next needs it.

import * as vscode from 'vscode';
import { pythonCandidates } from './candidates';

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    known?: readonly { path: string }[];
  };
}

async function fromPythonExtension(): Promise<{ active?: string; known: string[] }> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return { known: [] };
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    if (!envs) return { known: [] };
    const active = envs.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri).path;
    return { active, known: (envs.known ?? []).map((e) => e.path) };
  } catch {
    return { known: [] };
  }
}

export async function selectPython(): Promise<void> {
  const config = vscode.workspace.getConfiguration('rubato');
  const current = config.get<string>('pythonPath', '');
  const fromExt = await fromPythonExtension();
  const onPath = await pythonCandidates(process.env.PATH ?? '', process.platform);
  const seen = new Set<string>();
  type Item = vscode.QuickPickItem & { value?: string; browse?: boolean };
  const items: Item[] = [];
  const add = (value: string, description: string): void => {
    if (seen.has(value)) return;
    seen.add(value);
    items.push({ label: value, description: `${description}${value === current ? ' · current' : ''}`, value });
  };
  if (fromExt.active) add(fromExt.active, 'Python extension: selected interpreter');
  for (const p of fromExt.known) add(p, 'Python extension');
  for (const p of onPath) add(p, 'on PATH');
  items.push({ label: '$(discard) Automatic', description: 'RUBATO_PYTHON, then python3 / python on PATH, then /usr/bin/python3', value: '' });
  items.push({ label: '$(folder-opened) Browse…', browse: true });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Interpreter for training and export (it must import torch)' });
  if (!picked) return;
  let value = picked.value;
  if (picked.browse) value = (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use this interpreter' }))?.[0]?.fsPath;
  if (value === undefined) return;
  await config.update('pythonPath', value, vscode.ConfigurationTarget.Global);
  void vscode.window.showInformationMessage(value ? `Rubato: using ${value} for training.` : 'Rubato: finding the interpreter automatically.');
}
