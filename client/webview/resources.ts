// The vscode side of webview hosting: options that confine a webview to dist/webviews and media/,
// and rendering a panel's page with a fresh nonce (html.ts builds it).

import * as vscode from 'vscode';
import { newNonce, webviewHtml, type CspOptions } from './html';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export interface RenderOptions extends Omit<CspOptions, 'cspSource' | 'nonce'> {
  /** The bundle name: dist/webviews/<name>.js and .css. */
  name: string;
  title: string;
  config?: unknown;
}

/** Sets options and HTML; every call makes a new nonce. */
export function renderWebview(webview: vscode.Webview, extensionUri: vscode.Uri, o: RenderOptions): void {
  webview.options = webviewOptions(extensionUri);
  const asset = (ext: string): vscode.Uri => vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', `${o.name}.${ext}`);
  const { name: _name, ...csp } = o;
  webview.html = webviewHtml({
    ...csp,
    cspSource: webview.cspSource,
    nonce: newNonce(),
    scriptUri: webview.asWebviewUri(asset('js')).toString(),
    styleUri: webview.asWebviewUri(asset('css')).toString(),
  });
}
