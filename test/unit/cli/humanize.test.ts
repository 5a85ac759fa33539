// `rubato humanize` and `rubato inspect`: outputs, refusals and exit codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMidiFile } from '../../../server/midi/read';
import { repoRoot, rubato } from './helpers';

const example = path.join(repoRoot, 'examples/minuet-g-major.mid');

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'rubato-cli-'));
}

test('humanize writes <name>.humanized.mid beside the input and never touches the input', () => {
  const dir = tmp();
  const input = path.join(dir, 'minuet.mid');
  copyFileSync(example, input);
  const before = readFileSync(input);
  const r = rubato(['humanize', input, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = path.join(dir, 'minuet.humanized.mid');
  const summary = JSON.parse(r.stdout) as { output: string; notes: number; method: string };
  assert.equal(summary.output, out);
  // The default method is the bundled model when the installation has one, else the rules.
  assert.equal(summary.method, existsSync(path.join(repoRoot, 'models/performancenet.onnx')) ? 'model' : 'rules');
  assert.deepEqual(readFileSync(input), before);
  const perf = readMidiFile(out);
  assert.equal(perf.notes.length, readMidiFile(input).notes.length);
  assert.ok(new Set(perf.notes.map((n) => n.velocity)).size > 5, 'velocities are no longer flat');
});

test('humanize refuses to overwrite an existing output without --force, and the input ever', () => {
  const dir = tmp();
  const input = path.join(dir, 'in.mid');
  copyFileSync(example, input);
  const out = path.join(dir, 'out.mid');
  writeFileSync(out, 'mine');
  const r = rubato(['humanize', input, '-o', out]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /already exists/);
  assert.equal(readFileSync(out, 'utf8'), 'mine');
  const self = rubato(['humanize', input, '-o', input, '--force']);
  assert.equal(self.code, 4);
  assert.match(self.stderr, /over the input/);
  assert.deepEqual(readFileSync(input), readFileSync(example));
  const forced = rubato(['humanize', input, '-o', out, '--force', '--method', 'jitter', '--seed', '9']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(statSync(out).size > 100);
});

test('bad input and bad usage get exit codes 3 and 2 with the file named', () => {
  const dir = tmp();
  const bad = path.join(dir, 'notes.mid');
  writeFileSync(bad, 'this is not a MIDI file at all');
  const r = rubato(['humanize', bad, '-o', path.join(dir, 'x.mid')]);
  assert.equal(r.code, 3);
  assert.ok(r.stderr.includes(bad), r.stderr);
  const u = rubato(['humanize', example, '-o', path.join(dir, 'y.mid'), '--method', 'magic']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /unknown --method "magic"/);
  const s = rubato(['humanize', example, '-o', path.join(dir, 'z.mid'), '--style', 'swing=2']);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /unknown key "swing"/);
  const missing = rubato(['humanize', path.join(dir, 'nope.mid')]);
  assert.equal(missing.code, 3);
});

test('inspect --json reports the note model', () => {
  const r = rubato(['inspect', example, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { notes: number; ppq: number; time_signatures: { value: string }[] };
  assert.equal(s.notes, 91);
  assert.equal(s.ppq, 480);
  assert.deepEqual(s.time_signatures.map((t) => t.value), ['3/4']);
});

test('humanize --method model runs an ONNX model (the tiny test fixture) and keeps every note', () => {
  const dir = tmp();
  const out = path.join(dir, 'model.mid');
  const model = path.join(repoRoot, 'test/fixtures/onnx/tiny.onnx');
  const r = rubato(['humanize', example, '-o', out, '--method', 'model', '--model', model, '--strength', '0.7', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { provider: string; strength: number; notes: number };
  assert.equal(s.provider, 'cpu');
  assert.equal(s.strength, 0.7);
  const perf = readMidiFile(out);
  assert.deepEqual(perf.notes.map((n) => n.pitch).sort(), readMidiFile(example).notes.map((n) => n.pitch).sort());
  const bad = rubato(['humanize', example, '-o', path.join(dir, 'x.mid'), '--method', 'model', '--model', example]);
  assert.equal(bad.code, 3);
  assert.ok(bad.stderr.includes(example), bad.stderr);
  const strength = rubato(['humanize', example, '-o', path.join(dir, 'y.mid'), '--method', 'model', '--model', model, '--strength', '2']);
  assert.equal(strength.code, 2);
});
