import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalComparison, EvalModelResult } from '../../../../server/protocol/evalView';
import { checkHostToView, checkViewToHost } from '../../../../server/protocol/webview/evalViewer';
import { badgesOf, chartData, filterPieces } from '../../../../webviews/evalViewer/model';
import { DEFAULT_EVAL_STATE, restoreEvalState } from '../../../../webviews/evalViewer/viewState';

const pieces = [
  { id: 'Bach/Fugue/bwv_868', composer: 'Bach', split: 'val' as const, performances: ['GonzalezJ05M'] },
  { id: 'Chopin/Etudes_op_10/3', composer: 'Chopin', split: 'val' as const, performances: ['Lee01', 'Kim02'] },
];

const model = (over: Partial<EvalModelResult> = {}): EvalModelResult => ({
  id: 'rules', label: 'rules baseline', ref: { kind: 'rules' }, error: null,
  velocity: { '1': [60, null, 70], '8': [62, null, 66] }, tempo: { '1': [0.1, -0.1], '8': [0, 0] },
  velocityR: { '1': 0.3, '8': 0.5 }, rubatoR: { '1': 0.1, '8': 0.2 }, expressionScore: 0.35,
  sanity: { passed: true, failures: [], skipped: [] }, outputNotes: 3, collapsed: false, elapsedMs: 5, ...over,
});
const comparison = (models: EvalModelResult[]): EvalComparison => ({
  dataDir: '/asap', pieceId: 'Bach/Fugue/bwv_868', performance: 'GonzalezJ05M', split: 'val', alignment: { source: 'match', matchedPct: 95 },
  scoreNotes: 3, groups: 2, windows: [1, 8], expressionWindow: 8,
  human: { velocity: { '1': [50, 55, 60], '8': [52, 54, 58] }, tempo: { '1': [0.2, 0], '8': [0.1, 0.1] } }, models, warnings: [],
});

test('piece search: every word must match, underscores read as spaces, performers too', () => {
  assert.equal(filterPieces(pieces, '').length, 2);
  assert.deepEqual(filterPieces(pieces, 'chopin etudes').map((p) => p.id), ['Chopin/Etudes_op_10/3']);
  assert.deepEqual(filterPieces(pieces, 'BWV_868').map((p) => p.id), ['Bach/Fugue/bwv_868']);
  assert.deepEqual(filterPieces(pieces, 'kim').map((p) => p.id), ['Chopin/Etudes_op_10/3']);
  assert.deepEqual(filterPieces(pieces, 'bach chopin'), []);
});

test('chart data: human first, then each model that ran, at the chosen window', () => {
  const c = comparison([model(), model({ id: 'onnx:/x', label: 'x', error: 'bad', velocity: null, tempo: null })]);
  const d = chartData(c, 'velocity', 8);
  assert.deepEqual(d.labels, ['human', 'rules baseline']);
  assert.deepEqual(d.data, [[0, 1, 2], [52, 54, 58], [62, null, 66]]);
  assert.deepEqual(chartData(c, 'tempo', 1).data[1], [0.2, 0]);
  assert.throws(() => chartData(c, 'tempo', 32), /window 32/);
});

test('badges: a note-count mismatch and a collapse are loud; a clean model gets a quiet pass', () => {
  assert.deepEqual(badgesOf(model(), 3), [{ level: 'ok', text: 'sanity checks passed' }]);
  const mismatch = badgesOf(model({ outputNotes: 2, sanity: { passed: false, failures: [{ check: 'note-count', message: 'velocity has 2 entries, score has 3 notes' }], skipped: [] } }), 3);
  assert.equal(mismatch.length, 1);
  assert.equal(mismatch[0]!.level, 'error');
  assert.match(mismatch[0]!.text, /NOTE COUNT MISMATCH: output has 2 notes, the score 3/);
  const collapsed = badgesOf(model({ collapsed: true, sanity: { passed: false, failures: [{ check: 'velocity-collapsed', message: 'velocity std 0.0' }, { check: 'onset-order', message: 'group 4 before 3' }], skipped: [] } }), 3);
  assert.deepEqual(collapsed.map((b) => b.text), ['COLLAPSED: velocity std 0.0', 'onset-order: group 4 before 3']);
  assert.match(badgesOf(model({ error: 'cannot open' }), 3)[0]!.text, /^FAILED: cannot open/);
});

test('state restore and message validation', () => {
  assert.deepEqual(restoreEvalState(null), DEFAULT_EVAL_STATE);
  assert.deepEqual(restoreEvalState({ split: 'test', pieceId: 'a/b', performance: 'p', modelIds: ['rules'], window: 32 }), { split: 'test', pieceId: 'a/b', performance: 'p', modelIds: ['rules'], window: 32 });
  assert.equal(restoreEvalState({ window: 5, split: 'holdout' }).window, 8);
  assert.equal(checkHostToView({ kind: 'result', requestId: 1, comparison: comparison([model()]) }), null);
  assert.match(checkHostToView({ kind: 'result', requestId: 1, comparison: { ...comparison([model()]), scoreNotes: 4 } }) ?? '', /human.velocity\[1\] must be an array of 4/);
  assert.match(checkHostToView({ kind: 'result', requestId: 1, comparison: comparison([model({ velocity: { '8': [1] } })]) }) ?? '', /models\[0\].velocity/);
  assert.equal(checkHostToView({ kind: 'failed', requestId: null, message: 'x', cancelled: false }), null);
  assert.match(checkHostToView({ kind: 'pieces', listing: { dataDir: '/', split: 'dev', pieces: [], notice: null, errors: [] } }) ?? '', /split/);
  assert.equal(checkViewToHost({ kind: 'compare', requestId: 3, pieceId: 'a', performance: 'b', models: [{ kind: 'bundled' }], windows: [1, 8, 32] }), null);
  assert.match(checkViewToHost({ kind: 'compare', requestId: 3, pieceId: 'a', performance: 'b', models: [{ kind: 'x' }], windows: [8] }) ?? '', /models\[0\]/);
  assert.match(checkViewToHost({ kind: 'listPieces', split: 'everything' }) ?? '', /split/);
  assert.match(checkViewToHost({ kind: 'zap' }) ?? '', /unknown message kind/);
});
