// The memory estimate: parameter counts against PerformanceNet's real ones, and the byte formula by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { countParameters, estimateMemory, type MemoryInput, type ModelSize } from '../../../server/runspec/memoryEstimate';

const repoRoot = path.resolve(__dirname, '../../..');

test('parameter counts equal the Python model for known sizes', () => {
  // Printed by count_parameters(PerformanceNet(ModelConfig(...))) for the bundled model and the config defaults.
  assert.equal(countParameters({ dModel: 128, nLayers: 3, nHeads: 4, ffMult: 2 }), 402_956);
  assert.equal(countParameters({ dModel: 128, nLayers: 2, nHeads: 4, ffMult: 4 }), 402_060);
  // d=4, f=8: layer 4·16 + 2·4·8 + 9·4 + 8 = 172; in_proj 23·4, style_proj 6·4, LayerNorm 8, head 4·12 + 12.
  assert.equal(countParameters({ dModel: 4, nLayers: 1, nHeads: 2, ffMult: 2 }), 172 + 92 + 24 + 8 + 60);
});

test('parameter counts equal torch count_parameters when torch is importable', (t) => {
  const python = '/usr/bin/python3';
  const sizes: ModelSize[] = [
    { dModel: 32, nLayers: 1, nHeads: 2, ffMult: 2 },
    { dModel: 256, nLayers: 4, nHeads: 8, ffMult: 4 },
    { dModel: 96, nLayers: 5, nHeads: 3, ffMult: 3 },
  ];
  const script = `
import json, sys
from rubato_native.model import ModelConfig, PerformanceNet, count_parameters
sizes = json.load(sys.stdin)
print(json.dumps([count_parameters(PerformanceNet(ModelConfig(d_model=s["dModel"], n_layers=s["nLayers"], n_heads=s["nHeads"], ff_mult=s["ffMult"]))) for s in sizes]))
`;
  if (!existsSync(python)) {
    t.skip(`${python} not found`);
    return;
  }
  const r = spawnSync(python, ['-c', script], { input: JSON.stringify(sizes), encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'native'), PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    t.skip(`${python} cannot build PerformanceNet (torch not importable?): ${r.stderr.trim().split('\n').pop()}`);
    return;
  }
  assert.deepEqual(JSON.parse(r.stdout) as number[], sizes.map(countParameters));
});

const tiny: MemoryInput = { dModel: 4, nLayers: 1, nHeads: 2, ffMult: 2, dropout: 0.1, microBatch: 2, window: 3, precision: 'fp32', device: 'cpu', gradCheckpointing: false };

test('the byte formula, computed by hand for a tiny model', () => {
  // P = 356; static 16·P. N = 2·3 = 6 tokens, B·h·T² = 36 scores.
  // layer: 6·(8·4 + 2·8)·4 = 1152, dropout masks 6·(2·4 + 8) = 96, softmax 36·4 = 144, attention dropout 36·5 = 180.
  // outside the layers: 6·(2·4 + 22 + 12)·4 = 1008.
  const e = estimateMemory(tiny);
  assert.equal(e.parameters, 356);
  assert.deepEqual([e.weightsBytes, e.gradientsBytes, e.optimizerBytes], [1424, 1424, 2848]);
  assert.equal(e.activationWidthBytes, 4);
  assert.equal(e.activationsBytes, 1152 + 96 + 144 + 180 + 1008);
  assert.equal(e.totalBytes, 16 * 356 + 2580);

  // Checkpointing keeps each layer's input (6·4·4 = 96 per layer) and rebuilds one layer.
  assert.equal(estimateMemory({ ...tiny, gradCheckpointing: true }).activationsBytes, 96 + 1572 + 1008);
  assert.equal(estimateMemory({ ...tiny, nLayers: 3, gradCheckpointing: true }).activationsBytes - estimateMemory({ ...tiny, nLayers: 3 }).activationsBytes, 3 * 96 + 1572 - 3 * 1572);

  // bf16 autocast on a GPU without dropout: 2-byte activations, fp32 softmax plus its 2-byte copy.
  const mixed = estimateMemory({ ...tiny, dropout: 0, precision: 'auto', device: 'cuda' });
  assert.equal(mixed.activationWidthBytes, 2);
  assert.equal(mixed.activationsBytes, 6 * 48 * 2 + 36 * 4 + 36 * 2 + 1008);
  // fp16 on the CPU runs as fp32, as precision.py does.
  assert.equal(estimateMemory({ ...tiny, precision: 'fp16' }).activationWidthBytes, 4);
});

test('activations grow linearly in micro-batch and quadratically in window through attention', () => {
  const base = { ...tiny, dModel: 64, nHeads: 4, window: 256, microBatch: 8 };
  const a1 = estimateMemory(base).activationsBytes;
  assert.equal(estimateMemory({ ...base, microBatch: 16 }).activationsBytes, 2 * a1);
  const scoresPart = (w: number): number => 8 * 4 * w * w * (4 + 5);
  const linearPart = (w: number): number => estimateMemory({ ...base, window: w }).activationsBytes - scoresPart(w);
  assert.equal(linearPart(512), 2 * linearPart(256));
});
