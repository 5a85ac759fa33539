// onnxruntime-node reproduces PyTorch's logits for the committed tiny normalizer (padded batch and 900 bars),
// and the metadata check refuses files that are not a normalizer for this feature and class schema.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { decodeNpy, type NpyArray } from '../../../server/dataset/npy';
import { ModelFileError } from '../../../server/inference/onnxMetadata';
import { N_DISPLACEMENT_BINS as N_CLASSES } from '../../../server/normalize/editSpace';
import { N_NORMALIZER_FEATURES } from '../../../server/normalize/features';
import { checkNormalizerMetadata, clearNormalizerCache, loadNormalizer, runNormalizer } from '../../../server/normalize/model';
import { repoRoot } from './helpers';

const fixtureDir = path.join(repoRoot, 'test/fixtures/normalizer');
const tiny = path.join(fixtureDir, 'tiny.onnx');
after(() => clearNormalizerCache());

interface GoldenIndex {
  cases: Record<string, { lengths: number[]; files: Record<'features' | 'mask' | 'logits', string> }>;
}
const index = JSON.parse(readFileSync(path.join(fixtureDir, 'golden.json'), 'utf8')) as GoldenIndex;
const load = (f: string): NpyArray => decodeNpy(readFileSync(path.join(fixtureDir, f)), f);

test('the goldens cover a padded batch and a long piece', () => {
  assert.deepEqual(Object.keys(index.cases).sort(), ['batch2', 'long']);
});

for (const [name, c] of Object.entries(index.cases)) {
  test(`parity with PyTorch: ${name} (bars ${c.lengths.join(', ')})`, async () => {
    const m = await loadNormalizer(tiny);
    const features = load(c.files.features);
    const mask = load(c.files.mask);
    const golden = load(c.files.logits);
    const [B, T, F] = features.shape as [number, number, number];
    assert.equal(F, N_NORMALIZER_FEATURES);
    const out = await runNormalizer(m, features.data as Float32Array, mask.data as Uint8Array, B, T);
    let maxDiff = 0;
    let compared = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        if (!mask.data[b * T + t]) continue; // padding outputs are unspecified
        for (let k = 0; k < N_CLASSES; k++) {
          const i = (b * T + t) * N_CLASSES + k;
          maxDiff = Math.max(maxDiff, Math.abs(out[i]! - Number(golden.data[i])));
          compared++;
        }
      }
    }
    assert.equal(compared, c.lengths.reduce((s, n) => s + n, 0) * N_CLASSES);
    assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
  });
}

test('a humanizer model or a non-ONNX file is refused with the file named', async () => {
  const humanizer = path.join(repoRoot, 'test/fixtures/onnx/tiny.onnx');
  assert.throws(() => checkNormalizerMetadata(readFileSync(humanizer), humanizer), (e: unknown) => e instanceof ModelFileError && e.message.startsWith(humanizer) && /not a Rubato normalizer/.test(e.message));
  const golden = path.join(fixtureDir, 'golden.json');
  await assert.rejects(loadNormalizer(golden), (e: unknown) => e instanceof ModelFileError && e.message.startsWith(golden));
  await assert.rejects(loadNormalizer(path.join(fixtureDir, 'missing.onnx')), /not found/);
});
