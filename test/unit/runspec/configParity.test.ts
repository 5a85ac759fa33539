// The TypeScript run-spec schema against the trainer's config.py: the same sections, keys, types, defaults, ranges,
// choices and required keys, and the same accept/reject verdict (and blamed key) on example and broken specs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SPEC_SCHEMA } from '../../../server/runspec/schema';
import { analyzeSpec } from '../../../server/runspec/analyze';

const repoRoot = path.resolve(__dirname, '../../..');
const PYTHON = '/usr/bin/python3';

// Dumps config.py's schema, then parses each spec text from stdin with parse_spec: "ok" or the SpecError key.
const DUMP = `
import json, sys
from dataclasses import fields
from pathlib import Path
from rubato_native import config as c
kinds = {bool: "bool", int: "int", float: "float", type(None): "optionalFloat", str: "string", tuple: "betas"}
def kind(v):
    return "path" if isinstance(v, Path) else kinds[type(v)]
def plain(v):
    return None if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v
schema = {s: {f.name: {"kind": kind(getattr(cls(), f.name)), "default": plain(getattr(cls(), f.name))} for f in fields(cls)} for s, cls in c.SECTIONS.items()}
verdicts = []
for text in json.load(sys.stdin):
    try:
        c.parse_spec(text, Path("/nonexistent/x.run.toml"))
        verdicts.append("ok")
    except c.SpecError as e:
        verdicts.append(e.key)
json.dump({"schema": schema, "ranges": [[s, k, lo, hi, inc] for (s, k), (lo, hi, inc) in c.RANGES.items()],
           "choices": [[s, k, list(v)] for (s, k), v in c.CHOICES.items()], "required": sorted([s, k] for s, k in c.REQUIRED),
           "verdicts": verdicts}, sys.stdout)
`;

interface Dump {
  schema: Record<string, Record<string, { kind: string; default: unknown }>>;
  ranges: [string, string, number | null, number | null, boolean][];
  choices: [string, string, string[]][];
  required: [string, string][];
  verdicts: string[];
}

const BASE = '[data]\ncache = "c"\n[run]\nout = "o"\n';
/** Spec texts: `extra` goes first so top-level keys precede the base's tables. */
const CASES: string[] = [
  '',
  '[model]\nd_model = 130\n',
  '[model]\nd_model = 3\nn_heads = 1\n',
  '[model]\nd_model = 126\nn_heads = 2\n',
  '[model]\nd_modle = 64\n',
  '[modle]\n',
  '[model]\ndropout = 1\n',
  '[model]\ndropout = 0.95\n',
  '[model]\ndropout = "x"\n',
  '[model]\ndropout = nan\n',
  '[model]\nn_layers = 2.0\n',
  '[model]\nn_layers = true\n',
  '[model]\n"d_model" = 0x40\n',
  '[model]\nd_model = {}\n',
  '[model.sub]\nx = 1\n',
  '[model.dropout]\n',
  '[[model]]\nd_model = 64\n',
  'model = 3\n',
  'model = { d_model = 64, n_heads = 8 }\n',
  'model.d_model = 64\n',
  'modle.d_model = 64\n',
  '[model]\nd_model.x = 64\n',
  '[optimizer]\nlr = 0\n',
  '[optimizer]\nlr = 1\n',
  '[optimizer]\nbetas = [0.9]\n',
  '[optimizer]\nbetas = [0.9, 1.0]\n',
  '[optimizer]\nbetas = [true, 0.5]\n',
  '[optimizer]\nbetas = [0, 0.5]\n',
  '[batch]\ngrad_checkpointing = 1\n',
  '[batch]\nmicro_batch = 0\n',
  '[precision]\nmode = "fp8"\n',
  '[precision]\nmode = "fp16"\n[device]\ndevice = "cpu"\n',
  '[schedule]\nwarmup_steps = 10\nmax_steps = 5\n',
  '[schedule]\nwarmup_steps = 5\nmax_steps = 5\n',
  '[eval]\nwindow = 0\n',
  '[eval]\nevery_steps = 5000\n',
  '[budget]\nmax_minutes = 0\n',
  '[budget]\nmax_minutes = 0.5\n',
  '[budget]\nmax_minutes = inf\n',
  '[device]\ncpu_threads = 1025\n',
  '[model\n',
  '[model]\nd_model = 64\nd_model = 64\n',
  '[model]\nd_model = 1979-05-27\n',
].map((extra) => extra + BASE);
CASES.push(
  '[data]\ncache = "c"\n',
  '[data]\ncache = ""\n[run]\nout = "o"\n',
  '[data]\ncache = "c"\nwindow = 64\noverlap = 64\n[run]\nout = "o"\n',
  '[data]\ncache = "c"\n[run]\nout = "o"\nseed = -1\n',
  '[data]\ncache = "c"\n[run]\nout = "o"\nseed = 2147483648\n',
);

