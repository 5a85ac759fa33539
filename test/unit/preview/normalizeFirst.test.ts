import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_STYLE } from '../../../server/features/style';
import { readMidiFile } from '../../../server/midi/read';
import { humanizedPathFor } from '../../../server/preview/save';
import { loadPreview, previewHumanize, previewSave } from '../../../server/preview/operations';
import { normalizedFor, normalizerModelPath } from '../../../server/preview/normalizeFirst';
import { checkPreviewHumanizeParams, checkPreviewMarks } from '../../../server/protocol/preview';

const ROUGH = path.resolve('examples/prelude-c-major.rough.mid');
const sortedPitches = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-normfirst-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('humanize with normalize: marks for the edits, every input note once with its pitch; A stays the file', async (t) => {
  if (!normalizerModelPath()) return t.skip('no bundled normalizer (models/normalizer.onnx)');
  const input = readMidiFile(ROUGH);
  const load = await loadPreview({ source: { path: ROUGH } });
  assert.equal(load.normalizerAvailable, true);
  assert.deepEqual(load.score.notes.onsetSec, input.notes.map((n) => n.onsetSec), 'A is the file as it is');

  const params = { source: { path: ROUGH }, style: DEFAULT_STYLE, strength: 1, method: 'rules' as const, normalize: true };
  const r = await previewHumanize(params);
  assert.ok(r.marks && r.marks.length > 0, 'the rough example needs edits');
  assert.equal(checkPreviewMarks(r.marks), null);
  assert.equal(r.take.notes.pitch.length, input.notes.length);
  assert.deepEqual(sortedPitches(r.take.notes.pitch), sortedPitches(input.notes.map((n) => n.pitch)));
  // Each mark is a bar: inside the file on A's axis and inside the take on B's, one per bar label.
  const bars = r.marks.map((m) => /^bar (\d+):/.exec(m.label)?.[1]);
  assert.equal(new Set(bars).size, bars.length, 'at most one edit per bar');
  for (const m of r.marks) {
    assert.ok(m.startSec >= 0 && m.endSec > m.startSec && m.startSec <= load.score.durationSec + 10);
    assert.ok(m.takeEndSec > m.takeStartSec && m.takeStartSec >= -1 && m.takeStartSec <= r.take.durationSec + 10);
  }

  const plain = await previewHumanize({ ...params, normalize: false });
  assert.equal(plain.marks, undefined);
  assert.notDeepEqual(plain.take.notes.onsetSec, r.take.notes.onsetSec, 'normalizing changes B');
});

test('normalize is cached per parsed file: another slider setting reuses the normalized score', async (t) => {
  if (!normalizerModelPath()) return t.skip('no bundled normalizer (models/normalizer.onnx)');
  const bytesBase64 = readFileSync(ROUGH).toString('base64');
  const source = { path: ROUGH, bytesBase64 };
  const a = await previewHumanize({ source, style: DEFAULT_STYLE, strength: 1, method: 'rules', normalize: true });
  const b = await previewHumanize({ source, style: { ...DEFAULT_STYLE, rubato: DEFAULT_STYLE.rubato + 0.05 }, strength: 0.5, method: 'rules', normalize: true });
  assert.deepEqual(b.marks?.map((m) => [m.label, m.startSec]), a.marks?.map((m) => [m.label, m.startSec]), 'same edits on A');
  const doc = readMidiFile(ROUGH);
  assert.equal(normalizedFor(doc), normalizedFor(doc), 'one normalizer run per document and model');
});

test('save with normalize writes humanize(normalize(file)); the original is untouched', async (t) => {
  if (!normalizerModelPath()) return t.skip('no bundled normalizer (models/normalizer.onnx)');
  const dir = tmp(t);
  const src = path.join(dir, 'rough.mid');
  copyFileSync(ROUGH, src);
  const before = readFileSync(src);
  const params = { source: { path: src }, style: DEFAULT_STYLE, strength: 1, method: 'rules' as const, normalize: true };
  const r = await previewSave(params);
  assert.equal(r.status, 'written');
  assert.ok(r.status === 'written' && (r.edits ?? 0) > 0);
  assert.deepEqual(readFileSync(src), before);
  const out = readMidiFile(humanizedPathFor(src));
  const shown = await previewHumanize(params);
  assert.equal(out.notes.length, shown.take.notes.pitch.length);
  assert.deepEqual(sortedPitches(out.notes.map((n) => n.pitch)), sortedPitches(shown.take.notes.pitch));
  // The written performance is the previewed take (same onsets up to the file's tick resolution).
  const shownOnsets = [...shown.take.notes.onsetSec].sort((x, y) => x - y);
  out.notes.forEach((n, i) => assert.ok(Math.abs(n.onsetSec - shownOnsets[i]!) < 0.01, `note ${i}: ${n.onsetSec} vs ${shownOnsets[i]}`));
});

test('without a normalizer, normalize is a clear error; the flag is validated', async (t) => {
  const saved = process.env.RUBATO_NORMALIZER_MODEL;
  process.env.RUBATO_NORMALIZER_MODEL = '';
  t.after(() => {
    if (saved === undefined) delete process.env.RUBATO_NORMALIZER_MODEL;
    else process.env.RUBATO_NORMALIZER_MODEL = saved;
  });
  await assert.rejects(previewHumanize({ source: { path: ROUGH }, style: DEFAULT_STYLE, strength: 1, method: 'rules', normalize: true }), /no normalizer model/);
  const ok = { source: { path: ROUGH }, style: DEFAULT_STYLE, strength: 1, method: 'rules' };
  assert.equal(checkPreviewHumanizeParams({ ...ok, normalize: true }), null);
  assert.equal(checkPreviewHumanizeParams(ok), null);
  assert.match(checkPreviewHumanizeParams({ ...ok, normalize: 'yes' }) ?? '', /normalize must be a boolean/);
});
