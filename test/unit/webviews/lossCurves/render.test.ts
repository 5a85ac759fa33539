// The loss-curves bundle in headless Chromium: backfill pages, live appends with a gap, the chart's data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricRow, RunInfo } from '../../../../server/protocol/runs';
import { browserMissing, openWebview, waitFor } from './pageHarness';

const skip = browserMissing();

const run = (id: string, state: RunInfo['state']): RunInfo => ({
  id, name: `run ${id}`, kind: 'trainer', state, specPath: '/s.run.toml', runDir: `/runs/${id}`, pid: null, device: 'cpu', usesGpu: false,
  step: null, totalSteps: 1000, lastLoss: null, etaSec: null, queuedAt: 1, startedAt: 1, endedAt: null, exitCode: null, signal: null,
  message: null, bestCheckpoint: null, bestExpressionScore: null,
});
/** Row i occupies bytes [100i, 100i+100) of the fake log; every 10th row carries eval metrics. */
const rowsOf = (from: number, to: number): MetricRow[] =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const values: Record<string, number | null> = { train_loss: 3 / (1 + i / 50), lr: 1e-3 };
    if (i % 10 === 0) Object.assign(values, { val_loss: 3.2 / (1 + i / 60), expression_score: Math.min(0.6, i / 500), 'velocity_r/8': 0.5 });
    return { step: i, wallTime: 1_700_000_000 + i * 0.25, values };
  });

test('backfill then appends with a gap: every point drawn once, state saved, controls reachable', { skip: skip ?? false }, async () => {
  const v = await openWebview('lossCurves');
  try {
    const posted = async (kind: string) => (await v.posted()).filter((m) => (m as { kind: string }).kind === kind) as Record<string, unknown>[];
    assert.equal((await posted('ready')).length, 1, 'the view says ready first');
    await v.send({ kind: 'runs', runs: [run('a', 'running'), run('b', 'finished')] });
    // The running run is selected by default and its history requested from offset 0.
    await waitFor(v.page, `window.__posted.some(m => m.kind === 'backfill' && m.runId === 'a' && m.fromOffset === 0)`, 'a backfill request from 0');
    // A live append arrives before the history: it must wait, not be drawn out of place.
    await v.send({ kind: 'appended', runId: 'a', fromOffset: 50_000, nextOffset: 50_100, rows: rowsOf(500, 501) });
    await v.send({ kind: 'backfill', runId: 'a', fromOffset: 0, nextOffset: 30_000, complete: false, rows: rowsOf(0, 300) });
    await waitFor(v.page, `window.__posted.some(m => m.kind === 'backfill' && m.fromOffset === 30000)`, 'the next page request');
    await v.send({ kind: 'backfill', runId: 'a', fromOffset: 30_000, nextOffset: 50_000, complete: true, rows: rowsOf(300, 500) });
    // Then a gap: rows 501..509 are lost, 510 arrives → the view asks from 50_100.
    await v.send({ kind: 'appended', runId: 'a', fromOffset: 51_000, nextOffset: 51_100, rows: rowsOf(510, 511) });
    await waitFor(v.page, `window.__posted.some(m => m.kind === 'backfill' && m.fromOffset === 50100)`, 'a backfill for the gap');
    await v.send({ kind: 'backfill', runId: 'a', fromOffset: 50_100, nextOffset: 51_000, complete: true, rows: rowsOf(501, 510) });
    await waitFor(v.page, `window.__rubatoLossCurves.rowsApplied() === 511`, 'all 511 rows applied');
    await waitFor(v.page, `document.querySelector('[data-chart="loss"]')?.dataset.points === String(511 + 52)`, 'the loss chart drawing every point');

    const info = await v.page.evaluate(() => {
      const h = (window as unknown as { __rubatoLossCurves: { charts(): { key: string; data: (number | null)[][] }[]; points(r: string, m: string): number } }).__rubatoLossCurves;
      return {
        charts: h.charts().map((c) => ({ key: c.key, series: c.data.length - 1, x: c.data[0]!.length, drawn: c.data.slice(1).map((s) => s.filter((y) => y !== null).length) })),
        train: h.points('a', 'train_loss'),
        val: h.points('a', 'val_loss'),
        canvases: document.querySelectorAll('canvas').length,
      };
    });
    assert.equal(info.train, 511);
    assert.equal(info.val, 52);
    assert.deepEqual(info.charts.map((c) => c.key), ['loss', 'metric:lr', 'eval']);
    const loss = info.charts[0]!;
    assert.equal(loss.series, 2, 'train_loss and val_loss of run a');
    assert.ok(loss.drawn[0]! > 100 && loss.drawn[0]! <= 511, `train_loss drawn from ${loss.drawn[0]} points`);
    assert.equal(info.canvases, 3);

    // No backfill request was made twice for one offset (one in flight at a time).
    const reqs = (await posted('backfill')).map((m) => m.fromOffset);
    assert.deepEqual(reqs, [0, 30_000, 50_100]);

    // Keyboard: the smoothing slider is focusable and arrows change the saved state.
    const slider = v.page.locator('input[type=range]');
    await slider.focus();
    const before = ((await v.savedState()) as { smoothing: number }).smoothing;
    await v.page.keyboard.press('ArrowRight');
    await waitFor(v.page, `window.__state && window.__state.smoothing !== ${before}`, 'the smoothing change saved');
    const st = (await v.savedState()) as { selectedRuns: string[]; smoothing: number };
    assert.deepEqual(st.selectedRuns, ['a']);
    assert.ok(Math.abs(st.smoothing - (before + 0.01)) < 1e-9);
  } finally {
    await v.close();
  }
});

test('restored state: selected runs and options come back after a reload', { skip: skip ?? false }, async () => {
  const v = await openWebview('lossCurves', { state: { selectedRuns: ['b'], metrics: ['lr'], smoothing: 0, logScale: true, xAxis: 'wall' } });
  try {
    await v.send({ kind: 'runs', runs: [run('a', 'running'), run('b', 'finished')] });
    await waitFor(v.page, `window.__posted.some(m => m.kind === 'backfill' && m.runId === 'b')`, 'backfill of the restored run');
    assert.ok(!(await v.posted()).some((m) => (m as { kind: string; runId?: string }).kind === 'backfill' && (m as { runId?: string }).runId === 'a'));
    await v.send({ kind: 'backfill', runId: 'b', fromOffset: 0, nextOffset: 10_000, complete: true, rows: rowsOf(0, 100) });
    await waitFor(v.page, `document.querySelector('[data-chart="metric:lr"]')?.dataset.points === '100'`, 'the lr chart (the only chosen metric)');
    assert.equal(await v.page.locator('[data-chart="loss"]').count(), 0);
    assert.equal(await v.page.locator('select').inputValue(), 'wall');
    assert.equal(await v.page.locator('label.check:has-text("Log scale") input').isChecked(), true);
  } finally {
    await v.close();
  }
});

if (skip) test(`headless webview tests: ${skip}`, { skip: true }, () => {});
