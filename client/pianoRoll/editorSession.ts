// One piano-roll webview bound to its document: renders the page, answers `ready` with the view model,
// relays humanize and save intents to the server, and moves the sliders when the document's settings
// change (undo, redo, revert). Messages are validated both ways (client/webview/messaging.ts).

import * as vscode from 'vscode';
import {
  PreviewHumanizeRequest,
  PreviewLoadRequest,
  type PreviewHumanizeResult,
  type PreviewLoadResult,
  type StyleSliderSpec,
} from '../../server/protocol';
import { checkHostToView, checkViewToHost, type HostToView, type RollMark, type ViewToHost } from '../../server/protocol/webview/pianoRoll';
import type { RubatoContext } from '../context';
import { call } from '../server/call';
import { createRelay, type Relay } from '../webview/messaging';
import { renderWebview } from '../webview/resources';
import type { PianoRollDocument } from './document';
import { saveHumanized } from './save';
import { DEFAULT_STRENGTH, sameWithinSteps, type HumanizeSettings } from './settings';

/** A humanized take computed before the editor opened ("Humanize and Preview"), shown without a second request. */
export interface PrimedTake {
  settings: HumanizeSettings;
  result: PreviewHumanizeResult;
}

export class PianoRollSession implements vscode.Disposable {
  private readonly relay: Relay<HostToView>;
  private readonly disposables: vscode.Disposable[] = [];
  private inFlight: vscode.CancellationTokenSource | null = null;
  /** Newest seq the view used; host-initiated takes reuse it so the view accepts them. */
  private seq = 0;

