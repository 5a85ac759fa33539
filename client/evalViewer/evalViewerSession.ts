// One eval-viewer panel: answers `ready` with the held-out pieces and the models (baselines, the
// bundled model, the checkpoints the Checkpoints view knows), relays comparisons with cancellation,
// and preselects models ("Evaluate" on a checkpoint).

import * as vscode from 'vscode';
import {
  EvalCompareRequest,
  EvalModelsRequest,
  EvalPiecesRequest,
  type EvalCompareParams,
  type EvalCompareResult,
  type EvalModelChoice,
  type EvalModelsResult,
  type EvalPiecesResult,
  type EvalSplitChoice,
} from '../../server/protocol';
import { checkHostToView, checkViewToHost, type HostToView, type ViewToHost } from '../../server/protocol/webview/evalViewer';
import type { RubatoContext } from '../context';
import { call } from '../server/call';
import { createRelay, type Relay } from '../webview/messaging';
import { renderWebview } from '../webview/resources';

export class EvalViewerSession implements vscode.Disposable {
  private readonly relay: Relay<HostToView>;
  private readonly inFlight = new Map<number, vscode.CancellationTokenSource>();
  private dataDir: string | undefined;
  private models: EvalModelChoice[] = [];
  private pendingPreselect: string[] = [];
  private ready = false;

  constructor(
    private readonly ctx: RubatoContext,
    readonly panel: vscode.WebviewPanel,
  ) {
    renderWebview(panel.webview, ctx.ext.extensionUri, { name: 'evalViewer', title: 'Rubato Eval Viewer' });
    this.relay = createRelay<ViewToHost, HostToView>({
      name: 'evalViewer',
      checkIncoming: checkViewToHost,
      checkOutgoing: checkHostToView,
      send: (m) => panel.webview.postMessage(m),
      subscribe: (l) => panel.webview.onDidReceiveMessage(l),
      onMessage: (m) => this.onMessage(m),
      log: (line) => ctx.log.warn(line),
    });
  }

  /** Check these checkpoints' models in the view (now, or once it is ready). */
  async preselect(checkpointPaths: readonly string[]): Promise<void> {
    this.pendingPreselect.push(...checkpointPaths);
    if (this.ready) await this.sendModels();
  }

  private async onMessage(m: ViewToHost): Promise<void> {
    switch (m.kind) {
      case 'ready':
        this.ready = true;
        await this.listPieces('val');
        await this.sendModels();
        return;
      case 'listPieces':
        return this.listPieces(m.split);
      case 'compare':
        return this.compare(m);
      case 'cancel':
        this.inFlight.get(m.requestId)?.cancel();
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  private async listPieces(split: EvalSplitChoice): Promise<void> {
    try {
      const listing = await call<EvalPiecesResult>(this.ctx.client, EvalPiecesRequest.method, { split, ...(this.dataDir ? { dataDir: this.dataDir } : {}) });
      this.dataDir = listing.dataDir;
      await this.relay.post({ kind: 'pieces', listing });
    } catch (err) {
      await this.relay.post({ kind: 'failed', requestId: null, message: err instanceof Error ? err.message : String(err), cancelled: false });
    }
  }

  private async sendModels(): Promise<void> {
    const checkpointPaths = [...new Set([...this.ctx.checkpoints.runIds().flatMap((id) => this.ctx.checkpoints.forRun(id).map((c) => c.path)), ...this.pendingPreselect])];
    try {
      this.models = (await call<EvalModelsResult>(this.ctx.client, EvalModelsRequest.method, { checkpointPaths })).models;
      await this.relay.post({ kind: 'models', models: this.models });
      if (this.pendingPreselect.length) {
        const wanted = new Set(this.pendingPreselect);
        const ids = this.models.filter((c) => c.ref.kind === 'onnx' && [...wanted].some((p) => c.ref.kind === 'onnx' && (c.ref.path === p || c.ref.path.startsWith(p)))).map((c) => c.id);
        this.pendingPreselect = [];
        if (ids.length) await this.relay.post({ kind: 'preselect', modelIds: ids });
      }
    } catch (err) {
      await this.relay.post({ kind: 'failed', requestId: null, message: err instanceof Error ? err.message : String(err), cancelled: false });
    }
  }

  private async compare(m: Extract<ViewToHost, { kind: 'compare' }>): Promise<void> {
    // A newer comparison makes older ones stale: cancel them rather than let them queue on the server.
    for (const [id, cts] of this.inFlight) if (id < m.requestId) cts.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.inFlight.set(m.requestId, cts);
    await this.relay.post({ kind: 'computing', requestId: m.requestId });
    try {
      const params: EvalCompareParams = { pieceId: m.pieceId, performance: m.performance, models: m.models, windows: m.windows, ...(this.dataDir ? { dataDir: this.dataDir } : {}) };
      const comparison = await call<EvalCompareResult>(this.ctx.client, EvalCompareRequest.method, params, cts.token);
      await this.relay.post({ kind: 'result', requestId: m.requestId, comparison });
    } catch (err) {
      await this.relay.post({ kind: 'failed', requestId: m.requestId, message: err instanceof Error ? err.message : String(err), cancelled: cts.token.isCancellationRequested });
    } finally {
      this.inFlight.delete(m.requestId);
      cts.dispose();
    }
  }

  dispose(): void {
    for (const cts of this.inFlight.values()) cts.cancel();
    this.relay.dispose();
  }
}
