// Loads the built piano-roll bundle (dist/webviews/pianoRoll.js) in headless Chromium with a stub
// `acquireVsCodeApi`, so tests and the benchmark can post host messages and read what the view posts.
// Shared by test/unit/webviews/pianoRoll/render.test.ts and bench/pianoRoll.ts.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewLoadResult, RollTake } from '../../../../server/protocol/preview';
import type { HostToView } from '../../../../server/protocol/webview/pianoRoll';

export const CHROMIUM = process.env.RUBATO_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../../../..');
export const BUNDLE = path.join(ROOT, 'dist/webviews/pianoRoll.js');

/** Why the browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (install Debian's chromium or set RUBATO_CHROMIUM)`;
  if (!existsSync(BUNDLE)) return `${BUNDLE} is missing: run npm run build first`;
  return null;
}

export interface RollPage {
  browser: Browser;
  page: Page;
  send(m: HostToView): Promise<void>;
  /** Messages the view posted to the host, in order. */
  posted(): Promise<{ kind: string; [k: string]: unknown }[]>;
  close(): Promise<void>;
}

export async function openRollPage(opts: { width?: number; height?: number; dpr?: number; theme?: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast' } = {}): Promise<RollPage> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu-vsync', '--disable-frame-rate-limit'] });
  try {
    const page = await browser.newPage({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 700 }, deviceScaleFactor: opts.dpr ?? 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const css = readFileSync(BUNDLE.replace(/\.js$/, '.css'), 'utf8');
    await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body class="${opts.theme ?? 'vscode-dark'}"><div id="app"></div></body></html>`);
    // Page code is passed as strings: tsx rewrites functions with a `__name` helper the page lacks.
    await page.evaluate(`
      window.__posted = [];
      window.__state = undefined;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => window.__state,
        setState: (s) => { window.__state = s; },
      });
    `);
    await page.addScriptTag({ content: readFileSync(BUNDLE, 'utf8') });
    if (errors.length) throw new Error(`the piano-roll bundle failed to start: ${errors.join('; ')}`);
    return {
      browser,
      page,
      send: (m) => page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`),
      posted: () => page.evaluate('window.__posted'),
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** The init message the host would send for a loaded preview. */
export function initMessage(load: PreviewLoadResult, marks: { startSec: number; endSec: number; label: string }[] = []): HostToView {
  return {
    kind: 'init',
    view: {
      fileName: load.fileName,
      score: load.score,
      defaultStyle: load.defaultStyle,
      defaultStrength: 1,
      sliders: load.sliders,
      modelAvailable: load.modelAvailable,
      marks,
      warnings: load.warnings,
    },
  };
}

export function humanizedMessage(seq: number, take: RollTake): HostToView {
  return { kind: 'humanized', seq, take, method: take.notes.confidence ? 'model' : 'rules', provider: null, warnings: [] };
}

/** Pixels of the canvas that differ from its top-left background pixel, counted in the page. */
export function countInkPixels(page: Page): Promise<{ ink: number; total: number }> {
  // The background is the most common colour (sampled on a sparse lattice); ink is everything else.
  return page.evaluate(`(() => {
    const c = document.querySelector('canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const counts = new Map();
    for (let i = 0; i < d.length; i += 4 * 7) {
      const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    let bg = 0, best = -1;
    for (const [k, n] of counts) if (n > best) { bg = k; best = n; }
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) !== bg) ink++;
    return { ink, total: d.length / 4 };
  })()`);
}
