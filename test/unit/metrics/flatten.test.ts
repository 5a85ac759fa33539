import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonLine, rowFromJson } from '../../../server/metrics/flatten';

test("a trainer metrics.jsonl line (trainerMetrics.schema.json) flattens with '/'", () => {
  const line = JSON.stringify({
    step: 250, epoch: 3, wall_time: 61.5, train_loss: 1.25, lr: 0.0003, notes_per_sec: 41000, peak_mem_bytes: 123456789,
    val_loss: 1.4, velocity_r: { '1': 0.2, '8': 0.3, '32': null }, rubato_r: { '1': 0.1, '8': 0.15, '32': 0.2 },
    expression_score: 0.225, sanity: { passed: false, failures: ['collapsed velocity'] },
  });
  const { row, error, skipped } = parseJsonLine(line);
  assert.equal(error, undefined);
  assert.equal(skipped, undefined);
  assert.deepEqual(row, {
    step: 250,
    wallTime: 61.5,
    values: {
      epoch: 3, train_loss: 1.25, lr: 0.0003, notes_per_sec: 41000, peak_mem_bytes: 123456789, val_loss: 1.4,
      'velocity_r/1': 0.2, 'velocity_r/8': 0.3, 'velocity_r/32': null, 'rubato_r/1': 0.1, 'rubato_r/8': 0.15, 'rubato_r/32': 0.2,
      expression_score: 0.225, 'sanity/passed': 0,
    },
  });
});

test('default step and time keys, in order of preference; they are not repeated as values', () => {
  assert.deepEqual(rowFromJson({ iter: 7, loss: 2 }), { step: 7, wallTime: null, values: { loss: 2 } });
  assert.deepEqual(rowFromJson({ global_step: 9, time: 3.5, loss: 2 }), { step: 9, wallTime: 3.5, values: { loss: 2 } });
  assert.deepEqual(rowFromJson({ iteration: 4, elapsed: 1, x: 1 }), { step: 4, wallTime: 1, values: { x: 1 } });
  // `step` wins over `iter` when both are there; the other stays a value
  assert.deepEqual(rowFromJson({ iter: 1, step: 2 }), { step: 2, wallTime: null, values: { iter: 1 } });
  // a step that is not a number is passed over for the next key
  assert.deepEqual(rowFromJson({ step: 'ten', iter: 10, loss: 1 }), { step: 10, wallTime: null, values: { loss: 1 } });
  assert.equal(rowFromJson({ step: true, loss: 1 }), undefined, 'a boolean is never a step');
});

test('custom step and time keys, also nested ones by their flattened name', () => {
  const obj = { trainer: { global_step: 12, t: 4.5 }, step: 99, loss: 0.5 };
  assert.deepEqual(rowFromJson(obj, { stepKey: 'trainer/global_step', timeKey: 'trainer/t' }), { step: 12, wallTime: 4.5, values: { step: 99, loss: 0.5 } });
  // a custom key that is absent falls back to the defaults
  assert.deepEqual(rowFromJson({ step: 3, loss: 1 }, { stepKey: 'batch' }), { step: 3, wallTime: null, values: { loss: 1 } });
});

test('strings and arrays are ignored, null stays null, booleans are 1/0', () => {
  assert.deepEqual(rowFromJson({ step: 1, name: 'run-a', hist: [1, 2, 3], loss: null, ok: true }), { step: 1, wallTime: null, values: { loss: null, ok: 1 } });
});

test('records without a step are no row, and parseJsonLine says why without calling it an error', () => {
  assert.equal(rowFromJson({ loss: 1 }), undefined);
  assert.equal(rowFromJson([1, 2]), undefined);
  assert.equal(rowFromJson(null), undefined);
  const r = parseJsonLine('{"event": "started", "pid": 12}');
  assert.equal(r.row, undefined);
  assert.equal(r.error, undefined);
  assert.match(r.skipped ?? '', /no numeric step \(looked for step, iter, global_step, iteration\)/);
  assert.deepEqual(parseJsonLine('   '), { skipped: 'blank line' });
});

test("Python's bare NaN / Infinity tokens read as null, but not inside strings", () => {
  const { row } = parseJsonLine('{"step": 5, "loss": NaN, "gnorm": Infinity, "lo": -Infinity, "note": "NaN Infinity", "ok": 1.5}');
  assert.deepEqual(row, { step: 5, wallTime: null, values: { loss: null, gnorm: null, lo: null, ok: 1.5 } });
  const esc = parseJsonLine('{"step": 6, "s": "a \\" NaN", "v": NaN}');
  assert.deepEqual(esc.row, { step: 6, wallTime: null, values: { v: null } });
});

test('bad lines are errors that say what is wrong, never throws', () => {
  assert.match(parseJsonLine('{"step": 1, "loss": ').error ?? '', /^not valid JSON: /);
  assert.match(parseJsonLine('[1,2,3]').error ?? '', /expected a JSON object per line, got an array/);
  assert.match(parseJsonLine('42').error ?? '', /got a number/);
  assert.match(parseJsonLine('null').error ?? '', /got null/);
  assert.match(parseJsonLine('NaNa').error ?? '', /^not valid JSON/);
  assert.match(parseJsonLine(`{"step":1,"x":"${'a'.repeat(1 << 20)}"}`).error ?? '', /over the 1048576 limit/);
});

test('deep nesting stops flattening instead of recursing without bound', () => {
  let deep: Record<string, unknown> = { v: 1 };
  for (let i = 0; i < 5000; i++) deep = { d: deep };
  const row = rowFromJson({ step: 1, loss: 2, deep });
  assert.deepEqual(row, { step: 1, wallTime: null, values: { loss: 2 } });
});
