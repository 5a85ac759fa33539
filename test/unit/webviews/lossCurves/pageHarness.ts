// Loads a webview bundle into headless Chromium with a stub acquireVsCodeApi, so tests and the bench can
// post host messages and read what the view posted and saved. Skips (returns a reason) without Chromium.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(__dirname, '../../../..');

/** Why browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (install Debian's chromium: apt-get install chromium); headless webview tests skipped`;
  return null;
}

export interface WebviewPage {
  page: Page;
  /** Posts a host → view message (what the client's webview.postMessage delivers). */
  send(message: unknown): Promise<void>;
  /** Everything the view has posted so far. */
  posted(): Promise<unknown[]>;
  /** The last vscode.setState value. */
  savedState(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Bundles webviews/<name>/main.ts the way esbuild.mjs does (browser, iife) into a temp folder — so the
 * test always runs the current source — and opens it in a page whose #app is empty, as the client's.
 */
export async function openWebview(name: string, opts: { state?: unknown; width?: number; height?: number } = {}): Promise<WebviewPage> {
  const outdir = mkdtempSync(path.join(os.tmpdir(), `rubato-${name}-`));
  let browser: Browser | null = null;
  try {
    await esbuild.build({
      entryPoints: { [name]: path.join(repoRoot, 'webviews', name, 'main.ts') },
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      outdir,
      logLevel: 'silent',
    });
    const js = readFileSync(path.join(outdir, `${name}.js`), 'utf8');
    const cssPath = path.join(outdir, `${name}.css`);
    const css = existsSync(cssPath) ? readFileSync(cssPath, 'utf8') : '';
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: opts.width ?? 900, height: opts.height ?? 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body class="vscode-dark"><div id="app"></div></body></html>`);
    // A string, not a function: tsx would wrap named functions in a `__name` helper the page lacks.
    await page.addScriptTag({
      content: `window.__posted = []; window.__state = ${JSON.stringify(opts.state ?? null)};
        window.acquireVsCodeApi = () => ({
          postMessage: (m) => window.__posted.push(m),
          getState: () => window.__state,
          setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
        });`,
    });
    await page.addScriptTag({ content: js });
    if (errors.length) throw new Error(`${name}: page error: ${errors.join('; ')}`);
    const b = browser;
    return {
      page,
      send: (m) => page.evaluate((msg) => window.postMessage(msg, '*'), m),
      posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
      savedState: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
      close: async () => {
        await b.close();
        rmSync(outdir, { recursive: true, force: true });
        if (errors.length) throw new Error(`${name}: page error: ${errors.join('; ')}`);
      },
    };
  } catch (err) {
    await browser?.close();
    rmSync(outdir, { recursive: true, force: true });
    throw err;
  }
}

/** Waits until `fn` (run in the page) returns truthy; fails with `what` after timeoutMs. */
export async function waitFor(page: Page, fn: string, what: string, timeoutMs = 5000): Promise<void> {
  try {
    await page.waitForFunction(fn, undefined, { timeout: timeoutMs, polling: 20 });
  } catch {
    throw new Error(`timed out waiting for ${what}`);
  }
}
