// The model humanizer end to end with the tiny fixture: every note kept, finite times, strength 0 is deadpan.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readMidiFile } from '../../../server/midi/read';
import { docFromSeconds } from '../../../server/midi/write';
import { DEFAULT_STYLE } from '../../../server/features/style';
import { analyzeScore } from '../../../server/features/scoreFeatures';
import { humanizeWithModel, modelExpression } from '../../../server/inference/modelHumanizer';
import { clearModelCache } from '../../../server/inference/onnxSession';
import { tinyModel } from './fixture';

after(() => clearModelCache());

const examples = path.resolve(__dirname, '../../../examples');
const minuet = readMidiFile(path.join(examples, 'minuet-g-major.mid'));
const prelude = readMidiFile(path.join(examples, 'prelude-c-major.mid'));

const pitches = (xs: { pitch: number }[]): number[] => xs.map((n) => n.pitch).sort((a, b) => a - b);

test('minuet: every note and pitch kept, finite ordered times, valid velocities, deterministic', async () => {
  for (const score of [minuet, prelude]) {
    const h = await humanizeWithModel(score, { modelPath: tinyModel, strength: 1, style: DEFAULT_STYLE });
    assert.equal(h.performance.notes.length, score.notes.length);
    assert.deepEqual(pitches(h.performance.notes), pitches(score.notes));
    for (const n of h.performance.notes) {
      assert.ok(Number.isFinite(n.onsetSec) && n.onsetSec >= 0 && n.offsetSec > n.onsetSec, JSON.stringify(n));
      assert.ok(Number.isInteger(n.velocity) && n.velocity >= 1 && n.velocity <= 127);
    }
    assert.equal(h.confidence.length, score.notes.length);
    assert.ok(h.confidence.every((c) => c > 0 && c <= 1));
    assert.ok(['cuda', 'dml', 'cpu'].includes(h.provider), h.provider);
    const again = await humanizeWithModel(score, { modelPath: tinyModel, strength: 1, style: DEFAULT_STYLE });
    assert.deepEqual(again.performance.notes, h.performance.notes);
  }
});

test('strength 0 is the deadpan score at the style tempo; strength 1 departs from it', async () => {
  const a = analyzeScore(minuet);
  const style = { ...DEFAULT_STYLE, tempo: 0.1 };
  const h = await humanizeWithModel(minuet, { modelPath: tinyModel, strength: 0, style });
  const g0 = a.groups[0]!.sec;
  h.rendered.groupOnsetSec.forEach((t, g) => {
    const expected = h.rendered.groupOnsetSec[0]! + (a.groups[g]!.sec - g0) * Math.exp(0.1);
    assert.ok(Math.abs(t - expected) < 1e-9, `group ${g}: ${t} vs ${expected}`);
  });
  h.rendered.notes.forEach((n, i) => {
    assert.equal(n.onsetSec, h.rendered.groupOnsetSec[a.groupOf[i]!]);
    assert.equal(n.velocity, minuet.notes[i]!.velocity);
  });
  assert.deepEqual(h.rendered.pedal, []);
  const e = (await modelExpression(a, style, { modelPath: tinyModel, strength: 0 })).expression;
  assert.ok(e.articulation.every((x) => x === 0) && e.asyncSec.every((x) => x === 0));
  const full = (await modelExpression(a, style, { modelPath: tinyModel, strength: 1 })).expression;
  assert.ok(full.tempo.some((x) => Math.abs(x - 0.1) > 1e-3), 'the model moves the tempo');
  const half = (await modelExpression(a, style, { modelPath: tinyModel, strength: 0.5 })).expression;
  half.velocity.forEach((v, i) => assert.ok(Math.abs(v - (full.velocity[i]! + minuet.notes[i]!.velocity) / 2) < 1e-9));
});

test('a strength outside 0..1 and a missing model are clear errors', async () => {
  const a = analyzeScore(minuet);
  await assert.rejects(modelExpression(a, DEFAULT_STYLE, { modelPath: tinyModel, strength: 1.5 }), /strength must be within 0..1/);
  await assert.rejects(humanizeWithModel(minuet, { modelPath: '/nonexistent/m.onnx', strength: 1, style: DEFAULT_STYLE }), /\/nonexistent\/m.onnx: model file not found/);
});

test('a score without notes gives an empty performance without running the model on nothing', async () => {
  const empty = docFromSeconds({ source: 'empty.mid', notes: [], sustain: [] });
  const h = await humanizeWithModel(empty, { modelPath: tinyModel, strength: 1, style: DEFAULT_STYLE });
  assert.equal(h.performance.notes.length, 0);
  assert.equal(h.confidence.length, 0);
});
