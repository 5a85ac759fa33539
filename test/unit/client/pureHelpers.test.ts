// The client's small pure pieces: piano-roll settings (equality, hot-exit backups, output paths),
// status-bar texts, datasets progress lines, normalizer marks and GPU lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetsProgressText } from '../../../client/datasets/progressText';
import { gpuLines, strayLabel } from '../../../client/gpu/gpuText';
import { normalizedPathFor, normalizeMarks } from '../../../client/pianoRoll/normalizeMarks';
import { decodeBackup, encodeBackup, humanizedPathFor, sameSettings, samePath, sameWithinSteps, type HumanizeSettings } from '../../../client/pianoRoll/settings';
import { HealthModel } from '../../../client/status/healthModel';
import { runStatusText } from '../../../client/status/runStatusText';
import { checkMarks } from '../../../server/protocol/webview/pianoRoll';
import { run } from './fixtures';

const s = (over: Partial<HumanizeSettings> = {}): HumanizeSettings => ({ style: { rubato: 0.5, dynamics: 0.4, articulation: 0.3, pedal: 0.2, tempo: 0.1 }, strength: 1, method: 'auto', ...over });

test('settings equality compares every slider, the strength and the method', () => {
  assert.ok(sameSettings(s(), s()));
  assert.ok(sameSettings(null, null));
  assert.ok(!sameSettings(s(), null));
  assert.ok(!sameSettings(s(), s({ strength: 0.9 })));
  assert.ok(!sameSettings(s(), s({ method: 'rules' })));
  assert.ok(!sameSettings(s(), s({ style: { ...s().style, pedal: 0.25 } })));
});

test('values the sliders snapped to their step are the same settings; a moved slider is not', () => {
  const sliders = (['rubato', 'dynamics', 'articulation', 'pedal', 'tempo'] as const).map((name) => ({ name, label: name, min: -5, max: 20, step: name === 'dynamics' ? 0.5 : 0.01, doc: '' }));
  const model = s({ style: { rubato: 0.3350199992971227, dynamics: 15.61424496546296, articulation: -0.38986195953589203, pedal: 0.5333509026639401, tempo: 0.11119639370151564 } });
  const snapped = s({ style: { rubato: 0.34, dynamics: 15.5, articulation: -0.39, pedal: 0.53, tempo: 0.11 } });
  assert.ok(sameWithinSteps(model, snapped, sliders));
  assert.ok(!sameWithinSteps(model, s({ ...snapped, style: { ...snapped.style, dynamics: 16 } }), sliders), 'one step on dynamics');
  assert.ok(!sameWithinSteps(model, s({ ...snapped, style: { ...snapped.style, rubato: 0.35 } }), sliders), 'one step on rubato');
  assert.ok(!sameWithinSteps(model, { ...snapped, strength: 0.99 }, sliders));
  assert.ok(!sameWithinSteps(model, { ...snapped, method: 'rules' }, sliders));
  assert.ok(sameWithinSteps(null, null, sliders) && !sameWithinSteps(model, null, sliders));
});

test('a backup round-trips; a damaged one is a clear error', () => {
  const b = { settings: s({ strength: 0.5 }), savedSettings: null };
  assert.deepEqual(decodeBackup(encodeBackup(b)), { version: 1, ...b });
  const bad: [string, RegExp][] = [
    ['{', /not JSON/],
    ['{"version":2,"settings":null,"savedSettings":null}', /unknown version/],
    [JSON.stringify({ version: 1, settings: { ...s(), strength: 3 }, savedSettings: null }), /backup settings: strength/],
    [JSON.stringify({ version: 1, settings: null, savedSettings: { ...s(), method: 'magic' } }), /savedSettings: method/],
  ];
  for (const [text, why] of bad) assert.throws(() => decodeBackup(text), why);
});

test('outputs go beside the input with the same extension; the original path is recognised on every platform', () => {
  const cases: [string, string][] = [
    ['/m/a.mid', '/m/a.humanized.mid'],
    ['/m/b.MIDI', '/m/b.humanized.MIDI'],
    ['/m/noext', '/m/noext.humanized.mid'],
    ['/m/x.y.mid', '/m/x.y.humanized.mid'],
  ];
  for (const [input, want] of cases) assert.equal(humanizedPathFor(input), want);
  assert.equal(normalizedPathFor('/m/a.mid'), '/m/a.normalized.mid');
  assert.ok(samePath('/m/a.mid', '/m//a.mid', 'linux'));
  assert.ok(!samePath('/m/A.mid', '/m/a.mid', 'linux'));
  assert.ok(samePath('C:\\m\\A.mid', 'c:/m/a.mid', 'win32'));
});

