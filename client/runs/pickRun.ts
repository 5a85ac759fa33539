// Resolves a command's run argument, or asks with a quick pick limited to runs the action applies to.

import * as vscode from 'vscode';
import type { RunInfo, RunState } from '../../server/protocol';
import type { RubatoContext } from '../context';
import { runDescription } from './runNodes';
import { runIdFromArg, runsIn } from './resolveRun';

export async function pickRun(ctx: RubatoContext, arg: unknown, states: readonly RunState[] | null, placeHolder: string): Promise<RunInfo | undefined> {
  const id = runIdFromArg(arg);
  if (id !== null) {
    const run = ctx.runs.get(id);
    if (!run) void vscode.window.showErrorMessage(`Rubato: no run with id ${id}.`);
    return run;
  }
  const candidates = states ? runsIn(ctx.runs.list(), states) : ctx.runs.list();
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(`Rubato: no ${states ? states.join('/') + ' ' : ''}runs.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: r.name, description: `${r.state} · ${runDescription(r)}`, detail: r.runDir, run: r })),
    { placeHolder },
  );
  return picked?.run;
}
