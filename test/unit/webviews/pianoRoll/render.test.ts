// Headless Chromium: the built bundle draws a real file's notes and answers a zoom intent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadPreview, previewHumanize } from '../../../../server/preview/operations';
import { DEFAULT_STYLE } from '../../../../server/features/style';
import { browserUnavailable, countInkPixels, humanizedMessage, initMessage, openRollPage } from './harness';

const FILE = path.resolve('examples/prelude-c-major.mid');

interface RollState {
  time: { startSec: number; secPerPx: number };
  mode: string;
  notesA: number;
  notesB: number;
  busy: boolean;
  lastFrame: { visited: number };
}

test('the piano roll draws a real file in headless Chromium, zooms, and keeps the newest humanized take', async (t) => {
  const why = browserUnavailable();
  if (why) return t.skip(why);
  const load = await loadPreview({ source: { path: FILE } });
  const rulesTake = (await previewHumanize({ source: { path: FILE }, style: DEFAULT_STYLE, strength: 1, method: 'rules' })).take;
  const deadTake = (await previewHumanize({ source: { path: FILE }, style: DEFAULT_STYLE, strength: 0, method: 'rules' })).take;
  const roll = await openRollPage({ width: 1000, height: 600, dpr: 2 });
  t.after(() => roll.close());
  const state = (): Promise<RollState> => roll.page.evaluate('window.rubatoPianoRoll.state()') as Promise<RollState>;
  const frame = (): Promise<void> => roll.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))') as Promise<void>;

  assert.deepEqual((await roll.posted()).map((m) => m.kind), ['ready']);
  const blank = await countInkPixels(roll.page);
  await roll.send(initMessage(load));
  await frame();
  const drawn = await countInkPixels(roll.page);
  assert.equal(await roll.page.evaluate(`(() => { const c = document.querySelector('canvas'); return c.width === c.clientWidth * 2; })()`), true, 'the canvas is backed at devicePixelRatio 2');
  assert.ok(drawn.ink > blank.ink + 5000, `notes drawn: ink ${drawn.ink} vs ${blank.ink} before the view model`);
  const s0 = await state();
  assert.equal(s0.notesA, load.score.notes.pitch.length);
  assert.ok(s0.lastFrame.visited > 0 && s0.lastFrame.visited <= s0.notesA);

  // The view asked for a humanized take once the model arrived.
  const asks = (await roll.posted()).filter((m) => m.kind === 'humanize');
  assert.equal(asks.length, 1);
  assert.equal(asks[0]!.seq, 1);

  // Zoom intent (the + key) halves the seconds per pixel about the centre.
  await roll.page.locator('canvas').focus();
  await roll.page.keyboard.press('+');
  await frame();
  const s1 = await state();
  assert.ok(s1.time.secPerPx < s0.time.secPerPx / 1.4, `zoom changed ${s0.time.secPerPx} → ${s1.time.secPerPx}`);
  assert.ok(s1.lastFrame.visited < s0.lastFrame.visited, 'fewer notes visited when zoomed in');
  // A wheel over the roll zooms too.
  await roll.page.mouse.move(500, 200);
  await roll.page.mouse.wheel(0, 400);
  await frame();
  assert.ok((await state()).time.secPerPx > s1.time.secPerPx, 'wheel down zooms out');

  // Two requests in flight; the newer answer (seq 3) lands first, the stale one (seq 2) must not replace it.
  await roll.page.evaluate(`(() => { const s = document.querySelector('#pr-strength'); s.value = '0.5'; s.dispatchEvent(new Event('input')); })()`);
  await roll.page.waitForTimeout(250);
  await roll.page.evaluate(`(() => { const s = document.querySelector('#pr-strength'); s.value = '0.6'; s.dispatchEvent(new Event('input')); })()`);
  await roll.page.waitForTimeout(250);
  const seqs = (await roll.posted()).filter((m) => m.kind === 'humanize').map((m) => m.seq);
  assert.deepEqual(seqs, [1, 2, 3]);
  await roll.send(humanizedMessage(3, rulesTake));
  await frame();
  const withB = await countInkPixels(roll.page);
  assert.equal((await state()).mode, 'AB');
  await roll.send(humanizedMessage(2, deadTake));
  await frame();
  const afterStale = await countInkPixels(roll.page);
  assert.equal(afterStale.ink, withB.ink, 'the stale answer changed the drawing');
  assert.equal((await state()).busy, false);

  // An invalid message is refused and reported, not drawn.
  await roll.page.evaluate(`window.postMessage({ kind: 'init', view: { fileName: 1 } }, '*')`);
  const errors = (await roll.posted()).filter((m) => m.kind === 'error');
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]!.message), /view\.fileName/);
});
