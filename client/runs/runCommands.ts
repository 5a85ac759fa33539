// Run commands: start (quick pick of specs or a new one), stop, resume, tune, and the Runs view's item
// actions (log, curves, folder). Each asks the server; state changes come back as notifications.

import * as vscode from 'vscode';
import {
  ResumeRunRequest,
  RunLogRequest,
  StartRunRequest,
  StopRunRequest,
  type RunIdParams,
  type RunLogResult,
  type StartRunParams,
  type StartRunResult,
  type RunInfo,
} from '../../server/protocol';
import type { RubatoContext } from '../context';
import { call } from '../server/call';
import { showError } from '../ui';
import { createRunSpec } from './createRunSpec';
import { pickRun } from './pickRun';
import { RESUMABLE, STOPPABLE } from './resolveRun';

type SpecArg = string | vscode.Uri | undefined;

const toUri = (spec: SpecArg): vscode.Uri | undefined => (typeof spec === 'string' ? vscode.Uri.parse(spec) : spec);

/** A spec from the argument, the active editor, or a quick pick of the workspace's specs (plus "new"). */
async function pickSpec(ctx: RubatoContext, spec: SpecArg): Promise<vscode.Uri | undefined> {
  const given = toUri(spec);
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  const specs = await vscode.workspace.findFiles('**/*.run.toml', '**/{node_modules,.git}/**', 200);
  const create = { label: '$(new-file) Create a run spec from the template…', uri: undefined as vscode.Uri | undefined };
  const items = [
    ...specs
      .sort((a, b) => (a.toString() === active?.toString() ? -1 : b.toString() === active?.toString() ? 1 : a.fsPath.localeCompare(b.fsPath)))
      .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    create,
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Run spec to train' });
  if (!picked) return undefined;
  return picked.uri ?? (await createRunSpec(ctx));
}

/** Starts (or queues) the run of a spec; returns it, or undefined when nothing was started. */
export async function startRun(ctx: RubatoContext, spec?: SpecArg): Promise<RunInfo | undefined> {
  const uri = await pickSpec(ctx, spec);
  if (!uri) return undefined;
  if (!uri.fsPath.endsWith('.run.toml')) {
    showError(`${uri.fsPath} is not a run spec (*.run.toml)`);
    return undefined;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
  try {
    const params: StartRunParams = { specPath: uri.fsPath };
    const result = await call<StartRunResult>(ctx.client, StartRunRequest.method, params);
    ctx.runs.upsert(result.run);
    for (const w of result.warnings) void vscode.window.showWarningMessage(`Rubato: ${w}`);
    void vscode.window.showInformationMessage(`Rubato: run ${result.run.name} ${result.run.state === 'queued' ? 'queued' : 'started'}.`);
    void vscode.commands.executeCommand('rubato.runs.focus');
    return result.run;
  } catch (err) {
    showError(err);
    return undefined;
  }
}

export async function stopRun(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const run = await pickRun(ctx, arg, STOPPABLE, 'Run to stop');
  if (!run) return;
  await callRun(ctx, StopRunRequest.method, run.id);
}

export async function resumeRun(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const run = await pickRun(ctx, arg, RESUMABLE, 'Run to resume from its latest checkpoint');
  if (!run) return;
  await callRun(ctx, ResumeRunRequest.method, run.id);
}

async function callRun(ctx: RubatoContext, method: string, id: string): Promise<void> {
  try {
    const params: RunIdParams = { id };
    await call<unknown>(ctx.client, method, params);
  } catch (err) {
    showError(err);
  }
}

export async function openRunLog(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const run = await pickRun(ctx, arg, null, 'Run whose log to open');
  if (!run) return;
  try {
    const result = await call<RunLogResult>(ctx.client, RunLogRequest.method, { id: run.id } satisfies RunIdParams);
    await vscode.window.showTextDocument(vscode.Uri.file(result.logPath), { preview: true });
  } catch (err) {
    showError(err);
  }
}

export async function openRunCurves(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const run = await pickRun(ctx, arg, null, 'Run whose curves to show');
  if (run) await vscode.commands.executeCommand('rubato.openLossCurves', run.id);
}

export async function revealRunFolder(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const run = await pickRun(ctx, arg, null, 'Run whose folder to reveal');
  if (run) await revealPath(run.runDir);
}

/** In the Explorer when the path is inside the workspace, else in the OS file manager. */
export async function revealPath(fsPath: string): Promise<void> {
  const uri = vscode.Uri.file(fsPath);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

/** Runs `rubato tune --spec <file>` in a terminal, so its output and Ctrl-C stay with the user. */
export async function tuneBatch(ctx: RubatoContext, spec?: SpecArg): Promise<void> {
  const uri = await pickSpec(ctx, spec);
  if (!uri) return;
  const cli = vscode.Uri.joinPath(ctx.ext.extensionUri, 'dist', 'cli.js').fsPath;
  const terminal = vscode.window.createTerminal({ name: 'Rubato tune', cwd: vscode.Uri.joinPath(uri, '..').fsPath });
  terminal.show();
  terminal.sendText(`node ${JSON.stringify(cli)} tune --spec ${JSON.stringify(uri.fsPath)}`);
}
