// Drives the VS Code workbench served by code-server in Debian's headless Chromium (playwright-core):
// opens it with the extension under development loaded (and, for the mocha suite, extensionTestsPath),
// and offers the few gestures the UI journeys need. Nothing here knows about Rubato.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.RUBATO_CHROMIUM ?? '/usr/bin/chromium';

export interface Workbench {
  page: Page;
  /** Resolves with the exit code the extension tests report through `codeAutomationExit`. */
  exited: Promise<number>;
  logs: string[];
  close(): Promise<void>;
}

/** The remote authority that code-server puts in the workbench's configuration <meta>. */
async function remoteAuthority(baseUrl: string, folder: string): Promise<string> {
  const html = await (await fetch(`${baseUrl}/?folder=${encodeURIComponent(folder)}`)).text();
  const m = html.match(/id="vscode-workbench-web-configuration" data-settings="([^"]*)"/);
  if (!m) throw new Error('workbench configuration not found in the code-server page');
  const cfg = JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as { remoteAuthority: string };
  return cfg.remoteAuthority;
}

export async function openWorkbench(o: { baseUrl: string; folder: string; devPath?: string; testsPath?: string; echo?: boolean }): Promise<Workbench> {
  const authority = await remoteAuthority(o.baseUrl, o.folder);
  const remote = (p: string): string => `vscode-remote://${authority}${p}`;
  const payload: [string, string][] = [];
  if (o.devPath) payload.push(['extensionDevelopmentPath', remote(o.devPath)]);
  if (o.testsPath) payload.push(['extensionTestsPath', remote(o.testsPath)]);
  const url = `${o.baseUrl}/?folder=${encodeURIComponent(o.folder)}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'rubato-chromium-'));
  const ctx: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const logs: string[] = [];
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => logs.push(`[pageerror] ${String(e).slice(0, 300)}`));
  // The workbench honours extensionTestsPath only with the smoke-test driver enabled, a flag code-server's
  // CLI does not take: set it in the configuration <meta> before the workbench reads it.
  await page.addInitScript(() => {
    new MutationObserver((_m, obs) => {
      const el = document.getElementById('vscode-workbench-web-configuration');
      if (!el) return;
      const s = JSON.parse(el.getAttribute('data-settings') ?? '{}') as { developmentOptions?: Record<string, unknown> };
      s.developmentOptions = { ...(s.developmentOptions ?? {}), enableSmokeTestDriver: true };
      el.setAttribute('data-settings', JSON.stringify(s));
      obs.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  let onExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (onExit = r));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    const line = util.format(...(args ?? []));
    logs.push(line);
    if (o.echo) (type === 'error' ? console.error : console.log)(`    ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => onExit(code));
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  return {
    page,
    exited,
    logs,
    close: async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs a palette command by its full title ("Rubato: Open Loss Curves"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 20_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
}

/** The document inside a webview: each webview is two nested iframes; pick the one whose inner frame has `selector`. */
export async function webviewWith(page: Page, selector: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames = page.locator('iframe.webview');
    const n = await frames.count();
    for (let i = 0; i < n; i++) {
      const inner = page.frameLocator('iframe.webview').nth(i).frameLocator('#active-frame');
      if ((await inner.locator(selector).count()) > 0) return inner;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(250);
  }
}
