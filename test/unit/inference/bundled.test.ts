// The bundled default model: present, a Rubato model for this feature schema, and it humanizes the
// bundled examples deterministically, with dynamics even from dead-flat input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_STYLE } from '../../../server/features/style';
import { humanizeWithModel } from '../../../server/inference/modelHumanizer';
import { modelStyleDefaults } from '../../../server/inference/modelStyle';
import { loadModel } from '../../../server/inference/onnxSession';
import { readMidiFile } from '../../../server/midi/read';

const root = path.resolve(__dirname, '../../..');
const modelPath = path.join(root, 'models/performancenet.onnx');

test('the bundled model loads with its metadata', async () => {
  const m = await loadModel(modelPath);
  assert.equal(m.metadata.featureSchemaVersion, 'record-v1');
  assert.equal(m.metadata.targetNames.length, 6);
  const style = await modelStyleDefaults(modelPath);
  assert.notDeepEqual(style, DEFAULT_STYLE, 'the model carries its training data style defaults');
});

test('the bundled model humanizes a flat-velocity score with dynamics, deterministically, keeping every note', async () => {
  const score = readMidiFile(path.join(root, 'examples/minuet-g-major.mid'));
  assert.equal(new Set(score.notes.map((n) => n.velocity)).size, 1, 'the example is dead flat');
  const style = await modelStyleDefaults(modelPath);
  const a = await humanizeWithModel(score, { modelPath, strength: 1, style });
  const b = await humanizeWithModel(score, { modelPath, strength: 1, style });
  assert.deepEqual(a.performance.notes, b.performance.notes);
  assert.deepEqual(a.performance.notes.map((n) => n.pitch).sort(), score.notes.map((n) => n.pitch).sort());
  const vel = a.rendered.notes.map((n) => n.velocity);
  assert.ok(new Set(vel).size >= 10, `distinct velocities ${new Set(vel).size}`);
  const sd = Math.sqrt(vel.reduce((s, v) => s + (v - vel.reduce((x, y) => x + y, 0) / vel.length) ** 2, 0) / vel.length);
  assert.ok(sd > 3, `velocity spread ${sd}`);
  // Local tempo varies (not a metronome) and every group has one.
  const t = [...a.expression.tempo];
  assert.ok(t.every(Number.isFinite));
  assert.ok(Math.max(...t) - Math.min(...t) > 0.05, `tempo range ${Math.min(...t)}..${Math.max(...t)}`);
});
