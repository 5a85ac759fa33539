// External run specs ([external] + [metrics]): analysis, diagnostics, editor features and the plan the supervisor gets.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver';
import { NANOGPT_PATTERNS } from '../../../server/metrics/stdoutPatterns';
import { analyzeSpec } from '../../../server/runspec/analyze';
import { specCompletions } from '../../../server/runspec/completion';
import { specDiagnostics } from '../../../server/runspec/diagnostics';
import { readExternalRun } from '../../../server/runspec/externalRun';
import { specHover } from '../../../server/runspec/hover';

const repoRoot = path.resolve(__dirname, '../../..');
const BASE = '[external]\ncommand = ["python", "train.py"]\n[metrics]\npreset = "nanogpt"\n[run]\nout = "o"\n';
const messages = (text: string): string[] => analyzeSpec(text).problems.map((p) => `${p.severity}: ${p.message}`);
const newTexts = (items: CompletionItem[]): string[] => items.map((i) => (i.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : i.label));

test('the example external specs and the template have no problems', () => {
  for (const f of ['native/examples/nanogpt-external.run.toml', 'native/examples/tfevents-external.run.toml', 'server/runspec/template.external.run.toml']) {
    const a = analyzeSpec(readFileSync(path.join(repoRoot, f), 'utf8'));
    assert.deepEqual(a.problems.map((p) => p.message), [], f);
    assert.ok(a.external?.command?.length, f);
  }
});

test('a minimal external spec is clean and its values are read', () => {
  assert.deepEqual(messages(BASE), []);
  const x = analyzeSpec(`${BASE}[external.env]\nA = "1"\n`).external!;
  assert.deepEqual([x.command, x.env, x.gpu, x.totalSteps, x.source, x.preset, x.out], [['python', 'train.py'], { A: '1' }, true, null, 'stdout', 'nanogpt', 'o']);
  assert.deepEqual(analyzeSpec('external = { command = ["x"], env = { B = "2" }, gpu = false }\nmetrics = { source = "jsonl", path = "m.jsonl", step_key = "it" }\nrun = { out = "o" }\n').external, {
    command: ['x'], cwd: null, env: { B: '2' }, gpu: false, totalSteps: null, source: 'jsonl', path: 'm.jsonl', preset: null, patterns: [], stepKey: 'it', timeKey: null, out: 'o',
  });
});

test('trainer sections in an external spec are contradictory options', () => {
  const m = messages(`[model]\nd_model = 64\n[data]\ncache = "c"\n${BASE}`);
  assert.equal(m.length, 2);
  assert.match(m[0]!, /^error: \[model\]: contradictory options: this spec has an \[external\] section/);
  assert.match(m[1]!, /^error: \[data\]: contradictory options/);
  // [run] is shared, but only `out` means something here
  assert.match(messages(`${BASE}seed = 3\n`)[0]!, /^error: \[run\]\.seed: unknown key; known: out/);
});

test('command: required, a non-empty list of strings starting with a program', () => {
  const run = '[run]\nout = "o"\n[metrics]\npreset = "nanogpt"\n';
  assert.match(messages(`[external]\ncwd = "."\n${run}`).join('\n'), /\[external\]\.command: is required/);
  assert.match(messages(`[external]\ncommand = []\n${run}`).join('\n'), /\[external\]\.command: is empty: give the program to run/);
  assert.match(messages(`[external]\ncommand = "python train.py --x 1"\n${run}`).join('\n'), /must be a non-empty list of strings \(the program, then its arguments\), got "python train.py --x 1"; write it as a list, e\.g\. \["python","train\.py","--x","1"\]/);
  assert.match(messages(`[external]\ncommand = ["python", 3]\n${run}`).join('\n'), /must be a non-empty list of strings/);
  assert.match(messages(`[external]\ncommand = [""]\n${run}`).join('\n'), /must start with the program to run/);
});

test('names, types and env values are checked, with did-you-mean', () => {
  assert.match(messages(`${BASE}[external.env]\nN = 1\n`).join('\n'), /\[external\]\.env\.N: must be a string \(environment values are text: quote numbers\), got 1/);
  assert.match(messages(BASE.replace('command', 'comand')).join('\n'), /\[external\]\.comand: unknown key \(did you mean "command"\?\)/);
  assert.match(messages(`${BASE}[metric]\n`).join('\n'), /\[metric\]: unknown section \(did you mean "metrics"\?\); an external spec has: external, metrics, run/);
  assert.match(messages(BASE.replace('[external]\n', '[external]\ngpu = "yes"\ntotal_steps = 0\n')).join('\n'), /\[external\]\.gpu: must be true or false, got "yes"[\s\S]*\[external\]\.total_steps: must be >= 1, got 0/);
  assert.match(messages(BASE.replace('preset = "nanogpt"', 'preset = "llama"')).join('\n'), /\[metrics\]\.preset: must be one of "nanogpt", got "llama"/);
});

