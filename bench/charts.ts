// Charts section of `npm run bench`: metric-to-chart latency of the loss-curves webview in headless
// Chromium — from a metric message posted to the page to the uPlot draw that includes it — over a long
// history, beside a naive baseline (a new uPlot chart with every point on each append) in the same run.
// Usage: npm run bench -- --only charts [-- --history 100000]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserMissing, CHROMIUM, openWebview } from '../test/unit/webviews/lossCurves/pageHarness';
import { arg } from './args';

interface Latency {
  median: number;
  p95: number;
  max: number;
  drawn: number;
  appends: number;
}

/** Page size of the backfill, as a host would choose `limit` for `rubato/runs/metrics`. */
const BACKFILL_PAGE_ROWS = 5000;

/**
 * Posts `n` rows of history from inside the page (serializing them through the driver would measure
 * Playwright, not the view), as backfill pages of `pageRows` (0: one appended message, for the baseline).
 * Resolves with the ms from the first post to the draw that includes every row.
 */
const HISTORY = `async ({ n, pageRows, drawLogExpr }) => {
  const row = (i) => ({ step: i, wallTime: i * 0.05, values: { train_loss: 3 / (1 + i / 2000) + 0.1 * Math.sin(i), lr: 1e-3 } });
  const t0 = performance.now();
  if (pageRows === 0) {
    window.postMessage({ kind: 'appended', runId: 'bench', fromOffset: 0, nextOffset: n * 100, rows: Array.from({ length: n }, (_, i) => row(i)) }, '*');
  } else {
    for (let from = 0; from < n; from += pageRows) {
      const to = Math.min(n, from + pageRows);
      window.postMessage({ kind: 'backfill', runId: 'bench', fromOffset: from * 100, nextOffset: to * 100, complete: to === n,
        rows: Array.from({ length: to - from }, (_, k) => row(from + k)) }, '*');
    }
  }
  for (;;) {
    const log = eval(drawLogExpr);
    if (log.some((d) => d.rows >= n)) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5));
  }
}`;

/**
 * In-page driver (a string: the page must not depend on our build helpers). Posts `appends` one-row
 * messages at `hz`, then matches each to the first logged draw whose row count includes it.
 * `drawLog()` returns [{at, rows}] from the page under test.
 */
const DRIVER = `async ({ appends, hz, start, drawLogExpr }) => {
  const sent = [];
  const period = 1000 / hz;
  const t0 = performance.now();
  for (let i = 0; i < appends; i++) {
    const due = t0 + i * period;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const step = start + i;
    const msg = { kind: 'appended', runId: 'bench', fromOffset: step * 100, nextOffset: step * 100 + 100,
      rows: [{ step, wallTime: step * 0.05, values: { train_loss: 3 / (1 + step / 2000), lr: 1e-3 } }] };
    sent.push({ at: performance.now(), rows: step + 1 });
    window.postMessage(msg, '*');
  }
  await new Promise((r) => setTimeout(r, 1500));
  const log = eval(drawLogExpr);
  const lat = [];
  let j = 0;
  for (const s of sent) {
    while (j < log.length && (log[j].rows < s.rows || log[j].at < s.at)) j++;
    if (j < log.length) lat.push(log[j].at - s.at);
  }
  return { lat, draws: log.filter((d) => d.at >= t0).length };
}`;

function summarize(lat: number[], appends: number): Latency {
  const s = [...lat].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? NaN, drawn: s.length, appends };
}

async function drive(page: Page, appends: number, hz: number, start: number, drawLogExpr: string): Promise<{ lat: Latency; draws: number }> {
  const r = (await page.evaluate(`(${DRIVER})(${JSON.stringify({ appends, hz, start, drawLogExpr })})`)) as { lat: number[]; draws: number };
  return { lat: summarize(r.lat, appends), draws: r.draws };
}

