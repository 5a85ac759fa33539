// `rubato humanize --normalize`: normalize in memory first, report the edits, never change the input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMidiFile } from '../../../server/midi/read';
import { EXIT } from '../../../server/cli/errors';
import { repoRoot, rubato } from './helpers';

const ROUGH = path.join(repoRoot, 'examples/prelude-c-major.rough.mid');
const NORMALIZER = path.join(repoRoot, 'models/normalizer.onnx');

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-cli-norm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Summary {
  output: string;
  notes: number;
  normalize_edits?: { bar: number; kind: string; amount_beats: number; confidence: number; bar_start_sec: number; bar_end_sec: number }[];
}

test('humanize --normalize on the rough example: edits reported, every note kept with its pitch, input untouched', (t) => {
  if (!existsSync(NORMALIZER)) return t.skip(`no bundled normalizer at ${NORMALIZER}`);
  const dir = tmp(t);
  const input = path.join(dir, 'rough.mid');
  copyFileSync(ROUGH, input);
  const before = readFileSync(input);
  const r = rubato(['humanize', input, '--normalize', '--method', 'rules', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as Summary;
  assert.ok(s.normalize_edits && s.normalize_edits.length > 0, 'the rough example needs edits');
  const bars = s.normalize_edits.map((e) => e.bar);
  assert.equal(new Set(bars).size, bars.length, 'at most one edit per bar');
  for (const e of s.normalize_edits) assert.ok((e.kind === 'add' || e.kind === 'subtract') && e.amount_beats > 0 && e.bar_end_sec > e.bar_start_sec);
  assert.deepEqual(readFileSync(input), before);
  const inNotes = readMidiFile(input).notes;
  const outNotes = readMidiFile(s.output).notes;
  assert.equal(outNotes.length, inNotes.length);
  const pitches = (ns: { pitch: number }[]): number[] => ns.map((n) => n.pitch).sort((a, b) => a - b);
  assert.deepEqual(pitches(outNotes), pitches(inNotes));

  // Without --normalize nothing is reported, and the take differs (the normalizer moved notes first).
  const plain = rubato(['humanize', input, '--method', 'rules', '--json', '-o', path.join(dir, 'plain.mid')]);
  assert.equal(plain.code, 0, plain.stderr);
  const p = JSON.parse(plain.stdout) as Summary;
  assert.equal(p.normalize_edits, undefined);
  assert.notDeepEqual(readMidiFile(p.output).notes.map((n) => n.onsetTick), outNotes.map((n) => n.onsetTick));

  // The text report counts the edits.
  const text = rubato(['humanize', input, '--normalize', '--method', 'rules', '-o', path.join(dir, 'text.mid')]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`normalized first: ${s.normalize_edits.length} timing edits`));
});

test('humanize --normalize without a normalizer model is a usage error and writes nothing', (t) => {
  const dir = tmp(t);
  const input = path.join(dir, 'rough.mid');
  copyFileSync(ROUGH, input);
  const r = spawnRubatoWithEnv(['humanize', input, '--normalize', '--method', 'rules'], { RUBATO_NORMALIZER_MODEL: '' });
  assert.equal(r.status, EXIT.usage, r.stderr);
  assert.match(r.stderr, /no normalizer model/);
  assert.equal(existsSync(path.join(dir, 'rough.humanized.mid')), false);
});


function spawnRubatoWithEnv(args: string[], env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/cli/main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stderr: r.stderr };
}
