// The piano-roll custom document: it owns the .mid bytes (read once through vscode.workspace.fs; the
// webview never holds or sends them) and the humanize settings, whose changes are the undoable edits.
// The original file is never written: saving writes `<name>.humanized.mid` (see provider.ts).

import * as vscode from 'vscode';
import { decodeBackup, sameSettings, type HumanizeSettings } from './settings';

export class PianoRollDocument implements vscode.CustomDocument {
  /** Settings of the humanized take shown as B; null until something was humanized. */
  settings: HumanizeSettings | null;
  /** Settings of the last save (null: never saved in this session). */
  savedSettings: HumanizeSettings | null;
  /** The user already agreed to replace an existing `<name>.humanized.mid` this session. */
  replaceConfirmed = false;
  private base64: string | null = null;

  private readonly edits = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<PianoRollDocument>>();
  /** VS Code listens to this for dirty state, undo and redo. */
  readonly onDidChange = this.edits.event;
  private readonly settingsChanged = new vscode.EventEmitter<HumanizeSettings | null>();
  /** Editors listen to move their sliders (undo, redo, revert). */
  readonly onDidChangeSettings = this.settingsChanged.event;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;

  private constructor(
    readonly uri: vscode.Uri,
    private bytes: Uint8Array,
    settings: HumanizeSettings | null,
    savedSettings: HumanizeSettings | null,
  ) {
    this.settings = settings;
    this.savedSettings = savedSettings;
  }

  static async open(uri: vscode.Uri, backupId: string | undefined, log: (line: string) => void): Promise<PianoRollDocument> {
    const bytes = await vscode.workspace.fs.readFile(uri);
    let settings: HumanizeSettings | null = null;
    let saved: HumanizeSettings | null = null;
    if (backupId) {
      try {
        const b = decodeBackup(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(backupId))));
        settings = b.settings;
        saved = b.savedSettings;
      } catch (err) {
        log(`${uri.fsPath}: ignoring its backup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return new PianoRollDocument(uri, bytes, settings, saved);
  }

  /** The bytes as base64 for `MidiSource.bytesBase64` (computed once per read). */
  bytesBase64(): string {
    this.base64 ??= Buffer.from(this.bytes).toString('base64');
    return this.base64;
  }

  get isDirty(): boolean {
    return !sameSettings(this.settings, this.savedSettings) && this.settings !== null;
  }

  /** Records a settings change as one undoable edit; a change to the same settings is not an edit. */
  edit(next: HumanizeSettings, label = 'Humanize settings'): boolean {
    const prev = this.settings;
    if (sameSettings(prev, next)) return false;
    this.settings = next;
    this.edits.fire({
      document: this,
      label,
      undo: () => this.setSettings(prev),
      redo: () => this.setSettings(next),
    });
    return true;
  }

  private setSettings(s: HumanizeSettings | null): void {
    this.settings = s;
    this.settingsChanged.fire(s);
  }

  markSaved(): void {
    this.savedSettings = this.settings;
  }

  /** Back to the last saved settings, with the file re-read from disk. */
  async revert(): Promise<void> {
    this.bytes = await vscode.workspace.fs.readFile(this.uri);
    this.base64 = null;
    this.setSettings(this.savedSettings);
  }

  dispose(): void {
    this.disposed.fire();
    this.edits.dispose();
    this.settingsChanged.dispose();
    this.disposed.dispose();
  }
}