  constructor(
    private readonly ctx: RubatoContext,
    private readonly doc: PianoRollDocument,
    private readonly panel: vscode.WebviewPanel,
    private primed: PrimedTake | null,
    private marks: RollMark[],
  ) {
    renderWebview(panel.webview, ctx.ext.extensionUri, {
      name: 'pianoRoll',
      title: vscode.workspace.asRelativePath(doc.uri),
      // Playback fetches the shipped SoundFont (media/ is a local resource root): connect-src for the
      // webview's own origin only; WebAudio needs no media, blob or worker sources.
      allowLocalFetch: true,
      config: {
        fileName: doc.uri.path.split('/').pop(),
        soundFontUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(ctx.ext.extensionUri, 'media', 'soundfont', 'piano.sf2')).toString(),
      },
    });
    this.relay = createRelay<ViewToHost, HostToView>({
      name: 'pianoRoll',
      checkIncoming: checkViewToHost,
      checkOutgoing: checkHostToView,
      send: (m) => panel.webview.postMessage(m),
      subscribe: (l) => panel.webview.onDidReceiveMessage(l),
      onMessage: (m) => this.onMessage(m),
      log: (line) => ctx.log.warn(line),
    });
    this.disposables.push(this.relay, doc.onDidChangeSettings((s) => void this.showSettings(s)));
  }

  private async onMessage(m: ViewToHost): Promise<void> {
    switch (m.kind) {
      case 'ready':
        return this.init();
      case 'humanize': {
        this.seq = Math.max(this.seq, m.seq);
        const settings = settingsOf(m);
        // The view asks for a take with its (step-snapped) defaults on load: that is no edit; a moved slider is.
        const reference = this.doc.settings ?? this.baseline;
        if (!sameWithinSteps(reference, settings, this.sliders)) this.doc.edit(settings);
        return this.humanize(settings, m.seq);
      }
      case 'save':
        return this.save(settingsOf(m));
      case 'error':
        this.ctx.log.warn(`[pianoRoll] the view reported: ${m.message}`);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  /** The settings the view was initialised with when the document had none (its defaults). */
  private baseline: HumanizeSettings | null = null;
  private sliders: StyleSliderSpec[] = [];

  private async init(): Promise<void> {
    let loaded: PreviewLoadResult;
    try {
      loaded = await call<PreviewLoadResult>(this.ctx.client, PreviewLoadRequest.method, { source: this.source() });
    } catch (err) {
      await this.relay.post({ kind: 'error', seq: null, message: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.sliders = loaded.sliders;
    if (this.primed) this.doc.edit(this.primed.settings, 'Humanize');
    const current = this.doc.settings;
    const normalize = normalizeBeforeHumanize() && loaded.normalizerAvailable;
    this.baseline = current ?? { style: loaded.defaultStyle, strength: DEFAULT_STRENGTH, method: 'auto', ...(normalize ? { normalize } : {}) };
    await this.relay.post({
      kind: 'init',
      view: {
        fileName: loaded.fileName,
        score: loaded.score,
        defaultStyle: this.baseline.style,
        defaultStrength: this.baseline.strength,
        sliders: loaded.sliders,
        modelAvailable: loaded.modelAvailable,
        defaultNormalize: this.baseline.normalize === true,
        normalizerAvailable: loaded.normalizerAvailable,
        marks: this.marks,
        warnings: loaded.warnings,
      },
    });
    if (this.primed) {
      const primed = this.primed;
      this.primed = null;
      await this.showTake(primed);
    } else if (current) {
      await this.showSettings(current);
    }
  }

  /** A take computed elsewhere ("Humanize and Preview"): move the sliders to its settings and draw it. */
  async showTake({ settings, result }: PrimedTake): Promise<void> {
    this.inFlight?.cancel();
    await this.postSettings(settings);
    await this.relay.post(humanizedMessage(this.seq, result));
  }

  private source(): { path: string; bytesBase64: string } {
    return { path: this.doc.uri.fsPath, bytesBase64: this.doc.bytesBase64() };
  }

  /**
   * Undo, redo, revert or a restored backup: move the controls, then show the take for those settings.
   * Back to no settings (the first edit undone) means back to the view's starting settings.
   */
  private async showSettings(next: HumanizeSettings | null): Promise<void> {
    const s = next ?? this.baseline;
    if (!s) return;
    await this.postSettings(s);
    await this.humanize(s, this.seq);
  }

  /** The view sets its controls without asking back, and shows the take for the newest seq once more (ours, next). */
  private async postSettings(s: HumanizeSettings): Promise<void> {
    await this.relay.post({ kind: 'settings', style: s.style, strength: s.strength, method: s.method, normalize: s.normalize === true });
  }

  private async humanize(s: HumanizeSettings, seq: number): Promise<void> {
    this.inFlight?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.inFlight = cts;
    try {
      const r = await call<PreviewHumanizeResult>(this.ctx.client, PreviewHumanizeRequest.method, { source: this.source(), ...s }, cts.token);
      if (cts.token.isCancellationRequested) return;
      await this.relay.post(humanizedMessage(seq, r));
    } catch (err) {
      if (!cts.token.isCancellationRequested) await this.relay.post({ kind: 'error', seq, message: err instanceof Error ? err.message : String(err) });
    } finally {
      if (this.inFlight === cts) this.inFlight = null;
      cts.dispose();
    }
  }

  /** The view's Save button: the same as Ctrl+S (VS Code then knows the document is clean). */
  private async save(s: HumanizeSettings): Promise<void> {
    this.doc.edit(s);
    try {
      if (this.doc.isDirty && this.panel.active) {
        await vscode.commands.executeCommand('workbench.action.files.save');
      } else {
        const output = await saveHumanized(this.ctx, this.doc, undefined);
        this.doc.markSaved();
        await this.relay.post({ kind: 'saved', output });
      }
    } catch (err) {
      if (!(err instanceof vscode.CancellationError)) await this.relay.post({ kind: 'error', seq: null, message: err instanceof Error ? err.message : String(err) });
    }
  }

  async showMarks(marks: RollMark[]): Promise<void> {
    this.marks = marks;
    await this.relay.post({ kind: 'marks', marks });
  }

  /** Called by the provider after any save of the document. */
  async announceSaved(output: string): Promise<void> {
    await this.relay.post({ kind: 'saved', output });
  }

  dispose(): void {
    this.inFlight?.cancel();
    for (const d of this.disposables) d.dispose();
  }
}

/** `rubato.normalizeBeforeHumanize`: the starting "Normalize first" of new piano rolls and Humanize and Preview. */
export function normalizeBeforeHumanize(): boolean {
  return vscode.workspace.getConfiguration('rubato').get<boolean>('normalizeBeforeHumanize', false) === true;
}

/** The document's settings from a view intent (normalize only when on, so old backups compare equal). */
function settingsOf(m: { style: HumanizeSettings['style']; strength: number; method: HumanizeSettings['method']; normalize?: boolean }): HumanizeSettings {
  return { style: m.style, strength: m.strength, method: m.method, ...(m.normalize === true ? { normalize: true } : {}) };
}

/** A humanize answer as the view's message; the normalizer's edits ride along as marks. */
function humanizedMessage(seq: number, r: PreviewHumanizeResult): HostToView {
  return { kind: 'humanized', seq, take: r.take, method: r.method, provider: r.provider, warnings: r.warnings, ...(r.marks ? { marks: r.marks } : {}) };
}
