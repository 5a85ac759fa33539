import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_STYLE } from '../../../server/features/style';
import { Meter } from '../../../server/features/meter';
import { readMidiFile } from '../../../server/midi/read';
import { MidiReadError } from '../../../server/midi/errors';
import { TimeMap } from '../../../server/midi/timeMap';
import { humanizedPathFor } from '../../../server/preview/save';
import { loadPreview, previewHumanize, previewSave } from '../../../server/preview/operations';
import { interpolate } from '../../../server/preview/humanizedTake';
import { previewModelPath } from '../../../server/preview/humanizePreview';

const MINUET = path.resolve('examples/minuet-g-major.mid');
const ASAP_SCORE = '/work/shared/data/asap/Haydn/Keyboard_Sonatas/6-1/midi_score.mid';
const ASAP_PERF_DIR = '/work/shared/data/asap/Chopin/Ballades/1';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-preview-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('load: notes, pedal, tempo and grid of a real score match the MIDI reader', async () => {
  const doc = readMidiFile(MINUET);
  const r = await loadPreview({ source: { path: MINUET } });
  assert.equal(r.fileName, 'minuet-g-major.mid');
  assert.equal(r.score.notes.pitch.length, doc.notes.length);
  doc.notes.forEach((n, i) => {
    assert.equal(r.score.notes.pitch[i], n.pitch);
    assert.equal(r.score.notes.onsetSec[i], n.onsetSec);
    assert.equal(r.score.notes.velocity[i], n.velocity);
  });
  assert.equal(r.score.tempo.sec[0], 0);
  assert.ok(r.score.tempo.bpm.every((b) => b > 0));
  // Every note's bar (by the features' Meter) starts at the grid's line of that number.
  const meter = new Meter(doc.ppq, doc.timeSignatures);
  const tm = new TimeMap(doc.ppq, doc.tempos);
  for (const n of doc.notes) {
    const m = meter.at(n.onsetTick);
    const k = r.score.grid.barNumber.indexOf(m.bar + 1);
    assert.ok(k >= 0, `bar ${m.bar + 1} missing`);
    const barStartSec = tm.tickToSec(n.onsetTick - m.barPhase * m.barTicks);
    assert.ok(Math.abs(r.score.grid.barSec[k]! - barStartSec) < 1e-9);
  }
  assert.equal(r.sliders.map((s) => s.name).join(), 'rubato,dynamics,articulation,pedal,tempo');
  for (const s of r.sliders) assert.ok(s.min <= r.defaultStyle[s.name] && r.defaultStyle[s.name] <= s.max, `${s.name} default outside its slider`);
});

test('load: a performance from the ASAP corpus with pedal and a long tempo map', async (t) => {
  const file = existsSync(ASAP_PERF_DIR) ? path.join(ASAP_PERF_DIR, 'Ali01.mid') : '';
  if (!file || !existsSync(file)) return t.skip(`ASAP corpus not found at ${ASAP_PERF_DIR}`);
  const doc = readMidiFile(file);
  const r = await loadPreview({ source: { path: file } });
  assert.equal(r.score.notes.pitch.length, doc.notes.length);
  assert.equal(r.score.pedal.startSec.length, doc.pedal.length);
  assert.ok(r.score.pedal.startSec.length > 10, 'a Chopin performance uses the pedal');
  assert.ok(r.score.durationSec >= Math.max(...r.score.notes.offsetSec));
});

test('bytes from the editor document give the same take as the path, and bad bytes name the file', async () => {
  const bytes = readFileSync(MINUET);
  const a = await loadPreview({ source: { path: MINUET } });
  const b = await loadPreview({ source: { path: '/virtual/doc.mid', bytesBase64: bytes.toString('base64') } });
  assert.deepEqual(b.score, a.score);
  assert.equal(b.fileName, 'doc.mid');
  await assert.rejects(loadPreview({ source: { path: '/virtual/broken.mid', bytesBase64: Buffer.from('MThd garbage').toString('base64') } }), (e: unknown) => e instanceof MidiReadError && e.message.startsWith('/virtual/broken.mid'));
});

test('humanize with the rules: one note per score note with its pitch; strength 0 is the deadpan score', async () => {
  const src = { path: MINUET };
  const full = await previewHumanize({ source: src, style: DEFAULT_STYLE, strength: 1, method: 'rules' });
  const none = await previewHumanize({ source: src, style: { ...DEFAULT_STYLE, tempo: 0 }, strength: 0, method: 'rules' });
  const score = readMidiFile(MINUET);
  assert.equal(full.method, 'rules');
  assert.equal(full.take.notes.confidence, undefined);
  for (const h of [full, none]) assert.deepEqual(h.take.notes.pitch, score.notes.map((n) => n.pitch));
  // Deadpan at the notated tempo: every IOI equals the score's, velocities are the score's.
  const d0 = none.take.notes.onsetSec[0]! - score.notes[0]!.onsetSec;
  score.notes.forEach((n, i) => {
    assert.ok(Math.abs(none.take.notes.onsetSec[i]! - d0 - n.onsetSec) < 1e-6, `note ${i} moved at strength 0`);
    assert.equal(none.take.notes.velocity[i], n.velocity);
  });
  assert.ok(full.take.notes.velocity.some((v, i) => v !== score.notes[i]!.velocity), 'the rules change dynamics at strength 1');
  // The tempo curve is positive, in time order, and the grid's bars stay in order on the performed axis.
  assert.ok(full.take.tempo.bpm.every((b) => b > 0));
  assert.ok(full.take.tempo.sec.every((s, i, a) => i === 0 || s > a[i - 1]!));
  assert.ok(full.take.grid.barSec.every((s, i, a) => i === 0 || s > a[i - 1]!));
});

