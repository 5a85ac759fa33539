import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEvalCompareParams, checkEvalModelsParams, checkEvalPiecesParams, evalModelId } from '../../../server/protocol/evalView';

const ok = { pieceId: 'Bach/Fugue/bwv_868', performance: 'GonzalezJ05M', models: [{ kind: 'rules' }, { kind: 'onnx', path: '/m.onnx' }] };

test('compare params: valid, and each problem named', () => {
  const cases: [unknown, string | null][] = [
    [ok, null],
    [{ ...ok, windows: [1, 8, 32], seed: 2, dataDir: '/asap' }, null],
    [null, 'object'],
    [{ ...ok, pieceId: '../etc' }, 'pieceId'],
    [{ ...ok, performance: 'a/b' }, 'performance'],
    [{ ...ok, models: [{ kind: 'gpt' }] }, 'models[0]'],
    [{ ...ok, models: [{ kind: 'onnx' }] }, 'path'],
    [{ ...ok, models: Array(9).fill({ kind: 'rules' }) }, 'at most 8'],
    [{ ...ok, windows: [0] }, 'windows[0]'],
    [{ ...ok, windows: [] }, 'non-empty'],
    [{ ...ok, seed: -1 }, 'seed'],
  ];
  for (const [p, want] of cases) {
    const got = checkEvalCompareParams(p);
    if (want === null) assert.equal(got, null, JSON.stringify(p));
    else assert.ok(got?.includes(want), `${JSON.stringify(p)} → ${got}`);
  }
});

test('pieces and models params', () => {
  assert.equal(checkEvalPiecesParams(undefined), null);
  assert.equal(checkEvalPiecesParams({ split: 'test' }), null);
  assert.match(checkEvalPiecesParams({ split: 'holdout' }) ?? '', /split must be one of/);
  assert.equal(checkEvalModelsParams({ checkpointPaths: ['/a'] }), null);
  assert.match(checkEvalModelsParams({ checkpointPaths: [''] }) ?? '', /checkpointPaths\[0\]/);
});

test('model ids are stable and distinct', () => {
  assert.equal(evalModelId({ kind: 'rules' }), 'rules');
  assert.equal(evalModelId({ kind: 'jitter', seed: 4 }), 'jitter:4');
  assert.equal(evalModelId({ kind: 'onnx', path: '/a.onnx' }), 'onnx:/a.onnx');
  assert.equal(evalModelId({ kind: 'bundled' }), 'bundled');
});
