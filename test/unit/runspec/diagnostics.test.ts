// Diagnostics of broken run specs: where each problem is reported, what it says, and how severe it is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { specDiagnostics } from '../../../server/runspec/diagnostics';

const repoRoot = path.resolve(__dirname, '../../..');
const VALID_TAIL = '[data]\ncache = "c"\n[run]\nout = "o"\n';

/** [line, character, severity, message substring] of each diagnostic, in document order. */
type Expected = [number, number, DiagnosticSeverity, string];

function check(text: string, expected: Expected[], gpuMemoryGiB = 8, specPath?: string): Diagnostic[] {
  const got = specDiagnostics(text, { gpuMemoryGiB, specPath });
  assert.equal(got.length, expected.length, `diagnostics: ${JSON.stringify(got.map((d) => d.message))}`);
  expected.forEach(([line, character, severity, message], i) => {
    const d = got[i]!;
    assert.deepEqual([d.range.start.line, d.range.start.character, d.severity], [line, character, severity], d.message);
    assert.ok(d.message.includes(message), `${JSON.stringify(d.message)} should include ${JSON.stringify(message)}`);
  });
  return got;
}

test('a syntax error is reported where the parser stopped', () => {
  check('[model]\nd_model = 64\nn_layers = = 2\n', [[2, 11, DiagnosticSeverity.Error, 'not valid TOML']]);
  check('[model\nd_model = 64\n', [[1, 0, DiagnosticSeverity.Error, 'not valid TOML']]);
});

test('unknown sections and keys suggest the closest known name', () => {
  const [section, key] = check(`[modle]\n[model]\nd_modle = 64\nwidth = 3\n${VALID_TAIL}`, [
    [0, 1, DiagnosticSeverity.Error, '[modle]: unknown section (did you mean "model"?)'],
    [2, 0, DiagnosticSeverity.Error, '[model].d_modle: unknown key (did you mean "d_model"?); known: d_model, n_layers, n_heads, ff_mult, dropout'],
    [3, 0, DiagnosticSeverity.Error, '[model].width: unknown key; known:'],
  ]);
  assert.deepEqual(section!.range.end, { line: 0, character: 6 });
  assert.deepEqual(key!.range.end, { line: 2, character: 7 });
});

test('wrong types and out-of-range values are errors on the value', () => {
  check(`[model]\nn_layers = 2.0\ndropout = 0.95\n[optimizer]\nlr = 0\nbetas = [0.9, 1.0]\n[precision]\nmode = "fp8"\n${VALID_TAIL}`, [
    [1, 11, DiagnosticSeverity.Error, '[model].n_layers: must be an integer, got 2'],
    [2, 10, DiagnosticSeverity.Error, '[model].dropout: must be <= 0.9, got 0.95'],
    [4, 5, DiagnosticSeverity.Error, '[optimizer].lr: must be > 0, got 0'],
    [5, 8, DiagnosticSeverity.Error, '[optimizer].betas: each beta must be in [0, 1), got 1'],
    [7, 7, DiagnosticSeverity.Error, '[precision].mode: must be one of "auto", "fp32", "bf16", "fp16", got "fp8"'],
  ]);
});

test('contradictory options: n_heads must divide d_model, warmup at most max_steps, overlap below window', () => {
  check(`[model]\nd_model = 130\n[schedule]\nwarmup_steps = 600\nmax_steps = 500\n[data]\ncache = "c"\nwindow = 64\noverlap = 64\n[run]\nout = "o"\n`, [
    [1, 10, DiagnosticSeverity.Error, '[model].n_heads: must divide d_model (130), got 4'],
    [3, 15, DiagnosticSeverity.Error, '[schedule].warmup_steps: must be <= max_steps (500)'],
    [8, 10, DiagnosticSeverity.Error, '[data].overlap: must be smaller than [data].window (64), got 64'],
  ]);
  check(`[device]\ndevice = "cpu"\n[precision]\nmode = "fp16"\n${VALID_TAIL}`, [[3, 7, DiagnosticSeverity.Warning, 'fp16 autocast is for CUDA']]);
});

test('required keys are reported at their section, or the top when it is missing', () => {
  check('[data]\nwindow = 128\n', [
    [0, 0, DiagnosticSeverity.Error, '[data].cache: is required'],
    [0, 0, DiagnosticSeverity.Error, '[run].out: is required'],
  ]);
});

test('a missing dataset cache is a warning, resolved relative to the spec file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-runspec-'));
  const spec = path.join(dir, 'specs', 'a.run.toml');
  const text = '[data]\ncache = "../cache"\n[run]\nout = "o"\n';
  check(text, [[1, 8, DiagnosticSeverity.Warning, `${path.join(dir, 'cache')} does not exist`]], 8, spec);
  mkdirSync(path.join(dir, 'cache'));
  check(text, [[1, 8, DiagnosticSeverity.Warning, 'has no manifest.json']], 8, spec);
  writeFileSync(path.join(dir, 'cache', 'manifest.json'), '{}');
  check(text, [], 8, spec);
  // An unsaved spec has no folder to resolve against: no file checks.
  check(text, []);
});

test('the memory estimate warns when it exceeds the GPU memory setting', () => {
  const big = `[model]\nd_model = 512\nn_layers = 8\nn_heads = 8\n[data]\ncache = "c"\nwindow = 2048\n[batch]\nmicro_batch = 32\n[run]\nout = "o"\n`;
  check(big, [[8, 14, DiagnosticSeverity.Warning, "exceeds the GPU's 8 GiB (rubato.gpuMemoryGiB)"]]);
  check(big, [], 4096);
  check(big.replace('[data]', '[device]\ndevice = "cpu"\n[data]'), []);
});

test('the bundled and example specs are clean', () => {
  for (const f of ['native/examples/gpu-8gb.run.toml', 'native/examples/tiny-cpu.run.toml', 'models/performancenet.run.toml', 'server/runspec/template.run.toml']) {
    assert.deepEqual(specDiagnostics(readFileSync(path.join(repoRoot, f), 'utf8'), { gpuMemoryGiB: 8 }), [], f);
  }
});