function runDump(texts: string[]): Dump | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', DUMP], { input: JSON.stringify(texts), encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'native'), PYTHONDONTWRITEBYTECODE: '1' } });
  if (r.status !== 0) return `${PYTHON} could not load config.py (it needs Python 3.11 for tomllib): ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout) as Dump;
}

const specFiles = ['native/examples/gpu-8gb.run.toml', 'native/examples/tiny-cpu.run.toml', 'models/performancenet.run.toml', 'server/runspec/template.run.toml'];

test('the TypeScript schema matches config.py and both judge every spec alike', (t) => {
  const texts = [...specFiles.map((f) => readFileSync(path.join(repoRoot, f), 'utf8')), ...CASES];
  const dump = runDump(texts);
  if (typeof dump === 'string') {
    t.skip(dump);
    return;
  }
  const tsSchema = Object.fromEntries(Object.entries(SPEC_SCHEMA).map(([s, sec]) => [s, Object.fromEntries(Object.entries(sec.keys).map(([k, ks]) => [k, { kind: ks.kind, default: ks.kind === 'path' ? null : Array.isArray(ks.default) ? [...ks.default] : ks.default }]))]));
  assert.deepEqual(tsSchema, dump.schema);
  const tsRanges = Object.entries(SPEC_SCHEMA).flatMap(([s, sec]) => Object.entries(sec.keys).filter(([, ks]) => ks.min !== undefined || ks.max !== undefined).map(([k, ks]) => [s, k, ks.min ?? null, ks.max ?? null, !ks.minExclusive]));
  assert.deepEqual(new Set(tsRanges.map((r) => JSON.stringify(r))), new Set(dump.ranges.map((r) => JSON.stringify(r))));
  const tsChoices = Object.entries(SPEC_SCHEMA).flatMap(([s, sec]) => Object.entries(sec.keys).filter(([, ks]) => ks.choices).map(([k, ks]) => [s, k, [...ks.choices!]]));
  assert.deepEqual(new Set(tsChoices.map((r) => JSON.stringify(r))), new Set(dump.choices.map((r) => JSON.stringify(r))));
  const tsRequired = Object.entries(SPEC_SCHEMA).flatMap(([s, sec]) => Object.entries(sec.keys).filter(([, ks]) => ks.required).map(([k]) => [s, k])).sort();
  assert.deepEqual(tsRequired, dump.required);

  assert.equal(dump.verdicts.length, texts.length);
  // Both kinds of case are exercised: a parity test that only ever sees rejections would prove little.
  assert.ok(dump.verdicts.filter((v) => v === 'ok').length >= 10 && dump.verdicts.filter((v) => v !== 'ok').length >= 25, JSON.stringify(dump.verdicts));
  for (const [i, text] of texts.entries()) {
    const errors = analyzeSpec(text).problems.filter((p) => p.severity === 'error');
    const verdict = dump.verdicts[i]!;
    if (verdict === 'ok') assert.deepEqual(errors.map((e) => e.message), [], `config.py accepts:\n${text}`);
    else assert.ok(errors.some((e) => e.key === verdict), `config.py rejects ${verdict}, TypeScript says ${JSON.stringify(errors.map((e) => e.message))}:\n${text}`);
  }
});
