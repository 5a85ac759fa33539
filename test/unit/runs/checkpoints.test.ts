// Checkpoint listing over the layout of native/rubato_native/checkpoint.py, written by hand here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listCheckpoints } from '../../../server/runs/checkpoints';

test('complete step folders are listed with their val metrics; best follows the pointer; leftovers are skipped', () => {
  const run = mkdtempSync(path.join(os.tmpdir(), 'rubato-ckpt-'));
  try {
    const root = path.join(run, 'checkpoints');
    const put = (name: string, config: object): void => {
      mkdirSync(path.join(root, name), { recursive: true });
      writeFileSync(path.join(root, name, 'config.json'), JSON.stringify(config));
    };
    put('step-000100', { step: 100, val: { val_loss: 1.5, expression_score: 0.31, velocity_r: { '1': 0.2, '8': 0.4, '32': null }, rubato_r: { '1': 0.1, '8': 0.22, '32': 0.3 } } });
    put('step-000200', { step: 200, val: { val_loss: 1.4, expression_score: 0.28, velocity_r: { '1': 0.2, '8': 0.36, '32': 0.5 }, rubato_r: { '1': 0.1, '8': 0.2, '32': 0.3 } } });
    put('.tmp-step-000300-123', { step: 300 });
    mkdirSync(path.join(root, 'step-000300')); // renamed but config.json missing: not a checkpoint
    writeFileSync(path.join(root, 'best'), 'step-000100\n');
    writeFileSync(path.join(root, 'latest'), 'step-000200\n');
    const list = listCheckpoints('r1', run);
    assert.deepEqual(list.map((c) => [c.step, c.best, c.valLoss, c.expressionScore]), [[100, true, 1.5, 0.31], [200, false, 1.4, 0.28]]);
    assert.deepEqual(list[0]!.velocityR, { '1': 0.2, '8': 0.4, '32': null });
    assert.equal(list[1]!.path, path.join(root, 'step-000200'));
    assert.deepEqual(listCheckpoints('r2', path.join(run, 'missing')), []);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
