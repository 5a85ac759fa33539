// onnxruntime-node reproduces PyTorch's outputs of the committed tiny model (padded batch and 3,000 notes).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { clearModelCache, loadModel, runModel } from '../../../server/inference/onnxSession';
import { SCORE_FEATURE_NAMES } from '../../../server/features/scoreFeatures';
import { STYLE_NAMES } from '../../../server/features/style';
import { goldenCases, tinyModel } from './fixture';

after(() => clearModelCache());

test('the fixture carries the metadata the server checks', async () => {
  const m = await loadModel(tinyModel, ['cpu']);
  assert.equal(m.metadata.featureSchemaVersion, 'record-v1');
  assert.deepEqual(m.metadata.featureNames, [...SCORE_FEATURE_NAMES]);
  assert.deepEqual(m.metadata.styleNames, [...STYLE_NAMES]);
  assert.equal(m.metadata.raw.producer, 'rubato');
  assert.equal(m.metadata.dataHash, 'tiny-random-fixture');
  assert.equal((m.metadata.modelConfig as { d_model: number }).d_model, 32);
  assert.equal(m.metadata.styleDefaults.dynamics, 12);
});

const cases = goldenCases();
assert.deepEqual(cases.map((c) => c.name).sort(), ['batch2', 'long']);

for (const c of cases) {
  test(`parity with PyTorch: ${c.name} (lengths ${c.lengths.join(', ')})`, async () => {
    const m = await loadModel(tinyModel, ['cpu']);
    const { features, style, mask, mean, logvar } = c.arrays;
    const [B, T] = mask.shape as [number, number];
    const out = await runModel(m, features.data as Float32Array, style.data as Float32Array, mask.data as Uint8Array, B, T);
    let maxDiff = 0;
    let compared = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        if (!mask.data[b * T + t]) continue; // padding outputs are unspecified
        for (let k = 0; k < 6; k++) {
          const i = (b * T + t) * 6 + k;
          maxDiff = Math.max(maxDiff, Math.abs(out.mean[i]! - Number(mean.data[i])), Math.abs(out.logvar[i]! - Number(logvar.data[i])));
          compared++;
        }
      }
    }
    assert.equal(compared, c.lengths.reduce((s, n) => s + n, 0) * 6);
    assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
  });
}
