// Headless Chromium: the host's `settings` message (undo / redo / revert) moves the controls without a
// new humanize request, and the host's take for it is shown; the "Normalize first" toggle is a setting
// like the sliders, and a normalized take's edits are drawn as marks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_STYLE } from '../../../../server/features/style';
import { loadPreview, previewHumanize } from '../../../../server/preview/operations';
import { normalizerModelPath } from '../../../../server/preview/normalizeFirst';
import type { HostToView, PianoRollViewModel } from '../../../../server/protocol/webview/pianoRoll';
import { browserUnavailable, countInkPixels, humanizedMessage, initMessage, openRollPage } from './harness';

const FILE = path.resolve('examples/prelude-c-major.rough.mid');

interface Controls {
  strength: string;
  rubato: string;
  method: string;
  normalize: boolean;
  normalizeDisabled: boolean;
}
const READ_CONTROLS = `(() => ({
  strength: document.getElementById('pr-strength').value,
  rubato: document.getElementById('pr-rubato').value,
  method: document.getElementById('pr-method').value,
  normalize: document.getElementById('pr-normalize').checked,
  normalizeDisabled: document.getElementById('pr-normalize').disabled,
}))()`;

test('settings from the host move the controls, ask nothing back, and the host take for them is shown', async (t) => {
  const why = browserUnavailable();
  if (why) return t.skip(why);
  const load = await loadPreview({ source: { path: FILE } });
  const take1 = (await previewHumanize({ source: { path: FILE }, style: DEFAULT_STYLE, strength: 1, method: 'rules' })).take;
  const take2 = (await previewHumanize({ source: { path: FILE }, style: DEFAULT_STYLE, strength: 0, method: 'rules' })).take;
  const roll = await openRollPage({ width: 900, height: 500 });
  t.after(() => roll.close());
  const frame = (): Promise<void> => roll.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))') as Promise<void>;
  const state = (): Promise<{ busy: boolean; notesB: number }> => roll.page.evaluate('window.rubatoPianoRoll.state()') as Promise<{ busy: boolean; notesB: number }>;
  const humanizes = async (): Promise<number> => (await roll.posted()).filter((m) => m.kind === 'humanize').length;

  const init = initMessage(load) as Extract<HostToView, { kind: 'init' }>;
  const view: PianoRollViewModel = { ...init.view, normalizerAvailable: true, defaultNormalize: false };
  await roll.send({ kind: 'init', view });
  await frame();
  assert.equal(await humanizes(), 1, 'the view asks once for its starting take');
  await roll.send(humanizedMessage(1, take1));
  await frame();
  assert.equal((await state()).busy, false);

  // Undo to strength 0.25, rules, normalize on: controls follow, nothing is asked back, busy until the take.
  const style = { ...DEFAULT_STYLE, rubato: 0.2 };
  await roll.send({ kind: 'settings', style, strength: 0.25, method: 'rules', normalize: true });
  await frame();
  const c = (await roll.page.evaluate(READ_CONTROLS)) as Controls;
  assert.deepEqual(c, { strength: '0.25', rubato: '0.2', method: 'rules', normalize: true, normalizeDisabled: false });
  await new Promise((r) => setTimeout(r, 300)); // longer than the view's humanize debounce
  assert.equal(await humanizes(), 1, 'a settings message is not a user edit: no humanize request');
  assert.equal((await state()).busy, true, 'waiting for the host take');
  // The host answers under the newest seq the view used (already shown once): shown again.
  await roll.send(humanizedMessage(1, take2));
  await frame();
  assert.equal((await state()).busy, false, 'the host take for the settings was accepted');
  const saved = (await roll.page.evaluate('window.__state')) as { strength: number; method: string; normalize: boolean };
  assert.deepEqual([saved.strength, saved.method, saved.normalize], [0.25, 'rules', true], 'setState follows the document');

  // The user then toggles "Normalize first" off: that is an edit, with the new value in the request.
  await roll.page.locator('#pr-normalize').click();
  await new Promise((r) => setTimeout(r, 300));
  const asks = (await roll.posted()).filter((m) => m.kind === 'humanize');
  assert.equal(asks.length, 2);
  assert.equal(asks[1]!.normalize, false);
  assert.equal(asks[1]!.strength, 0.25);

  // A bad settings message is refused and reported, not applied.
  await roll.send({ kind: 'settings', style, strength: 3, method: 'rules' } as unknown as HostToView);
  await frame();
  assert.equal(((await roll.page.evaluate(READ_CONTROLS)) as Controls).strength, '0.25');
  assert.ok((await roll.posted()).some((m) => m.kind === 'error' && /strength/.test(String(m.message))));
});

test('a normalized take draws its edits as marks; the toggle is disabled without a normalizer', async (t) => {
  const why = browserUnavailable();
  if (why) return t.skip(why);
  if (!normalizerModelPath()) return t.skip('no bundled normalizer (models/normalizer.onnx)');
  const load = await loadPreview({ source: { path: FILE } });
  const normalized = await previewHumanize({ source: { path: FILE }, style: DEFAULT_STYLE, strength: 1, method: 'rules', normalize: true });
  assert.ok(normalized.marks && normalized.marks.length > 0);
  const roll = await openRollPage({ width: 900, height: 500 });
  t.after(() => roll.close());
  const frame = (): Promise<void> => roll.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))') as Promise<void>;

  await roll.send(initMessage(load)); // no normalizerAvailable: an older host, or none installed
  await frame();
  assert.equal(((await roll.page.evaluate(READ_CONTROLS)) as Controls).normalizeDisabled, true);

  await roll.send(humanizedMessage(1, normalized.take));
  await frame();
  const without = await countInkPixels(roll.page);
  // The same take with its marks, under a newer seq the view asked for (a slider moved).
  await roll.page.locator('#pr-strength').fill('0.9');
  await new Promise((r) => setTimeout(r, 300));
  await roll.send({ ...humanizedMessage(2, normalized.take), marks: normalized.marks } as HostToView);
  await frame();
  const withMarks = await countInkPixels(roll.page);
  assert.ok(withMarks.ink > without.ink + 500, `marks drawn: ink ${withMarks.ink} vs ${without.ink}`);
});
