// UI journeys through the workbench DOM, as a user does them, with screenshots kept as test artifacts
// (test-results/vscode/): the Runs view with the finished run of the suite, Humanize and Preview from the
// explorer's context menu (piano roll with notes drawn, A/B), the loss-curve view following a live run, and
// the eval viewer comparing models on a held-out piece.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { runCommand, webviewWith } from './workbench';

export interface JourneyContext {
  artifacts: string;
  workspace: string;
  specPath: string;
  midPath: string;
  /** The ASAP corpus, when present (the eval viewer journey needs it). */
  corpus: string | null;
  /** Prefix of the screenshot files ('' for the development build, 'vsix-' for the installed package). */
  shotPrefix?: string;
}

type Journey = (page: Page, ctx: JourneyContext) => Promise<void>;

async function pollUntil<T>(what: string, f: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Non-background pixels of the largest canvas in a webview: proof that something was drawn. */
async function inkedPixels(frame: FrameLocator, selector = 'canvas'): Promise<number> {
  return frame.locator(selector).first().evaluate((el) => {
    const canvases = Array.from(el.ownerDocument.querySelectorAll("canvas")).sort((a, b) => b.width * b.height - a.width * a.height);
    const c = canvases[0];
    if (!c || c.width === 0) return 0;
    const g = c.getContext('2d');
    if (!g) return 0;
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const [r0, g0, b0] = [d[0]!, d[1]!, d[2]!];
    let n = 0;
    for (let i = 0; i < d.length; i += 16) if (Math.abs(d[i]! - r0) + Math.abs(d[i + 1]! - g0) + Math.abs(d[i + 2]! - b0) > 30) n++;
    return n;
  });
}

const runsView: Journey = async (page, ctx) => {
  await page.locator('.activitybar [aria-label^="Rubato"]').first().click();
  const name = path.basename(ctx.specPath, '.run.toml');
  await page.locator('.pane-body .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(ctx.artifacts, `${ctx.shotPrefix ?? ''}runs-view.png`) });
};

const pianoRoll: Journey = async (page, ctx) => {
  // Explorer → midi/ → right-click minuet-g-major.mid → Humanize and Preview.
  await page.keyboard.press('Control+Shift+E');
  const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'midi' }).first();
  await folder.waitFor({ timeout: 30_000 });
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
  const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'minuet-g-major.mid' }).first();
  await file.waitFor({ timeout: 30_000 });
  await file.click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-label', { hasText: 'Humanize and Preview' }).first();
  await item.click();
  // A click that lands while the menu is still animating in only highlights the item: confirm with Enter.
  if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');
  const frame = await webviewWith(page, 'canvas', 90_000);
  const inked = await pollUntil('notes drawn in the piano roll', async () => ((await inkedPixels(frame)) > 500 ? inkedPixels(frame) : undefined), 90_000);
  if (inked <= 500) throw new Error('the piano roll canvas is blank');
  // Playback: the shipped SoundFont loads from the extension (no network), and Play schedules its samples.
  type Audio = { instrument: string; playing: boolean; stats: { sources: number } | null };
  const audio = (): Promise<Audio> => frame.locator('canvas').first().evaluate(() => (window as unknown as { rubatoPianoRoll: { audio(): Audio } }).rubatoPianoRoll.audio());
  await pollUntil('the SoundFont piano', async () => (await audio()).instrument === 'soundfont', 30_000).catch(async () => {
    throw new Error(`playback instrument is ${(await audio()).instrument}, not the SoundFont`);
  });
  await frame.getByRole('button', { name: /Play/ }).first().click();
  await pollUntil('samples scheduled by Play', async () => ((await audio()).stats?.sources ?? 0) > 0, 20_000);
  await frame.getByRole('button', { name: /Pause|Stop|Play/ }).first().click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(ctx.artifacts, `${ctx.shotPrefix ?? ''}piano-roll-ab.png`) });
};

const lossCurves: Journey = async (page, ctx) => {
  // A longer run than the suite's, so the curves are watched while it trains.
  const live = path.join(ctx.workspace, 'live.run.toml');
  writeFileSync(live, readFileSync(ctx.specPath, 'utf8').replace('max_steps = 40', 'max_steps = 20000').replace('out = "runs/tiny"', 'out = "runs/live"'));
  await runCommand(page, 'Rubato: Start Training');
  const input = page.locator('.quick-input-widget input');
  await input.fill('live.run.toml');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'live.run.toml' }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await runCommand(page, 'Rubato: Open Loss Curves');
  const frame = await webviewWith(page, '#app[data-rows]', 90_000);
  const rows = async (): Promise<number> => Number(await frame.locator('#app').getAttribute('data-rows'));
  const first = await pollUntil('the first rows of the live run', async () => ((await rows()) > 0 ? rows() : undefined), 120_000);
  const later = await pollUntil('more rows while the run trains', async () => ((await rows()) > first ? rows() : undefined), 120_000);
  if (later <= first) throw new Error('the loss curves did not update');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(ctx.artifacts, `${ctx.shotPrefix ?? ''}loss-curves.png`) });
  // Stop it from the palette (a quick pick of the stoppable runs): the curves say it stopped.
  await runCommand(page, 'Rubato: Stop Run');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'live' }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await frame.getByText(/live \(stopped/).first().waitFor({ timeout: 60_000 });
};

const evalViewer: Journey = async (page, ctx) => {
  if (!ctx.corpus) {
    console.log('    eval viewer journey skipped: the ASAP corpus (../shared/data/asap) is absent');
    return;
  }
  await runCommand(page, 'Rubato: Open Eval Viewer');
  const frame = await webviewWith(page, 'input[type="search"]', 90_000);
  await pollUntil('the piece list', async () => (await frame.locator('select.pieces option').count()) > 0, 90_000);
  // Search the held-out (val) pieces for a Bach prelude and take the first match.
  await frame.locator('input[type="search"]').fill('Prelude');
  await pollUntil('a matching piece', async () => (await frame.locator('select.pieces option').count()) > 0, 30_000);
  const piece = (await frame.locator('select.pieces option').first().getAttribute('value')) ?? '';
  await frame.locator('input[type="search"]').press('Enter');
  await pollUntil(`the comparison of ${piece}`, async () => {
    const text = (await frame.locator('.status').textContent()) ?? '';
    return text.startsWith(`${piece} · `) && text.includes('onset groups');
  }, 120_000);
  await pollUntil('the velocity chart with points', async () => Number((await frame.locator('[data-chart="velocity"]').getAttribute('data-points')) ?? 0) > 0, 120_000);
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(ctx.artifacts, `${ctx.shotPrefix ?? ''}eval-viewer.png`), fullPage: true });
};

const ALL = { 'runs view': runsView, 'piano roll': pianoRoll, 'loss curves': lossCurves, 'eval viewer': evalViewer } as const;
export type JourneyName = keyof typeof ALL;

export async function runJourneys(page: Page, ctx: JourneyContext, names: readonly JourneyName[] = Object.keys(ALL) as JourneyName[]): Promise<number> {
  let failures = 0;
  for (const [name, journey] of names.map((n) => [n, ALL[n]] as const)) {
    const t0 = Date.now();
    try {
      await journey(page, ctx);
      console.log(`    ✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failures++;
      console.log(`    ✘ ${name}: ${err instanceof Error ? err.message : String(err)}`);
      await page.screenshot({ path: path.join(ctx.artifacts, `${ctx.shotPrefix ?? ''}failed-${name.replace(/\s+/g, '-')}.png`) }).catch(() => undefined);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  }
  return failures;
}
