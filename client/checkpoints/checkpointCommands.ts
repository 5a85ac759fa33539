// Checkpoint actions: evaluate (opens the eval viewer with it), export to ONNX (`rubato export` as a
// VS Code task, so output, progress and exit code are visible), use as the default humanizer.

import * as vscode from 'vscode';
import type { CheckpointInfo } from '../../server/protocol';
import type { RubatoContext } from '../context';
import { exists } from '../runs/createRunSpec';
import { refreshCheckpoints } from '../server/sync';
import { showError } from '../ui';
import { checkpointNodeId } from './checkpointNodes';

/** The file `export` writes inside a checkpoint folder (the eval viewer finds it there). */
export const EXPORTED_MODEL = 'performancenet.onnx';

function checkpointFromArg(ctx: RubatoContext, arg: unknown): CheckpointInfo | undefined {
  if (typeof arg !== 'string') return undefined;
  for (const runId of ctx.checkpoints.runIds()) {
    for (const c of ctx.checkpoints.forRun(runId)) if (checkpointNodeId(c) === arg || c.path === arg) return c;
  }
  return undefined;
}

async function pickCheckpoint(ctx: RubatoContext, arg: unknown): Promise<CheckpointInfo | undefined> {
  const found = checkpointFromArg(ctx, arg);
  if (found) return found;
  const all = ctx.checkpoints.runIds().flatMap((id) => [...ctx.checkpoints.forRun(id)]);
  if (all.length === 0) {
    void vscode.window.showInformationMessage('Rubato: no checkpoints yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((c) => ({ label: `${c.best ? '$(star-full) ' : ''}${ctx.runs.get(c.runId)?.name ?? c.runId} · step ${c.step}`, detail: c.path, c })),
    { placeHolder: 'Checkpoint' },
  );
  return picked?.c;
}

export async function evaluateCheckpoint(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const c = await pickCheckpoint(ctx, arg);
  if (c) await vscode.commands.executeCommand('rubato.openEvalViewer', { checkpointPaths: [c.path] });
}

export async function exportCheckpoint(ctx: RubatoContext, arg?: unknown): Promise<string | undefined> {
  const c = await pickCheckpoint(ctx, arg);
  if (!c) return undefined;
  const output = vscode.Uri.joinPath(vscode.Uri.file(c.path), EXPORTED_MODEL);
  const args = [vscode.Uri.joinPath(ctx.ext.extensionUri, 'dist', 'cli.js').fsPath, 'export', c.path, '-o', output.fsPath];
  if (await exists(output)) {
    const replace = await vscode.window.showWarningMessage(`${output.fsPath} already exists.`, { modal: true }, 'Replace');
    if (replace !== 'Replace') return undefined;
    args.push('--force');
  }
  const python = vscode.workspace.getConfiguration('rubato').get<string>('pythonPath', '');
  if (python) args.push('--python', python);
  // process.execPath is Node in code-server and Electron in desktop VS Code: ELECTRON_RUN_AS_NODE makes both run Node.
  const execution = new vscode.ProcessExecution(process.execPath, args, { env: { ELECTRON_RUN_AS_NODE: '1' } });
  const task = new vscode.Task({ type: 'rubato', job: 'export' }, vscode.TaskScope.Workspace, `export step ${c.step}`, 'rubato', execution);
  const exitCode = await runTask(task);
  void refreshCheckpoints(ctx, c.runId);
  if (exitCode !== 0) {
    showError(`export of ${c.path} failed (exit ${exitCode ?? 'unknown'}); see the task terminal.`);
    return undefined;
  }
  const use = await vscode.window.showInformationMessage(`Rubato: exported ${output.fsPath}.`, 'Use as Default Humanizer');
  if (use) await setDefaultModel(output.fsPath);
  return output.fsPath;
}

function runTask(task: vscode.Task): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task === task || e.execution.task.name === task.name) {
        sub.dispose();
        resolve(e.exitCode);
      }
    });
    vscode.tasks.executeTask(task).then(undefined, (err: unknown) => {
      sub.dispose();
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}

export async function useAsDefault(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const c = await pickCheckpoint(ctx, arg);
  if (!c) return;
  const model = vscode.Uri.joinPath(vscode.Uri.file(c.path), EXPORTED_MODEL);
  if (await exists(model)) return setDefaultModel(model.fsPath);
  const go = await vscode.window.showInformationMessage(`Rubato: step ${c.step} has no exported ONNX model yet. Export it now?`, 'Export');
  if (go) await exportCheckpoint(ctx, c.path);
}

async function setDefaultModel(fsPath: string): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('rubato').update('defaultModel', fsPath, target);
  void vscode.window.showInformationMessage(`Rubato: humanizing now uses ${fsPath}.`);
}
