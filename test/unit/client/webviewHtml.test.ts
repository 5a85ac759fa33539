// Every webview page: a strict CSP (default-src 'none', scripts only with this render's nonce, local
// origins only), a fresh CSPRNG nonce per render, and nothing injected through the title or config.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, escapeHtml, newNonce, webviewHtml } from '../../../client/webview/html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

test('nonces are 128-bit base64 and never repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const n = newNonce();
    assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
    assert.equal(Buffer.from(n, 'base64').length, 16);
    seen.add(n);
  }
  assert.equal(seen.size, 10_000);
});

test('the CSP denies by default and opens only what a panel asks for', () => {
  const csp = contentSecurityPolicy({ cspSource: CSP_SOURCE, nonce: 'N0nce' });
  const directives = Object.fromEntries(csp.replace(/;$/, '').split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
  assert.deepEqual(directives, {
    'default-src': "'none'",
    'script-src': "'nonce-N0nce'",
    'style-src': `${CSP_SOURCE} 'nonce-N0nce'`,
    'img-src': `${CSP_SOURCE} data:`,
    'font-src': CSP_SOURCE,
  });
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!file\+)|\*/);
  const audio = contentSecurityPolicy({ cspSource: CSP_SOURCE, nonce: 'N', allowBlobMedia: true, allowLocalFetch: true, allowWorkers: true });
  assert.match(audio, /media-src \S+ blob:;/);
  assert.match(audio, new RegExp(`connect-src ${CSP_SOURCE.replace(/[.+]/g, '\\$&')};`));
  assert.match(audio, /worker-src \S+ blob:;/);
  assert.doesNotMatch(audio, /unsafe|\*/);
});

test('the page: #app with escaped config, the bundle and stylesheet with the nonce, the CSP in a meta tag', () => {
  const config = { fileName: 'a"b<script>.mid' };
  const html = webviewHtml({ title: 'x</title><script>', cspSource: CSP_SOURCE, nonce: 'abc123', scriptUri: 'https://r/dist/webviews/pianoRoll.js', styleUri: 'https://r/dist/webviews/pianoRoll.css', config });
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'only the bundle is a script');
  assert.match(html, /<script nonce="abc123" src="https:\/\/r\/dist\/webviews\/pianoRoll\.js"><\/script>/);
  assert.match(html, /<link rel="stylesheet" href="https:\/\/r\/dist\/webviews\/pianoRoll\.css" nonce="abc123">/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-abc123&#39;/);
  const data = /data-config="([^"]*)"/.exec(html)![1]!;
  const decoded = data.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  assert.deepEqual(JSON.parse(decoded), config, 'config survives the attribute round trip');
  assert.equal(escapeHtml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;');
  assert.doesNotMatch(webviewHtml({ title: 't', cspSource: CSP_SOURCE, nonce: 'n', scriptUri: 's' }), /<link|data-config/);
});

test('two renders of the same panel get different nonces', () => {
  const render = () => webviewHtml({ title: 't', cspSource: CSP_SOURCE, nonce: newNonce(), scriptUri: 's' });
  const nonceOf = (h: string) => /nonce-([^&]+)&#39;/.exec(h)![1];
  assert.notEqual(nonceOf(render()), nonceOf(render()));
});
