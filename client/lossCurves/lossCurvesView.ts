// The loss-curve webview view `rubato.lossCurves` (panel area, so it stays visible while editing).
// Relays the run list and updates, answers backfill requests with `rubato/runs/metrics` pages, and
// forwards live `rubato/runs/metricsAppended` rows for the runs the view shows.

import * as vscode from 'vscode';
import { RunMetricsRequest, type RunMetricsParams, type RunMetricsResult } from '../../server/protocol';
import { checkHostToView, checkViewToHost, type HostToView, type ViewToHost } from '../../server/protocol/webview/lossCurves';
import type { RubatoContext } from '../context';
import { call } from '../server/call';
import { createRelay, type Relay } from '../webview/messaging';
import { renderWebview } from '../webview/resources';

export const LOSS_CURVES_VIEW_ID = 'rubato.lossCurves';
/** Rows per backfill page: big enough for few round trips, small enough to keep each message light. */
const BACKFILL_PAGE_ROWS = 5000;

export class LossCurvesViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private relay: Relay<HostToView> | null = null;
  private readonly viewDisposables: vscode.Disposable[] = [];
  /** Runs the view shows; null = it has not said, forward everything. */
  private selected: Set<string> | null = null;
  private pendingFocus: string | null = null;
  private ready = false;

  constructor(private readonly ctx: RubatoContext) {}

  static register(ctx: RubatoContext): { provider: LossCurvesViewProvider; disposable: vscode.Disposable } {
    const provider = new LossCurvesViewProvider(ctx);
    const reg = vscode.window.registerWebviewViewProvider(LOSS_CURVES_VIEW_ID, provider);
    return { provider, disposable: vscode.Disposable.from(reg, provider) };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    renderWebview(view.webview, this.ctx.ext.extensionUri, { name: 'lossCurves', title: 'Rubato Loss Curves' });
    const relay = createRelay<ViewToHost, HostToView>({
      name: 'lossCurves',
      checkIncoming: checkViewToHost,
      checkOutgoing: checkHostToView,
      send: (m) => view.webview.postMessage(m),
      subscribe: (l) => view.webview.onDidReceiveMessage(l),
      onMessage: (m) => this.onMessage(m),
      log: (line) => this.ctx.log.warn(line),
    });
    this.relay = relay;
    const { runs, metrics } = this.ctx;
    this.viewDisposables.push(
      relay,
      runs.listChanged.on(() => void this.post({ kind: 'runs', runs: runs.list() })),
      runs.updated.on((run) => void this.post({ kind: 'runUpdated', run })),
      metrics.appended.on((p) => {
        if (this.selected && !this.selected.has(p.id)) return;
        void this.post({ kind: 'appended', runId: p.id, rows: p.rows, fromOffset: p.fromOffset, nextOffset: p.nextOffset });
      }),
      view.onDidDispose(() => this.disposeView()),
    );
  }

  /** Show this run among the curves without revealing the view: now if it is open, else when it opens. */
  async follow(runId: string): Promise<void> {
    if (this.ready) await this.post({ kind: 'focusRun', runId });
    else this.pendingFocus = runId;
  }

  /** "Open Loss Curves": reveal the view and show this run (once the view is ready). */
  async focus(runId?: string): Promise<void> {
    await vscode.commands.executeCommand(`${LOSS_CURVES_VIEW_ID}.focus`);
    if (!runId) return;
    if (this.ready) await this.post({ kind: 'focusRun', runId });
    else this.pendingFocus = runId;
  }

  private async onMessage(m: ViewToHost): Promise<void> {
    switch (m.kind) {
      case 'ready':
        this.ready = true;
        await this.post({ kind: 'runs', runs: this.ctx.runs.list() });
        if (this.pendingFocus) await this.post({ kind: 'focusRun', runId: this.pendingFocus });
        this.pendingFocus = null;
        return;
      case 'selectRuns':
        this.selected = new Set(m.runIds);
        return;
      case 'backfill':
        return this.backfill(m.runId, m.fromOffset);
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  private async backfill(runId: string, fromOffset: number): Promise<void> {
    try {
      const params: RunMetricsParams = { id: runId, fromOffset, limit: BACKFILL_PAGE_ROWS };
      const r = await call<RunMetricsResult>(this.ctx.client, RunMetricsRequest.method, params);
      await this.post({ kind: 'backfill', runId, fromOffset, rows: r.rows, nextOffset: r.nextOffset, complete: r.complete });
    } catch (err) {
      await this.post({ kind: 'backfillFailed', runId, fromOffset, message: err instanceof Error ? err.message : String(err) });
    }
  }

  private post(m: HostToView): Promise<boolean> {
    return this.relay ? this.relay.post(m) : Promise.resolve(false);
  }

  private disposeView(): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    this.relay = null;
    this.ready = false;
    this.selected = null;
  }

  dispose(): void {
    this.disposeView();
  }
}
