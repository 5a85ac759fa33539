// Builds every webview's HTML: a strict CSP with a fresh nonce per render, the panel's bundle and
// stylesheet, an empty `#app` the bundle fills, and initial config in a data- attribute.
// Pure (strings in, string out) so the CSP is unit-tested without an editor.

import { randomBytes } from 'node:crypto';

/** 128 bits from the OS CSPRNG, base64 (never Math.random: a guessable nonce defeats the CSP). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface CspOptions {
  /** `webview.cspSource`: the origin of resources under localResourceRoots. */
  cspSource: string;
  nonce: string;
  /** Audio playback of generated blobs (the piano roll's synth). */
  allowBlobMedia?: boolean;
  /** fetch() of local resources (e.g. a SoundFont under media/). */
  allowLocalFetch?: boolean;
  /** Workers / audio worklets loaded from local resources or blobs. */
  allowWorkers?: boolean;
}

/** `default-src 'none'`; everything else opened one directive at a time, local origins only. */
export function contentSecurityPolicy(o: CspOptions): string {
  const d = [
    `default-src 'none'`,
    `script-src 'nonce-${o.nonce}'${o.allowWorkers ? ` ${o.cspSource}` : ''}`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
  ];
  if (o.allowBlobMedia) d.push(`media-src ${o.cspSource} blob:`);
  if (o.allowLocalFetch) d.push(`connect-src ${o.cspSource}`);
  if (o.allowWorkers) d.push(`worker-src ${o.cspSource} blob:`);
  return d.join('; ') + ';';
}

export interface WebviewPage extends CspOptions {
  title: string;
  scriptUri: string;
  /** Omitted when the bundle has no stylesheet. */
  styleUri?: string;
  /** Serialized into `data-config` on #app (the bundle reads it with `JSON.parse(app.dataset.config)`). */
  config?: unknown;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function webviewHtml(p: WebviewPage): string {
  const config = p.config === undefined ? '' : ` data-config="${escapeHtml(JSON.stringify(p.config))}"`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(p))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    p.styleUri ? `<link rel="stylesheet" href="${escapeHtml(p.styleUri)}" nonce="${p.nonce}">` : '',
    `<title>${escapeHtml(p.title)}</title>`,
    '</head>',
    '<body>',
    `<div id="app"${config}></div>`,
    `<script nonce="${p.nonce}" src="${escapeHtml(p.scriptUri)}"></script>`,
    '</body>',
    '</html>',
  ]
    .filter((l) => l !== '')
    .join('\n');
}
