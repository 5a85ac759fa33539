// The Datasets view's actions, each only after the user confirmed what it will do:
// "Clean Up with git gc" on a bloated repository, "Replace Copies with Links" on a duplicate-folder group
// (a dry run first, shown in full; then the real run; the result offers Undo), and "Undo Replacing with
// Links" from a manifest. The server does the work and the checks (hashes, refs); this file only asks.

import * as vscode from 'vscode';
import {
  DatasetsCanonicalizeRequest,
  DatasetsGcRequest,
  DatasetsUndoRequest,
  type CanonicalizeResult,
  type DatasetsCanonicalizeParams,
  type DatasetsGcParams,
  type GitGcResult,
  type UndoResult,
} from '../../server/protocol';
import type { RubatoContext } from '../context';
import { formatBytes } from '../format';
import { call } from '../server/call';
import { showError } from '../ui';
import { scanDatasets } from './datasetCommands';

/** A tree node id ends with the path (or the group key) after the last '|'. */
const tail = (arg: unknown): string | undefined => (typeof arg === 'string' && arg.includes('|') ? arg.slice(arg.lastIndexOf('|') + 1) : undefined);

async function withProgress<R>(title: string, run: (token: vscode.CancellationToken) => Promise<R>): Promise<R | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Rubato: ${title}`, cancellable: true }, async (_p, token) => {
    try {
      return await run(token);
    } catch (err) {
      if (!token.isCancellationRequested) showError(err);
      return undefined;
    }
  });
}

export async function gitGc(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const repo = tail(arg);
  const report = ctx.datasets.reports.git?.repos.find((r) => r.path === repo);
  if (!repo || !report) return showError('choose a repository in the Datasets view (run "Scan Datasets" first).');
  const answer = await vscode.window.showWarningMessage(
    `Run "git gc --prune=now" in ${repo}?`,
    {
      modal: true,
      detail: `It deletes for good the ${report.unreachable.objects.toLocaleString('en')} objects no commit, branch, tag, reflog or the index reaches (${formatBytes(report.unreachable.diskBytes)}), and repacks the rest. Every ref is checked to point at the same commit afterwards.`,
    },
    'Run git gc',
  );
  if (answer !== 'Run git gc') return;
  const params: DatasetsGcParams = { repo, confirm: true };
  const r = await withProgress(`git gc in ${repo}`, (token) => call<GitGcResult>(ctx.client, DatasetsGcRequest.method, params, token));
  if (!r) return;
  void vscode.window.showInformationMessage(`Rubato: ${repo}: ${formatBytes(r.before.totalBytes)} → ${formatBytes(r.after.totalBytes)} (${formatBytes(r.freedBytes)} freed); ${r.refsVerified} refs verified unchanged.`);
  await scanDatasets(ctx);
}

export async function canonicalizeGroup(ctx: RubatoContext, arg?: unknown): Promise<void> {
  const key = tail(arg);
  const signature = key?.startsWith('folder:') ? key.slice('folder:'.length) : undefined;
  const group = ctx.datasets.reports.dupes?.folderGroups.find((g) => g.signature === signature);
  if (!group) return showError('choose a duplicate-folder group in the Datasets view (run "Scan Datasets" first).');
  const base: Omit<DatasetsCanonicalizeParams, 'dryRun'> = { roots: group.folders, preferCanonical: [group.canonical] };
  const plan = await withProgress('planning links', (token) => call<CanonicalizeResult>(ctx.client, DatasetsCanonicalizeRequest.method, { ...base, dryRun: true }, token));
  if (!plan) return;
  if (plan.actions.length === 0) {
    const why = plan.skipped.map((s) => `${s.folder}: ${s.reason}`).join('\n') || 'the copies are no longer identical';
    return void vscode.window.showInformationMessage('Rubato: nothing to replace.', { modal: true, detail: why });
  }
  const lines = plan.actions.map((a) => `${a.replace}\n    → link to ${a.canonical} (${a.files.toLocaleString('en')} files, ${formatBytes(a.sizeBytes)})`);
  const answer = await vscode.window.showWarningMessage(
    `Replace ${plan.actions.length} duplicate folder${plan.actions.length === 1 ? '' : 's'} with links to ${group.canonical}?`,
    {
      modal: true,
      detail: `${lines.join('\n')}\n\nEvery file is hashed again right before its folder is replaced; nothing is removed unless its content is identical to the copy kept. A manifest is written so the replacement can be undone.${plan.skipped.length ? `\n\nLeft alone: ${plan.skipped.map((s) => `${s.folder} (${s.reason})`).join('; ')}` : ''}`,
    },
    'Replace with Links',
  );
  if (answer !== 'Replace with Links') return;
  const done = await withProgress('replacing copies with links', (token) => call<CanonicalizeResult>(ctx.client, DatasetsCanonicalizeRequest.method, { ...base, dryRun: false }, token));
  if (!done) return;
  if (done.rolledBack) return showError(`replacing stopped: ${done.rolledBack.error}; the ${done.rolledBack.restored} folder(s) it had replaced were put back.`);
  const undo = 'Undo';
  void vscode.window.showInformationMessage(`Rubato: ${done.replaced} folder(s) replaced by links, ${formatBytes(done.reclaimedBytes)} reclaimed.`, undo).then((a) => {
    if (a === undo && done.manifest) void undoCanonicalize(ctx, done.manifest);
  });
  await scanDatasets(ctx);
}

export async function undoCanonicalize(ctx: RubatoContext, manifestArg?: unknown): Promise<void> {
  const manifest =
    typeof manifestArg === 'string' && manifestArg.endsWith('.json')
      ? manifestArg
      : (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Undo', title: 'Manifest of a replacement (.rubato-canonicalize-*.json)', filters: { JSON: ['json'] } }))?.[0]?.fsPath;
  if (!manifest) return;
  const r = await withProgress('restoring copies', (token) => call<UndoResult>(ctx.client, DatasetsUndoRequest.method, { manifest }, token));
  if (!r) return;
  if (r.failed.length) showError(`restored ${r.restored.length}, failed ${r.failed.length}: ${r.failed.map((f) => `${f.folder}: ${f.reason}`).join('; ')}`);
  else void vscode.window.showInformationMessage(`Rubato: restored ${r.restored.length} folder(s) as real copies (content hashes verified).`);
  await scanDatasets(ctx);
}