test('metrics: patterns compiled like the supervisor does, source-specific keys, contradictions', () => {
  const spec = (metrics: string): string => `[external]\ncommand = ["x"]\n[run]\nout = "o"\n[metrics]\n${metrics}`;
  const bad = analyzeSpec(spec(`[[metrics.pattern]]\nregex = 'loss (?<loss>[0-9'\n[[metrics.pattern]]\nregex = 'loss (?<loss>\\S+)'\n[[metrics.pattern]]\nregex = 'it (?<it>\\d+) (?<v>\\S+)'\nstep = "it"\n`));
  const errs = bad.problems.map((p) => `${p.range.start.line}: ${p.message}`);
  assert.equal(errs.length, 2, errs.join('\n'));
  assert.match(errs[0]!, /^6: \[\[metrics\.pattern\]\]\.regex: pattern .*invalid regular expression/);
  assert.match(errs[1]!, /^8: \[\[metrics\.pattern\]\]\.regex: pattern .*no named group \(\?<step>…\) for the step; its groups are loss/);
  assert.deepEqual(bad.external!.patterns.map((p) => p.pattern), [{ regex: 'it (?<it>\\d+) (?<v>\\S+)', step: 'it' }]);
  assert.match(messages(spec('[[metrics.pattern]]\nstep = "s"\n')).join('\n'), /\[\[metrics\.pattern\]\]: needs a regex/);
  assert.match(messages(spec('[[metrics.pattern]]\nregx = "a"\n')).join('\n'), /\[metrics\]\.pattern\.regx: unknown key \(did you mean "regex"\?\)/);
  assert.match(messages(spec('pattern = [{ regex = "(?<step>\\\\d+) (?<x>a+)+" }]\n')).join('\n'), /^warning: .*can backtrack catastrophically/);
  assert.match(messages(spec('source = "stdout"\n')).join('\n'), /\[metrics\]\.source: stdout metrics need preset = "nanogpt" or \[\[metrics\.pattern\]\]/);
  assert.match(messages(spec('source = "jsonl"\n')).join('\n'), /\[metrics\]\.path: is required when source is "jsonl"/);
  assert.match(messages(spec('source = "tfevents"\n')).join('\n'), /\[metrics\]\.path: is required when source is "tfevents"/);
  assert.deepEqual(messages(spec('source = "tfevents"\npath = "runs"\npreset = "nanogpt"\nstep_key = "s"\n')), ['warning: [metrics].preset: is ignored: source is "tfevents"', 'warning: [metrics].step_key: is ignored: it applies to source = "jsonl"']);
  assert.match(messages('[external]\ncommand = ["x"]\n[run]\nout = "o"\n').join('\n'), /^warning: \[metrics\]: is missing: the run will have no curves/);
});

test('diagnostics: a missing cwd is an error; no memory warning or dataset check for external specs', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-ext-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const specPath = path.join(dir, 'x.run.toml');
  const missing = specDiagnostics(BASE.replace('[external]\n', '[external]\ncwd = "nope"\n'), { specPath, gpuMemoryGiB: 0.001 });
  assert.deepEqual(missing.map((d) => [d.severity, d.message, d.range.start.line]), [[1, `[external].cwd: ${path.join(dir, 'nope')} does not exist; the command cannot start there`, 1]]);
  mkdirSync(path.join(dir, 'nope'));
  assert.deepEqual(specDiagnostics(BASE.replace('[external]\n', '[external]\ncwd = "nope"\n'), { specPath, gpuMemoryGiB: 0.001 }), []);
});