/** The naive baseline: every append re-creates the chart with all points (what "just call new uPlot" does). */
const NAIVE_PAGE = `
window.__naive = { drawLog: [], rows: 0 };
const el = document.getElementById('app');
const xs = [], ys = [], lr = [];
let plot = null;
function rebuild() {
  if (plot) plot.destroy();
  plot = new uPlot({ width: 868, height: 220, scales: { x: { time: false } },
    series: [{}, { label: 'train_loss', stroke: '#4e79a7', points: { show: false } }, { label: 'lr', stroke: '#f28e2b', points: { show: false } }],
    hooks: { draw: [() => window.__naive.drawLog.push({ at: performance.now(), rows: window.__naive.rows })] } },
    [xs, ys, lr], el);
}
window.addEventListener('message', (e) => {
  const m = e.data;
  for (const r of m.rows) { xs.push(r.step); ys.push(r.values.train_loss); lr.push(r.values.lr); }
  window.__naive.rows += m.rows.length;
  rebuild();
});
`;

export async function benchCharts(): Promise<void> {
  const missing = browserMissing();
  if (missing) {
    console.log(`charts: skipped: ${missing}`);
    return;
  }
  const history = Number(arg('history', '100000'));
  const rates: [number, number][] = [[10, 60], [50, 150], [100, 200]];
  console.log(`charts: metric → drawn latency in headless Chromium (${CHROMIUM}), one run with ${history.toLocaleString('en-US')} rows of history, 2 metrics`);

  // Rubato's view: backfill the history, then live appends.
  const view = await openWebview('lossCurves', { width: 900, height: 700, state: { selectedRuns: ['bench'], metrics: ['train_loss', 'lr'], smoothing: 0.6, logScale: false, xAxis: 'step' } });
  const naive = await openNaive();
  try {
    const run = { id: 'bench', name: 'bench', kind: 'trainer', state: 'running', specPath: '/b.run.toml', runDir: '/b', pid: null, device: 'cpu', usesGpu: false, step: null, totalSteps: null, lastLoss: null, etaSec: null, queuedAt: 0, startedAt: 0, endedAt: null, exitCode: null, signal: null, message: null, bestCheckpoint: null, bestExpressionScore: null };
    await view.send({ kind: 'runs', runs: [run] });
    const load = async (page: Page, pageRows: number, drawLogExpr: string): Promise<number> =>
      (await page.evaluate(`(${HISTORY})(${JSON.stringify({ n: history, pageRows, drawLogExpr })})`)) as number;
    const vb = await load(view.page, BACKFILL_PAGE_ROWS, 'window.__rubatoLossCurves.drawLog');
    const nb = await load(naive, 0, 'window.__naive.drawLog');
    console.log(`  history to first full draw: view ${vb.toFixed(0)} ms (backfill pages of ${BACKFILL_PAGE_ROWS} rows), naive ${nb.toFixed(0)} ms (one message)`);

    let start = history;
    const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(1).padStart(7) : '      –');
    console.log(`  ${'rate'.padEnd(8)} ${'view'.padEnd(40)} ${'naive re-create'.padEnd(40)} median ratio`);
    for (const [hz, appends] of rates) {
      const v = await drive(view.page, appends, hz, start, 'window.__rubatoLossCurves.drawLog');
      const n = await drive(naive, appends, hz, start, 'window.__naive.drawLog');
      start += appends;
      const cell = (r: { lat: Latency; draws: number }): string => `med ${fmt(r.lat.median)} p95 ${fmt(r.lat.p95)} ms, ${String(r.draws).padStart(4)} draws`.padEnd(40);
      console.log(`  ${`${hz} Hz`.padEnd(8)} ${cell(v)} ${cell(n)} ${(n.lat.median / v.lat.median).toFixed(1)}×`);
    }
    console.log('  (view: appends coalesced per animation frame, min/max-per-pixel downsampling, setData on one chart)');
  } finally {
    await view.close();
    await naive.context().browser()?.close();
  }
}

async function openNaive(): Promise<Page> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  const uplotDir = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
  await page.setContent(`<!DOCTYPE html><html><head><style>${readFileSync(path.join(uplotDir, 'uPlot.min.css'), 'utf8')}</style></head><body><div id="app"></div></body></html>`);
  await page.addScriptTag({ content: readFileSync(path.join(uplotDir, 'uPlot.iife.min.js'), 'utf8') });
  await page.addScriptTag({ content: NAIVE_PAGE });
  return page;
}
