// `rubato normalize` end to end: JSON report, notes and pitches kept, no clobber, never over the input,
// clear errors for bad input; and `rubato eval --normalizer` on a small corpus folder.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readMidiFile } from '../../../server/midi/read';
import { writeMidiFile } from '../../../server/midi/write';
import { addNoise, DEFAULT_NOISE } from '../../../server/normalize/noise';
import { rubato } from '../cli/helpers';
import { pitchMultiset, repoRoot } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'rubato-normalize-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const rough = path.join(repoRoot, 'examples/prelude-c-major.rough.mid');
const tiny = path.join(repoRoot, 'test/fixtures/normalizer/tiny.onnx');

interface Report {
  edits: { bar: number; kind: string; amount_beats: number; confidence: number; bar_start_sec: number; bar_end_sec: number }[];
  notes_in: number;
  notes_out: number;
  bars: number;
}

test('normalize --json reports every edit and keeps every note and pitch', () => {
  const out = path.join(dir, 'a.mid');
  const r = rubato(['normalize', rough, '-o', out, '--model', tiny, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Report;
  const input = readMidiFile(rough);
  const output = readMidiFile(out);
  assert.equal(j.notes_in, input.notes.length);
  assert.equal(j.notes_out, output.notes.length);
  assert.deepEqual(pitchMultiset(output.notes), pitchMultiset(input.notes));
  const bars = j.edits.map((e) => e.bar);
  assert.equal(new Set(bars).size, bars.length, 'one edit per bar at most');
  for (const e of j.edits) {
    assert.ok(e.bar >= 1 && e.bar <= j.bars && (e.kind === 'add' || e.kind === 'subtract') && e.amount_beats > 0, JSON.stringify(e));
    assert.ok(e.confidence >= 0 && e.confidence <= 1 && e.bar_end_sec > e.bar_start_sec, JSON.stringify(e));
  }
});

test('snap-only normalizing puts jittered onsets back exactly where the clean score has them', () => {
  const clean = readMidiFile(path.join(repoRoot, 'examples/prelude-c-major.mid'));
  const jittered = addNoise(clean, 3, { ...DEFAULT_NOISE, driftProb: 0, scaledSectionProb: 0 }).rough;
  const input = path.join(dir, 'jittered.mid');
  writeMidiFile(input, jittered);
  const out = path.join(dir, 'snap.mid');
  const r = rubato(['normalize', input, '-o', out, '--method', 'snap', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as Report).edits.length, 0);
  const key = (d: { notes: { onsetTick: number; pitch: number }[] }): string[] => d.notes.map((n) => `${n.onsetTick}:${n.pitch}`).sort();
  assert.notDeepEqual(key(jittered), key(clean), 'the input is off the grid');
  assert.deepEqual(key(readMidiFile(out)), key(clean));
});

test('no clobber without --force, never over the input, clear errors for bad input', () => {
  const out = path.join(dir, 'exists.mid');
  writeFileSync(out, 'mine');
  const r1 = rubato(['normalize', rough, '-o', out, '--method', 'snap']);
  assert.equal(r1.code, 4);
  assert.match(r1.stderr, /already exists/);
  assert.equal(statSync(out).size, 4, 'the existing file is untouched');
  assert.equal(rubato(['normalize', rough, '-o', out, '--method', 'snap', '--force']).code, 0);
  const copy = path.join(dir, 'in.mid');
  copyFileSync(rough, copy);
  const r2 = rubato(['normalize', copy, '-o', copy, '--method', 'snap', '--force']);
  assert.equal(r2.code, 4);
  assert.match(r2.stderr, /over the input/);
  const junk = path.join(dir, 'junk.mid');
  writeFileSync(junk, 'not midi at all');
  const r3 = rubato(['normalize', junk, '-o', path.join(dir, 'j.mid'), '--method', 'snap']);
  assert.equal(r3.code, 3);
  assert.ok(r3.stderr.includes(junk), r3.stderr);
  const r4 = rubato(['normalize', rough, '-o', path.join(dir, 'm.mid'), '--model', path.join(repoRoot, 'test/fixtures/onnx/tiny.onnx')]);
  assert.equal(r4.code, 3);
  assert.match(r4.stderr, /not a Rubato normalizer/);
});

test('eval --normalizer compares against no-op and snap on a corpus folder', () => {
  const corpus = path.join(dir, 'corpus');
  for (const [i, f] of ['prelude-c-major.mid', 'minuet-g-major.mid'].entries()) {
    const d = path.join(corpus, 'Composer', `Piece_${i}`);
    mkdirSync(d, { recursive: true });
    copyFileSync(path.join(repoRoot, 'examples', f), path.join(d, 'midi_score.mid'));
  }
  const r = rubato(['eval', '--normalizer', '--data', corpus, '--split', 'all', '--model', tiny, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { scores: number; methods: Record<string, { onset_exact: number; edits_per_bar_max: number; pitch_multiset_preserved: number; bar_aligned: number }> };
  assert.equal(j.scores, 2);
  assert.deepEqual(Object.keys(j.methods).sort(), ['noop', 'normalizer', 'oracle', 'snap']);
  for (const [m, f] of Object.entries(j.methods)) {
    assert.equal(f.pitch_multiset_preserved, 1, m);
    assert.ok(f.edits_per_bar_max <= 1, m);
  }
  assert.ok(j.methods.oracle!.onset_exact > j.methods.noop!.onset_exact, 'the oracle edits help');
  const t = rubato(['eval', '--normalizer', '--data', corpus, '--split', 'all', '--model', tiny]);
  assert.match(t.stdout, /noop[\s\S]*snap[\s\S]*normalizer/);
});
