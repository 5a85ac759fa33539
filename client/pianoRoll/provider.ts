// The custom editor `rubato.pianoRoll` for .mid/.midi. An editable CustomEditorProvider: the edits are
// humanize-settings changes (undo/redo, dirty dot, hot-exit backup), and Save writes the humanized
// take to `<name>.humanized.mid` beside the original — the .mid itself is never written. Save As
// writes the take wherever the user chooses, except over the original (refused).

import * as vscode from 'vscode';
import type { RollMark } from '../../server/protocol/webview/pianoRoll';
import type { RubatoContext } from '../context';
import { PianoRollDocument } from './document';
import { PianoRollSession, type PrimedTake } from './editorSession';
import { saveHumanized } from './save';
import { encodeBackup } from './settings';

export const PIANO_ROLL_VIEW_TYPE = 'rubato.pianoRoll';

export class PianoRollProvider implements vscode.CustomEditorProvider<PianoRollDocument> {
  private readonly edits = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<PianoRollDocument>>();
  readonly onDidChangeCustomDocument = this.edits.event;
  private readonly sessions = new Map<PianoRollDocument, Set<PianoRollSession>>();
  private readonly documents = new Map<string, PianoRollDocument>();
  private readonly primed = new Map<string, PrimedTake>();
  /** Labelled ranges to draw over a file (the normalizer's edits), by URI. */
  private readonly marks = new Map<string, RollMark[]>();

  constructor(private readonly ctx: RubatoContext) {}

  static register(ctx: RubatoContext): { provider: PianoRollProvider; disposable: vscode.Disposable } {
    const provider = new PianoRollProvider(ctx);
    const disposable = vscode.window.registerCustomEditorProvider(PIANO_ROLL_VIEW_TYPE, provider, {
      // State lives in the document and the view's setState, so hidden editors need not stay alive.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    });
    return { provider, disposable: vscode.Disposable.from(disposable, provider.edits) };
  }

  /** "Humanize and Preview": show this take when the editor for `uri` opens, or now if it is open. */
  prime(uri: vscode.Uri, take: PrimedTake): boolean {
    const open = this.documents.get(uri.toString());
    if (open) {
      open.edit(take.settings, 'Humanize');
      for (const s of this.sessions.get(open) ?? []) void s.showTake(take);
      return true;
    }
    this.primed.set(uri.toString(), take);
    return false;
  }

  /** Marks to draw over `uri` in every piano roll showing it, now and when one opens. */
  setMarks(uri: vscode.Uri, marks: RollMark[]): void {
    this.marks.set(uri.toString(), marks);
    const doc = this.documents.get(uri.toString());
    for (const s of (doc && this.sessions.get(doc)) || []) void s.showMarks(marks);
  }

  async openCustomDocument(uri: vscode.Uri, openContext: vscode.CustomDocumentOpenContext): Promise<PianoRollDocument> {
    const doc = await PianoRollDocument.open(uri, openContext.backupId, (l) => this.ctx.log.warn(l));
    this.documents.set(uri.toString(), doc);
    const sub = doc.onDidChange((e) => this.edits.fire(e));
    doc.onDidDispose(() => {
      sub.dispose();
      this.documents.delete(uri.toString());
      for (const s of this.sessions.get(doc) ?? []) s.dispose();
      this.sessions.delete(doc);
    });
    return doc;
  }

  resolveCustomEditor(doc: PianoRollDocument, panel: vscode.WebviewPanel): void {
    const primed = this.primed.get(doc.uri.toString()) ?? null;
    this.primed.delete(doc.uri.toString());
    const session = new PianoRollSession(this.ctx, doc, panel, primed, this.marks.get(doc.uri.toString()) ?? []);
    const set = this.sessions.get(doc) ?? new Set();
    set.add(session);
    this.sessions.set(doc, set);
    panel.onDidDispose(() => {
      session.dispose();
      set.delete(session);
    });
  }

  async saveCustomDocument(doc: PianoRollDocument, token: vscode.CancellationToken): Promise<void> {
    await this.saveTo(doc, undefined, token);
  }

  async saveCustomDocumentAs(doc: PianoRollDocument, destination: vscode.Uri, token: vscode.CancellationToken): Promise<void> {
    await this.saveTo(doc, destination, token);
  }

  private async saveTo(doc: PianoRollDocument, destination: vscode.Uri | undefined, token: vscode.CancellationToken): Promise<void> {
    const output = await saveHumanized(this.ctx, doc, destination, token);
    doc.markSaved();
    for (const s of this.sessions.get(doc) ?? []) await s.announceSaved(output);
  }

  async revertCustomDocument(doc: PianoRollDocument): Promise<void> {
    await doc.revert();
  }

  async backupCustomDocument(doc: PianoRollDocument, context: vscode.CustomDocumentBackupContext): Promise<vscode.CustomDocumentBackup> {
    await vscode.workspace.fs.writeFile(context.destination, new TextEncoder().encode(encodeBackup(doc)));
    return {
      id: context.destination.toString(),
      delete: async () => {
        try {
          await vscode.workspace.fs.delete(context.destination);
        } catch {
          // already gone: nothing to clean up
        }
      },
    };
  }

  /** Open editors, for the e2e snapshot. */
  snapshot(): { uri: string; dirty: boolean; settings: unknown; editors: number }[] {
    return [...this.documents.values()].map((d) => ({ uri: d.uri.toString(), dirty: d.isDirty, settings: d.settings, editors: this.sessions.get(d)?.size ?? 0 }));
  }
}