test('completion and hover use the external schema in an external spec', () => {
  assert.deepEqual(newTexts(specCompletions('[external]\n\n', { line: 1, character: 0 })), ['command = []', 'cwd = ""', 'env = {}', 'gpu = true', 'total_steps = ']);
  assert.deepEqual(newTexts(specCompletions('[external]\n[metrics]\nsource = \n', { line: 2, character: 9 })), ['"stdout"', '"jsonl"', '"tfevents"']);
  assert.deepEqual(newTexts(specCompletions('[external]\n[\n', { line: 1, character: 1 })), ['metrics]', 'run]']);
  // a trainer spec is offered [external] only while it has no trainer-only section
  assert.ok(newTexts(specCompletions('[\n', { line: 0, character: 1 })).includes('external]'));
  assert.ok(!newTexts(specCompletions('[model]\n[\n', { line: 1, character: 1 })).includes('external]'));
  const h = specHover(BASE, { line: 1, character: 2 }, 8)!;
  assert.match((h.contents as MarkupContent).value, /^\*\*\[external\]\.command\*\* — a non-empty list of strings; required\n\nThe program and its arguments/);
  assert.doesNotMatch((specHover(`${BASE}`, { line: 5, character: 1 }, 8)!.contents as MarkupContent).value, /memory/i);
});

test('readExternalRun: absolute paths, the preset expanded before custom patterns, env, GPU flag', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-ext-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'nanoGPT'));
  const specPath = path.join(dir, 'nano.run.toml');
  writeFileSync(specPath, readFileSync(path.join(repoRoot, 'native/examples/nanogpt-external.run.toml'), 'utf8') + "\n[[metrics.pattern]]\nregex = 'it (?<it>\\d+) gn (?<gn>\\S+)'\nstep = \"it\"\n");
  assert.deepEqual(readExternalRun(specPath), {
    command: ['python', 'train.py', 'config/train_shakespeare_char.py', '--compile=False'],
    cwd: path.join(dir, 'nanoGPT'),
    env: { PYTHONUNBUFFERED: '1' },
    gpu: true,
    totalSteps: 5000,
    runDir: path.join(dir, '.rubato-cache/runs/nanogpt-shakespeare-char'),
    metrics: { kind: 'stdout', patterns: [...NANOGPT_PATTERNS, { regex: 'it (?<it>\\d+) gn (?<gn>\\S+)', step: 'it' }] },
  });
  const tf = readExternalRun(path.join(dir, 'tf.run.toml'), readFileSync(path.join(repoRoot, 'native/examples/tfevents-external.run.toml'), 'utf8'));
  assert.deepEqual('metrics' in tf && [tf.cwd, tf.gpu, tf.metrics], [dir, false, { kind: 'tfevents', dir: path.join(dir, 'runs/forecaster') }]);
  const jl = readExternalRun(path.join(dir, 'j.run.toml'), '[external]\ncommand = ["x"]\ncwd = "nanoGPT"\n[metrics]\nsource = "jsonl"\npath = "out/m.jsonl"\ntime_key = "t"\n[run]\nout = "/abs/run"\n');
  assert.deepEqual('metrics' in jl && [jl.runDir, jl.metrics], ['/abs/run', { kind: 'jsonl', path: path.join(dir, 'nanoGPT/out/m.jsonl'), timeKey: 't' }]);
});

test('readExternalRun: every error with file and line; a trainer spec or a missing folder is refused', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-ext-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const specPath = path.join(dir, 'bad.run.toml');
  const r = readExternalRun(specPath, '[external]\ncommand = []\n[model]\n[run]\nout = "o"\n[metrics]\npreset = "nanogpt"\n');
  assert.deepEqual('errors' in r && r.errors.map((e) => e.replace(specPath, 'SPEC')), [
    'SPEC:2: [external].command: is empty: give the program to run, then its arguments, e.g. ["python", "train.py"]',
    'SPEC:3: [model]: contradictory options: this spec has an [external] section, so it runs its own command and the trainer sections do not apply; remove it (or remove [external] to train PerformanceNet)',
  ]);
  const trainer = readExternalRun(specPath, '[data]\ncache = "c"\n[run]\nout = "o"\n');
  assert.match('errors' in trainer ? trainer.errors[0]! : '', /not an external run spec \(it has no \[external\] section\)/);
  const noCwd = readExternalRun(specPath, BASE.replace('[external]\n', '[external]\ncwd = "gone"\n'));
  assert.match('errors' in noCwd ? noCwd.errors[0]! : '', /\[external\]\.cwd: .*gone is not an existing folder/);
  const unreadable = readExternalRun(path.join(dir, 'missing.run.toml'));
  assert.match('errors' in unreadable ? unreadable.errors[0]! : '', /missing\.run\.toml: cannot read the spec/);
});
