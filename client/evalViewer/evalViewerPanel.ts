// The eval viewer `rubato.evalViewer`: one WebviewPanel, revived after a reload by a serializer (the
// view restores its selections with getState; the host resends pieces and models on `ready`).

import * as vscode from 'vscode';
import type { RubatoContext } from '../context';
import { webviewOptions } from '../webview/resources';
import { EvalViewerSession } from './evalViewerSession';

export const EVAL_VIEWER_VIEW_TYPE = 'rubato.evalViewer';

export class EvalViewerPanels implements vscode.Disposable {
  private session: EvalViewerSession | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: RubatoContext) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(EVAL_VIEWER_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          this.adopt(panel);
        },
      }),
    );
  }

  /** Opens (or reveals) the viewer; `checkpointPaths` are checked in its model list. */
  async open(args?: { checkpointPaths?: string[] }): Promise<void> {
    if (!this.session) {
      const panel = vscode.window.createWebviewPanel(EVAL_VIEWER_VIEW_TYPE, 'Rubato Eval Viewer', vscode.ViewColumn.Active, webviewOptions(this.ctx.ext.extensionUri));
      this.adopt(panel);
    } else {
      this.session.panel.reveal();
    }
    const paths = (args?.checkpointPaths ?? []).filter((p): p is string => typeof p === 'string');
    if (paths.length) await this.session?.preselect(paths);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.session?.dispose();
    panel.iconPath = vscode.Uri.joinPath(this.ctx.ext.extensionUri, 'media', 'rubato.svg');
    const session = new EvalViewerSession(this.ctx, panel);
    this.session = session;
    panel.onDidDispose(() => {
      session.dispose();
      if (this.session === session) this.session = null;
    });
  }

  isOpen(): boolean {
    return this.session !== null;
  }

  dispose(): void {
    this.session?.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