test('humanize with the bundled model: per-note confidence in 0..1 for every note', async (t) => {
  if (!previewModelPath()) return t.skip('no bundled model (models/performancenet.onnx)');
  const r = await loadPreview({ source: { path: MINUET } });
  const h = await previewHumanize({ source: { path: MINUET }, style: r.defaultStyle, strength: 1, method: 'auto' });
  assert.equal(h.method, 'model');
  const c = h.take.notes.confidence!;
  assert.equal(c.length, r.score.notes.pitch.length);
  assert.ok(c.every((x) => x >= 0 && x <= 1));
  assert.ok(Math.max(...c) > Math.min(...c), 'confidence varies across notes');
  assert.deepEqual(h.take.notes.pitch, r.score.notes.pitch);
});

test('humanize a large ASAP score with the model within the columnar shape', async (t) => {
  if (!existsSync(ASAP_SCORE)) return t.skip(`ASAP corpus not found at ${ASAP_SCORE}`);
  const h = await previewHumanize({ source: { path: ASAP_SCORE }, style: DEFAULT_STYLE, strength: 0.5, method: 'auto' });
  const n = readMidiFile(ASAP_SCORE).notes.length;
  assert.equal(h.take.notes.onsetSec.length, n);
  assert.ok(h.take.notes.offsetSec.every((off, i) => off > h.take.notes.onsetSec[i]!));
});

test('save writes <name>.humanized.mid beside the original, never clobbers, never touches the original', async (t) => {
  const dir = tmp(t);
  const input = path.join(dir, 'piece.mid');
  copyFileSync(MINUET, input);
  const before = readFileSync(input);
  const params = { source: { path: input }, style: DEFAULT_STYLE, strength: 1, method: 'rules' as const };
  const first = await previewSave(params);
  assert.deepEqual(first, { status: 'written', output: path.join(dir, 'piece.humanized.mid'), notes: readMidiFile(MINUET).notes.length, method: 'rules' });
  assert.equal(readMidiFile(first.output).notes.length, first.status === 'written' ? first.notes : -1);
  const written = statSync(first.output).mtimeMs;
  writeFileSync(first.output, 'user edits');
  const second = await previewSave(params);
  assert.deepEqual(second, { status: 'exists', output: first.output });
  assert.equal(readFileSync(first.output, 'utf8'), 'user edits', 'an existing file is not replaced without confirmation');
  const third = await previewSave({ ...params, overwrite: true });
  assert.equal(third.status, 'written');
  assert.ok(readMidiFile(first.output).notes.length > 0 && written > 0);
  await assert.rejects(previewSave({ ...params, output: input, overwrite: true }), /over the original/);
  await assert.rejects(previewSave({ ...params, output: 'relative.mid' }), /not an absolute file path/);
  assert.deepEqual(readFileSync(input), before, 'the original is byte-identical');
  assert.equal(humanizedPathFor('/a/b.midi'), '/a/b.humanized.midi');
});

test('a file without notes loads but cannot be humanized, with a message naming it', async (t) => {
  const dir = tmp(t);
  const empty = path.join(dir, 'empty.mid');
  // Header + one track with only end-of-track.
  writeFileSync(empty, Buffer.from([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 4, 0, 0xff, 0x2f, 0]));
  const r = await loadPreview({ source: { path: empty } });
  assert.equal(r.score.notes.pitch.length, 0);
  await assert.rejects(previewHumanize({ source: { path: empty }, style: DEFAULT_STYLE, strength: 1, method: 'rules' }), new RegExp(`${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the file has no notes`));
  await assert.rejects(loadPreview({ source: { path: path.join(dir, 'missing.mid') } }), /missing\.mid/);
});

test('interpolate: through the points, extrapolated at the ends', () => {
  assert.equal(interpolate([0, 1, 3], [0, 2, 4], 2), 3);
  assert.equal(interpolate([0, 1, 3], [0, 2, 4], 5), 6);
  assert.equal(interpolate([0, 1], [1, 3], -1), -1);
  assert.equal(interpolate([2], [5], 3), 6);
});

test('registerPreviewHandlers: bad params are InvalidParams naming the problem; file problems name the file', async () => {
  const { registerPreviewHandlers } = await import('../../../server/preview/lsp');
  const { ResponseError, ErrorCodes } = await import('vscode-languageserver');
  const handlers = new Map<string, (p: unknown) => Promise<unknown>>();
  const fake = { onRequest: (method: string, h: (p: unknown) => Promise<unknown>) => handlers.set(method, h) };
  registerPreviewHandlers(fake as unknown as Parameters<typeof registerPreviewHandlers>[0]);
  assert.deepEqual([...handlers.keys()].sort(), ['rubato/preview/humanize', 'rubato/preview/load', 'rubato/preview/save']);
  const bad = await handlers.get('rubato/preview/humanize')!({ source: { path: MINUET }, style: DEFAULT_STYLE, strength: 2, method: 'rules' });
  assert.ok(bad instanceof ResponseError && bad.code === ErrorCodes.InvalidParams && /strength/.test(bad.message));
  const missing = await handlers.get('rubato/preview/load')!({ source: { path: '/nowhere/x.mid' } });
  assert.ok(missing instanceof ResponseError && missing.message.startsWith('/nowhere/x.mid'));
  const ok = (await handlers.get('rubato/preview/load')!({ source: { path: MINUET } })) as { score: { notes: { pitch: number[] } } };
  assert.equal(ok.score.notes.pitch.length, readMidiFile(MINUET).notes.length);
});
