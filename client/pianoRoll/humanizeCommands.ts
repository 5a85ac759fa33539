// Explorer and palette commands for MIDI files: "Humanize and Preview" (the default model, a
// cancellable progress notification, then the piano roll in A/B mode with the take unsaved: Save
// writes `<name>.humanized.mid`), "Open Piano Roll" and "Humanize MIDI…" (pick a file, then preview).
// `rubato.normalizeBeforeHumanize` makes the take humanize(normalize(file)), its edits marked in the roll.

import * as vscode from 'vscode';
import { PreviewHumanizeRequest, PreviewLoadRequest, type PreviewHumanizeResult, type PreviewLoadResult } from '../../server/protocol';
import type { RubatoContext } from '../context';
import { call } from '../server/call';
import { showError } from '../ui';
import { normalizeBeforeHumanize } from './editorSession';
import { PIANO_ROLL_VIEW_TYPE, type PianoRollProvider } from './provider';
import { DEFAULT_STRENGTH, type HumanizeSettings } from './settings';

const isMidi = (uri: vscode.Uri): boolean => /\.midi?$/i.test(uri.path);

/** The argument (explorer), else the active piano roll or MIDI editor, else an open dialog. */
async function midiFrom(arg: unknown, openLabel: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && isMidi(input.uri)) return input.uri;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel, filters: { MIDI: ['mid', 'midi'] } });
  return picked?.[0];
}

export async function openPianoRoll(arg?: unknown): Promise<void> {
  const uri = await midiFrom(arg, 'Open Piano Roll');
  if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, PIANO_ROLL_VIEW_TYPE);
}

export async function humanizePreview(ctx: RubatoContext, provider: PianoRollProvider, arg?: unknown): Promise<void> {
  const uri = await midiFrom(arg, 'Humanize and Preview');
  if (!uri) return;
  if (!isMidi(uri)) return showError(`${uri.fsPath} is not a MIDI file (.mid, .midi)`);
  const name = uri.path.split('/').pop() ?? uri.fsPath;
  const primed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rubato: humanizing ${name}`, cancellable: true },
    async (progress, token) => {
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        const source = { path: uri.fsPath, bytesBase64: Buffer.from(bytes).toString('base64') };
        progress.report({ message: 'reading the score' });
        const loaded = await call<PreviewLoadResult>(ctx.client, PreviewLoadRequest.method, { source }, token);
        // `rubato.normalizeBeforeHumanize` without an installed normalizer is ignored here; the piano roll shows the toggle disabled.
        const normalize = normalizeBeforeHumanize() && loaded.normalizerAvailable;
        const humanizing = loaded.modelAvailable ? 'running the model' : 'applying the rules (no model installed)';
        progress.report({ message: normalize ? `normalizing, then ${humanizing}` : humanizing });
        const settings: HumanizeSettings = { style: loaded.defaultStyle, strength: DEFAULT_STRENGTH, method: 'auto', ...(normalize ? { normalize } : {}) };
        const result = await call<PreviewHumanizeResult>(ctx.client, PreviewHumanizeRequest.method, { source, ...settings }, token);
        return token.isCancellationRequested ? undefined : { settings, result };
      } catch (err) {
        if (!token.isCancellationRequested) showError(err);
        return undefined;
      }
    },
  );
  if (!primed) return;
  provider.prime(uri, primed);
  await vscode.commands.executeCommand('vscode.openWith', uri, PIANO_ROLL_VIEW_TYPE);
  for (const w of primed.result.warnings) ctx.log.warn(`${uri.fsPath}: ${w}`);
}

export async function humanizeFile(ctx: RubatoContext, provider: PianoRollProvider, arg?: unknown): Promise<void> {
  const uri = await midiFrom(arg, 'Humanize');
  if (uri) await humanizePreview(ctx, provider, uri);
}
