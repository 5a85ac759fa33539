// The eval viewer's server data on a real ASAP piece: listing by split, models, one comparison whose chart
// series are exactly what its metrics measure, per-model errors, cancellation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CancellationToken } from 'vscode-languageserver';
import { pearson } from '../../../server/eval';
import { compareEval, EvalCancelled } from '../../../server/evalView/compare';
import { listEvalModels, resolveOnnx } from '../../../server/evalView/models';
import { listEvalPieces } from '../../../server/evalView/pieces';
import { definedIndices, smoothedAt } from '../../../server/evalView/series';

const asapDir = path.resolve(__dirname, '../../../../shared/data/asap');
const noCorpus = existsSync(asapDir) ? false : `ASAP corpus not found at ${asapDir}; eval-view corpus tests skipped`;

test('smoothedAt smooths the defined entries only and puts them back in place', () => {
  const v = [1, NaN, 3, 5, NaN, 7];
  const at = definedIndices(v);
  assert.deepEqual(at, [0, 2, 3, 5]);
  const s = smoothedAt(v, at, v.length, [1, 2]);
  assert.deepEqual(s['1'], [1, null, 3, 5, null, 7]);
  // w = 2 averages an item with the next defined one (centred window: 0 before, 1 after).
  assert.deepEqual(s['2'], [2, null, 4, 6, null, 7]);
  assert.deepEqual(definedIndices([1, 2, NaN], [NaN, 2, 3]), [1]);
});

test('resolveOnnx: a file, a checkpoint folder with one model, and clear errors otherwise', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-evalview-'));
  try {
    const ckpt = path.join(dir, 'runs', 'r1', 'checkpoints', 'step-100');
    mkdirSync(ckpt, { recursive: true });
    assert.throws(() => resolveOnnx(ckpt), /no exported model in this checkpoint folder/);
    writeFileSync(path.join(ckpt, 'model.onnx'), 'x');
    assert.equal(resolveOnnx(ckpt), path.join(ckpt, 'model.onnx'));
    writeFileSync(path.join(ckpt, 'other.onnx'), 'x');
    assert.throws(() => resolveOnnx(ckpt), /several \.onnx files/);
    assert.throws(() => resolveOnnx(path.join(dir, 'missing.onnx')), /not found/);
    const models = listEvalModels({ checkpointPaths: [ckpt] }).models;
    assert.deepEqual(models.map((m) => m.id).slice(0, 3), ['bundled', 'rules', 'jitter']);
    const c = models[3]!;
    assert.equal(c.label, 'r1/step-100');
    assert.equal(c.available, false);
    assert.match(c.reason, /several/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pieces: val by default, test listed with the withheld notice, splits disjoint', { skip: noCorpus }, () => {
  const val = listEvalPieces({ dataDir: asapDir });
  const testSplit = listEvalPieces({ dataDir: asapDir, split: 'test' });
  const all = listEvalPieces({ dataDir: asapDir, split: 'all' });
  assert.equal(val.split, 'val');
  assert.equal(val.notice, null);
  assert.match(testSplit.notice ?? '', /withheld/);
  assert.ok(val.pieces.length > 5 && testSplit.pieces.length > 5);
  assert.ok(val.pieces.every((p) => p.split === 'val' && p.performances.length > 0));
  const valIds = new Set(val.pieces.map((p) => p.id));
  assert.ok(testSplit.pieces.every((p) => !valIds.has(p.id)), 'no piece is in both val and test');
  assert.equal(all.pieces.filter((p) => p.split === 'val').length, val.pieces.length);
});

test('compare on a real val performance: chart series are what the metrics measure', { skip: noCorpus }, async () => {
  const val = listEvalPieces({ dataDir: asapDir });
  const piece = val.pieces.find((p) => p.id === 'Bach/Fugue/bwv_868') ?? val.pieces[0]!;
  const c = await compareEval({
    dataDir: asapDir,
    pieceId: piece.id,
    performance: piece.performances[0]!,
    models: [{ kind: 'rules' }, { kind: 'jitter', seed: 3 }, { kind: 'onnx', path: '/nonexistent/model.onnx' }],
  });
  assert.equal(c.split, 'val');
  assert.deepEqual(c.windows, [1, 8, 32]);
  assert.equal(c.expressionWindow, 8);
  assert.ok(c.scoreNotes > 100 && c.groups > 50);
  assert.equal(c.human.velocity['8']!.length, c.scoreNotes);
  assert.equal(c.human.tempo['32']!.length, c.groups);
  const [rules, jitter, missing] = c.models;
  let compared = 0;
  assert.equal(missing!.error?.includes('/nonexistent/model.onnx: not found'), true, 'a bad model is an error in its own row');
  assert.equal(missing!.velocity, null);
  for (const m of [rules!, jitter!]) {
    assert.equal(m.error, null);
    assert.equal(m.outputNotes, c.scoreNotes, 'baselines render every score note');
    assert.equal(m.sanity?.passed, true, JSON.stringify(m.sanity?.failures));
    assert.equal(m.collapsed, false);
    // The r in the table is the Pearson r of the two drawn lines (where both are drawn), at every window.
    for (const w of ['1', '8', '32']) {
      for (const [kind, r] of [['velocity', m.velocityR[w]], ['tempo', m.rubatoR[w]]] as const) {
        const pred = m[kind]![w]!;
        const humanLine = kind === 'velocity' ? c.human.velocity[w]! : c.human.tempo[w]!;
        // The human line is smoothed over everything played; where the model drops nothing the pairing is the same.
        const both = pred.map((p, i) => (p !== null && humanLine[i] !== null ? i : -1)).filter((i) => i >= 0);
        if (both.length !== humanLine.filter((h) => h !== null).length) continue;
        compared++;
        const drawn = pearson(both.map((i) => pred[i]!), both.map((i) => humanLine[i]!));
        assert.ok(r !== null && r !== undefined && drawn !== null && Math.abs(drawn - r) < 2e-3, `${m.id} ${kind} r@${w}: table ${r}, drawn ${drawn}`);
      }
    }
    const es = m.expressionScore!;
    assert.ok(Math.abs(es - (m.velocityR['8']! + m.rubatoR['8']!) / 2) < 1e-12);
  }
  assert.ok(compared >= 6, `drawn lines compared with the table ${compared} times`);
  // The seed is honoured: jitter's expression differs from rules'.
  assert.notDeepEqual(jitter!.velocity!['1'], rules!.velocity!['1']);
});

test('compare: unknown piece or performance is a clear error; a cancelled token stops the work', { skip: noCorpus }, async () => {
  await assert.rejects(compareEval({ dataDir: asapDir, pieceId: 'Nobody/Nothing', performance: 'X', models: [] }), /no piece "Nobody\/Nothing"/);
  const piece = listEvalPieces({ dataDir: asapDir }).pieces[0]!;
  await assert.rejects(compareEval({ dataDir: asapDir, pieceId: piece.id, performance: 'NotAPerformer', models: [] }), /has no performance "NotAPerformer"/);
  const cancelled = { isCancellationRequested: true, onCancellationRequested: () => ({ dispose() {} }) } as unknown as CancellationToken;
  await assert.rejects(compareEval({ dataDir: asapDir, pieceId: piece.id, performance: piece.performances[0]!, models: [{ kind: 'rules' }] }, cancelled), EvalCancelled);
});
