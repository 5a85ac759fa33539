// "Normalize MIDI…": cleans a rough MIDI file into `<name>.normalized.mid` beside it with
// `rubato/normalize` (cancellable progress), then opens the result in the piano roll with each timing
// edit marked on its bar. The input is never written; an existing output is replaced only if asked.

import * as vscode from 'vscode';
import { NormalizeRequest, type NormalizeParams, type NormalizeResult } from '../../server/protocol';
import type { RubatoContext } from '../context';
import { exists } from '../runs/createRunSpec';
import { call } from '../server/call';
import { showError } from '../ui';
import { normalizedPathFor, normalizeMarks } from './normalizeMarks';
import { PIANO_ROLL_VIEW_TYPE, type PianoRollProvider } from './provider';

export async function normalizeMidi(ctx: RubatoContext, provider: PianoRollProvider, arg?: unknown): Promise<void> {
  const input =
    arg instanceof vscode.Uri ? arg : (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Normalize', filters: { MIDI: ['mid', 'midi'] } }))?.[0];
  if (!input) return;
  const output = vscode.Uri.file(normalizedPathFor(input.fsPath));
  let overwrite = false;
  if (await exists(output)) {
    const answer = await vscode.window.showWarningMessage(`${output.fsPath} already exists.`, { modal: true, detail: 'Replace it with a new normalization? The input is never changed.' }, 'Replace');
    if (answer !== 'Replace') return;
    overwrite = true;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rubato: normalizing ${input.path.split('/').pop()}`, cancellable: true },
    async (_progress, token) => {
      try {
        const params: NormalizeParams = { input: input.fsPath, output: output.fsPath, overwrite };
        return await call<NormalizeResult>(ctx.client, NormalizeRequest.method, params, token);
      } catch (err) {
        if (!token.isCancellationRequested) showError(err);
        return undefined;
      }
    },
  );
  if (!result) return;
  for (const w of result.warnings) ctx.log.warn(`${input.fsPath}: ${w}`);
  const written = vscode.Uri.file(result.output);
  provider.setMarks(written, normalizeMarks(result.edits));
  await vscode.commands.executeCommand('vscode.openWith', written, PIANO_ROLL_VIEW_TYPE);
  void vscode.window.showInformationMessage(`Rubato: wrote ${result.output} (${result.edits.length} timing edit${result.edits.length === 1 ? '' : 's'} over ${result.bars} bars).`);
}
