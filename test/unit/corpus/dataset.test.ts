// `dataset build` on a small real corpus: arrays the trainer can load, warm rebuilds, splits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeNpy } from '../../../server/dataset/npy';
import { readManifest } from '../../../server/dataset/manifest';
import { SCORE_FEATURE_NAMES } from '../../../server/features/scoreFeatures';
import { TARGET_BOUNDS, TARGET_NAMES } from '../../../server/corpus/records';
import { rubato } from '../cli/helpers';
import { asapDir, smallCorpus } from './helpers';

const data = smallCorpus();

test('dataset build writes per-performance arrays, then reuses them all', (t) => {
  if (!data) return t.skip(`ASAP corpus not found at ${asapDir}`);
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'rubato-ds-')), 'cache');
  const first = rubato(['dataset', 'build', '--data', data, '--out', out]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /12 built, 0 reused, 0 failed/);
  const m = readManifest(path.join(out, 'manifest.json'));
  assert.equal(m.items.length, 12);
  assert.deepEqual(m.featureNames.score_features, [...SCORE_FEATURE_NAMES]);
  assert.deepEqual(m.featureNames.targets, [...TARGET_NAMES]);
  // Splits are by piece: every performance of one piece shares a split.
  for (const group of new Set(m.items.map((i) => i.group))) {
    assert.equal(new Set(m.items.filter((i) => i.group === group).map((i) => i.split)).size, 1);
  }
  const item = m.items.find((i) => i.id.startsWith('Bach/Prelude/bwv_848/'))!;
  const arr = (name: string) => decodeNpy(readFileSync(path.join(out, item.arrays[name]!.file)));
  const feats = arr('score_features');
  const targets = arr('targets');
  const aligned = arr('aligned');
  const N = feats.shape[0]!;
  assert.deepEqual(feats.shape, [N, SCORE_FEATURE_NAMES.length]);
  assert.deepEqual(targets.shape, [N, TARGET_NAMES.length]);
  const played = [...(aligned.data as Uint8Array)].filter((x) => x === 1).length;
  assert.ok(played / N > 0.9, `played ${played}/${N}`);
  // Velocity targets are integers 1..127 where played, NaN where not.
  const T = TARGET_NAMES.length;
  for (let i = 0; i < N; i++) {
    const v = (targets.data as Float32Array)[i * T]!;
    if ((aligned.data as Uint8Array)[i]) assert.ok(Number.isInteger(v) && v >= 1 && v <= 127);
    else assert.ok(Number.isNaN(v));
  }
  // Asynchrony and articulation outliers (alignment errors) are masked out of the record.
  for (const it of m.items) {
    const tg = decodeNpy(readFileSync(path.join(out, it.arrays.targets!.file))).data as Float32Array;
    for (let i = 0; i < tg.length / T; i++) {
      const a = tg[i * T + TARGET_NAMES.indexOf('async_sec')]!;
      const r = tg[i * T + TARGET_NAMES.indexOf('articulation')]!;
      assert.ok(Number.isNaN(a) || Math.abs(a) <= TARGET_BOUNDS.asyncSec, `${it.id} note ${i}: async ${a}`);
      assert.ok(Number.isNaN(r) || (r >= TARGET_BOUNDS.articulation[0] && r <= TARGET_BOUNDS.articulation[1]), `${it.id} note ${i}: articulation ${r}`);
    }
  }
  const again = rubato(['dataset', 'build', '--data', data, '--out', out]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 built, 12 reused, 0 failed/);
});

test('numpy reads the cache through the manifest', (t) => {
  if (!data) return t.skip(`ASAP corpus not found at ${asapDir}`);
  if (spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status !== 0) return t.skip('python3 with numpy not available');
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'rubato-ds-')), 'cache');
  assert.equal(rubato(['dataset', 'build', '--data', data, '--out', out]).code, 0);
  const py = `
import json, sys, os, numpy as np
m = json.load(open(os.path.join(sys.argv[1], 'manifest.json')))
for it in m['items']:
    t = np.load(os.path.join(sys.argv[1], it['arrays']['targets']['file']))
    f = np.load(os.path.join(sys.argv[1], it['arrays']['score_features']['file']))
    assert t.shape[0] == f.shape[0] and t.shape[1] == len(m['featureNames']['targets'])
print(len(m['items']), 'ok')
`;
  const r = spawnSync('python3', ['-c', py, out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '12 ok');
});

test('dataset build refuses a folder the user made, and fails only when nothing could be built', (t) => {
  if (!data) return t.skip(`ASAP corpus not found at ${asapDir}`);
  const mine = mkdtempSync(path.join(os.tmpdir(), 'rubato-mine-'));
  require('node:fs').writeFileSync(path.join(mine, 'notes.txt'), 'my notes');
  const r = rubato(['dataset', 'build', '--data', data, '--out', mine]);
  assert.equal(r.code, 4);
  assert.equal(readFileSync(path.join(mine, 'notes.txt'), 'utf8'), 'my notes');
  const empty = mkdtempSync(path.join(os.tmpdir(), 'rubato-empty-'));
  const none = rubato(['dataset', 'build', '--data', empty, '--out', path.join(empty, 'cache')]);
  assert.equal(none.code, 5);
  assert.match(none.stderr, /no performances found/);
});