test('status bar: the active run and server health, including Restricted Mode and a dead server', () => {
  assert.equal(runStatusText(run()), '$(sync~spin) tiny-cpu 120/1000 · 0.2346 · 4m 10s');
  assert.equal(runStatusText(run({ state: 'stopping', lastLoss: null, etaSec: null })), '$(loading~spin) tiny-cpu 120/1000');
  const h = new HealthModel(true);
  assert.equal(h.view().text, '$(loading~spin) Rubato');
  assert.match(h.view().tooltip, /starting/);
  h.update({ started: true });
  assert.equal(h.view().text, '$(check) Rubato', 'started and no status yet: ready');
  const views: [Parameters<HealthModel['update']>[0], string, string | null][] = [
    [{ status: { health: 'ok', message: '', busy: false, trusted: true } }, '$(check) Rubato', null],
    [{ status: { health: 'ok', message: '', busy: true, trusted: true } }, '$(loading~spin) Rubato', null],
    [{ status: { health: 'warning', message: 'no GPU', busy: false, trusted: true } }, '$(warning) Rubato', 'warning'],
    [{ status: { health: 'ok', message: '', busy: false, trusted: false } }, '$(shield) $(check) Rubato', null],
    [{ serverError: 'spawn failed' }, '$(error) Rubato', 'error'],
  ];
  for (const [patch, text, bg] of views) {
    h.update({ serverError: null, ...patch });
    assert.equal(h.view().text, text);
    assert.equal(h.view().background, bg);
  }
  assert.match(h.view().tooltip, /spawn failed/);
});

test('datasets progress lines from JSON text, objects or plain strings', () => {
  assert.equal(datasetsProgressText(JSON.stringify({ phase: 'full-hash', done: 1200, total: 5000, path: '/d/x' })), 'hashing 1,200/5,000 — /d/x');
  assert.equal(datasetsProgressText({ phase: 'scan', done: 3 }), 'listing 3');
  assert.equal(datasetsProgressText('42 files'), '42 files');
});

test('normalizer edits become valid piano-roll marks on their bars', () => {
  const marks = normalizeMarks([
    { bar: 3, kind: 'add', amount_beats: 0.5, confidence: 0.874, bar_start_sec: 4, bar_end_sec: 6 },
    { bar: 9, kind: 'subtract', amount_beats: 1, confidence: 0.5, bar_start_sec: 16, bar_end_sec: 18 },
  ]);
  assert.deepEqual(marks.map((m) => m.label), ['bar 3: +0.5 beats (87%)', 'bar 9: −1 beat (50%)']);
  assert.equal(checkMarks(marks), null);
});

test('GPU lines: each GPU with memory and its processes; a clear line without GPUs', () => {
  const none = gpuLines({ state: 'none', message: 'nvidia-smi not found', gpus: [], processes: [], strays: [], warnings: [] });
  assert.deepEqual(none, [{ label: '$(circle-slash) No NVIDIA GPU', description: 'nvidia-smi not found' }]);
  const gib = 1024 ** 3;
  const lines = gpuLines({
    state: 'ok',
    message: null,
    gpus: [{ index: 0, uuid: 'G0', name: 'H100', memoryTotalBytes: 80 * gib, memoryUsedBytes: 5 * gib, memoryFreeBytes: 75 * gib, utilizationPct: 40, temperatureC: 51 }],
    processes: [{ pid: 77, processName: '/usr/bin/python3', usedMemoryBytes: 5 * gib, gpuUuid: 'G0', gpuIndex: 0 }],
    strays: [],
    warnings: [],
  });
  assert.deepEqual(lines, [{ label: '$(chip) GPU 0: H100', description: '5.0 GiB / 80.0 GiB used · 40 % busy · 51 °C', detail: 'pid 77 /usr/bin/python3 5.0 GiB' }]);
  assert.equal(strayLabel({ pid: 9, startTicks: 1, user: 'ann', cmdline: 'torchrun x', rssBytes: 2 * gib, gpuMemoryBytes: null, gpuIndices: [], reasons: [] }), 'pid 9 (ann) · 2.0 GiB RSS');
});
