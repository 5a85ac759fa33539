// Writes the document's humanized take through `rubato/preview/save`: `<name>.humanized.mid` beside
// the original, or a Save As destination. Never the original; an existing file is replaced only after
// the user agreed (once per session per document).

import * as vscode from 'vscode';
import { PreviewSaveRequest, type PreviewSaveParams, type PreviewSaveResult } from '../../server/protocol';
import type { RubatoContext } from '../context';
import { call } from '../server/call';
import type { PianoRollDocument } from './document';
import { samePath } from './settings';

export async function saveHumanized(ctx: RubatoContext, doc: PianoRollDocument, destination: vscode.Uri | undefined, token?: vscode.CancellationToken): Promise<string> {
  const settings = doc.settings;
  if (!settings) throw new Error(`${doc.uri.fsPath}: nothing to save yet (move a slider or run "Humanize and Preview")`);
  if (destination && samePath(destination.fsPath, doc.uri.fsPath, process.platform)) {
    throw new Error(`refusing to write over the original ${doc.uri.fsPath}: choose another name`);
  }
  const params: PreviewSaveParams = {
    source: { path: doc.uri.fsPath, bytesBase64: doc.bytesBase64() },
    ...settings,
    // Save As: VS Code's dialog already asked before replacing an existing file.
    ...(destination ? { output: destination.fsPath, overwrite: true } : { overwrite: doc.replaceConfirmed }),
  };
  let result = await call<PreviewSaveResult>(ctx.client, PreviewSaveRequest.method, params, token);
  if (result.status === 'exists') {
    const answer = await vscode.window.showWarningMessage(
      `${result.output} already exists.`,
      { modal: true, detail: 'Replace it with the humanized take shown in the piano roll? The original score is never changed.' },
      'Replace',
    );
    if (answer !== 'Replace') throw new vscode.CancellationError();
    doc.replaceConfirmed = true;
    result = await call<PreviewSaveResult>(ctx.client, PreviewSaveRequest.method, { ...params, overwrite: true }, token);
    if (result.status !== 'written') throw new Error(`${result.output} could not be replaced`);
  }
  // The file is now this document's own output: later saves (auto save included) replace it without asking.
  if (!destination) doc.replaceConfirmed = true;
  ctx.log.info(`wrote ${result.output} (${result.notes} notes, ${result.method})`);
  return result.output;
}
