// "Show GPU Status": the GPUs, who holds their memory, and stray training processes, from
// `rubato/gpu/status`. Stopping a stray needs a modal confirmation that names its pid and command.

import * as vscode from 'vscode';
import { GpuStatusRequest, StopProcessRequest, type GpuStatusResult, type StopProcessParams, type StopProcessResult, type StrayProcess } from '../../server/protocol';
import type { RubatoContext } from '../context';
import { call } from '../server/call';
import { showError } from '../ui';
import { gpuLines, strayLabel } from './gpuText';

export async function showGpuStatus(ctx: RubatoContext): Promise<void> {
  let status: GpuStatusResult;
  try {
    status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Rubato: reading GPU status' }, () =>
      call<GpuStatusResult>(ctx.client, GpuStatusRequest.method, {}),
    );
  } catch (err) {
    return showError(err);
  }
  type Item = vscode.QuickPickItem & { stray?: StrayProcess };
  const items: Item[] = [
    ...gpuLines(status).map((l) => ({ label: l.label, description: l.description, detail: l.detail })),
    ...(status.strays.length ? [{ label: 'Stray processes', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
    ...status.strays.map((s) => ({ label: `$(debug-stop) ${strayLabel(s)}`, description: s.reasons.join('; '), detail: s.cmdline, stray: s })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Rubato: GPU Status',
    placeHolder: status.strays.length ? 'Pick a stray process to stop it (you will be asked to confirm)' : 'No stray training processes',
  });
  if (picked?.stray) await stopStray(ctx, picked.stray);
}

async function stopStray(ctx: RubatoContext, s: StrayProcess): Promise<void> {
  if (s.startTicks === null) return showError(`process ${s.pid} cannot be identified safely (its start time is not visible); stop it yourself.`);
  const answer = await vscode.window.showWarningMessage(
    `Stop process ${s.pid}?`,
    { modal: true, detail: `Command: ${s.cmdline || '(unreadable)'}\nUser: ${s.user ?? 'unknown'}\n\nIt receives SIGTERM, then SIGKILL if it does not exit.` },
    `Stop ${s.pid}`,
  );
  if (answer !== `Stop ${s.pid}`) return;
  try {
    const params: StopProcessParams = { pid: s.pid, startTicks: s.startTicks, confirm: true };
    const r = await call<StopProcessResult>(ctx.client, StopProcessRequest.method, params);
    const say = r.outcome === 'survived' || r.outcome === 'refused' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void say(`Rubato: process ${r.pid}: ${r.outcome}. ${r.message}`);
  } catch (err) {
    showError(err);
  }
}
