// The eval-viewer bundle in headless Chromium with a real computed comparison (ASAP): the view asks for a
// comparison, draws ground truth and each model on both charts, fills the table, and shows a note-count
// mismatch loudly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { compareEval } from '../../../../server/evalView/compare';
import { listEvalModels } from '../../../../server/evalView/models';
import { listEvalPieces } from '../../../../server/evalView/pieces';
import { browserMissing, openWebview, waitFor } from '../lossCurves/pageHarness';

const asapDir = path.resolve(__dirname, '../../../../../shared/data/asap');
const skip = browserMissing() ?? (existsSync(asapDir) ? null : `ASAP corpus not found at ${asapDir}; eval viewer page test skipped`);

test('a real comparison drawn: both charts, the table, loud badges', { skip: skip ?? false }, async () => {
  const listing = listEvalPieces({ dataDir: asapDir });
  const models = listEvalModels({}).models;
  const v = await openWebview('evalViewer', { state: { split: 'val', pieceId: 'Bach/Fugue/bwv_868', performance: null, modelIds: ['rules', 'jitter'], window: 8 } });
  try {
    await v.send({ kind: 'pieces', listing });
    await v.send({ kind: 'models', models });
    await waitFor(v.page, `window.__posted.some(m => m.kind === 'compare')`, 'a compare request');
    const req = (await v.posted()).filter((m) => (m as { kind: string }).kind === 'compare').pop() as {
      requestId: number; pieceId: string; performance: string; models: { kind: 'rules' | 'jitter' }[]; windows: number[];
    };
    assert.equal(req.pieceId, 'Bach/Fugue/bwv_868');
    assert.deepEqual(req.models.map((m) => m.kind), ['rules', 'jitter']);
    const comparison = await compareEval({ dataDir: asapDir, pieceId: req.pieceId, performance: req.performance, models: req.models, windows: req.windows });
    await v.send({ kind: 'computing', requestId: req.requestId });
    await v.send({ kind: 'result', requestId: req.requestId, comparison });
    await waitFor(v.page, `document.querySelector('[data-chart="tempo"]')?.dataset.series === '3'`, 'the tempo chart with human + 2 models');
    const humanVel = comparison.human.velocity['8']!.filter((x) => x !== null).length;
    const drawn = await v.page.evaluate(() => (window as unknown as { __rubatoEvalViewer: { charts(): { key: string; labels: string[]; data: (number | null)[][] }[] } }).__rubatoEvalViewer.charts().map((c) => ({ key: c.key, labels: c.labels, x: c.data[0]!.length, human: c.data[1]!.filter((y) => y !== null).length })));
    assert.deepEqual(drawn.map((c) => c.key), ['velocity', 'tempo']);
    assert.deepEqual(drawn[0]!.labels, ['human', 'rules baseline', 'jitter baseline']);
    assert.equal(drawn[0]!.x, comparison.scoreNotes);
    assert.equal(drawn[0]!.human, humanVel);
    assert.equal(drawn[1]!.x, comparison.groups);
    const rows = await v.page.locator('table.metrics tbody tr').count();
    assert.equal(rows, 2);
    const rulesR8 = await v.page.locator('table.metrics tbody tr[data-model="rules"] td').nth(2).textContent();
    assert.equal(rulesR8, comparison.models[0]!.velocityR['8']!.toFixed(3));
    assert.equal(await v.page.locator('.badge.error').count(), 0, 'baselines pass the sanity checks');

    // Window 32 by keyboard: the charts switch without a new request.
    const before = (await v.posted()).length;
    await v.page.locator('input[name=window][value="32"]').focus();
    await v.page.keyboard.press('Space');
    await waitFor(v.page, `document.querySelector('[data-chart="velocity"] .u-title')?.textContent.includes('window 32')`, 'the window-32 charts');
    assert.equal((await v.posted()).length, before);
    assert.equal(((await v.savedState()) as { window: number }).window, 32);

    // A model whose output lost notes: the mismatch is shown loudly, in a badge and in the table.
    const broken = { ...comparison.models[0]!, outputNotes: comparison.scoreNotes - 5 };
    await v.send({ kind: 'result', requestId: req.requestId + 99, comparison }); // stale: ignored
    // Unticking jitter (keyboard) asks for a new comparison; answer it with a broken rules output.
    const jitterBox = v.page.locator('fieldset.models label', { hasText: 'jitter baseline' }).locator('input');
    await jitterBox.focus();
    await v.page.keyboard.press('Space');
    await waitFor(v.page, `window.__posted.filter(m => m.kind === 'compare').length === 2`, 'a second compare request');
    const latest = (await v.posted()).filter((m) => (m as { kind: string }).kind === 'compare').pop() as { requestId: number; models: unknown[] };
    assert.deepEqual(latest.models, [{ kind: 'rules' }]);
    await v.send({ kind: 'result', requestId: latest.requestId, comparison: { ...comparison, models: [broken] } });
    await waitFor(v.page, `document.querySelector('.badge.error')?.textContent.includes('NOTE COUNT MISMATCH')`, 'the mismatch badge');
    assert.equal(await v.page.locator('td.mismatch').count(), 1);
  } finally {
    await v.close();
  }
});

if (skip) test(`eval viewer page: ${skip}`, { skip: true }, () => {});
