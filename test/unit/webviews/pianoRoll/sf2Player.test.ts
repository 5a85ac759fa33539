// Headless Chromium: the SoundFont piano renders the right pitches (OfflineAudioContext, our player
// code bundled in memory), and the piano-roll bundle loads piano.sf2 from the URI in #app's
// data-config, schedules sample sources at the rates the regions give, and falls back to the
// synthesized voice with a visible note when the SoundFont cannot load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { loadPreview } from '../../../../server/preview/operations';
import { parseSf2 } from '../../../../webviews/pianoRoll/sf2Parse';
import { playbackRate, presetRegions, regionsFor } from '../../../../webviews/pianoRoll/sf2Regions';
import { planPlayback } from '../../../../webviews/pianoRoll/playback';
import { BUNDLE, CHROMIUM, browserUnavailable, initMessage } from './harness';

const ROOT = path.resolve(__dirname, '../../../..');
const SF2 = path.join(ROOT, 'media/soundfont/piano.sf2');
const SF2_URL = 'https://rubato.test/media/soundfont/piano.sf2';
const RATE = 44100;

async function withPage(serve: 'ok' | 'missing', body: (page: Page) => Promise<void>): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  try {
    const page = await browser.newPage();
    await page.route(SF2_URL, (route) =>
      serve === 'ok'
        ? route.fulfill({ status: 200, body: readFileSync(SF2), headers: { 'content-type': 'application/octet-stream', 'access-control-allow-origin': '*' } })
        : route.fulfill({ status: 404, body: 'no', headers: { 'access-control-allow-origin': '*' } }),
    );
    const config = JSON.stringify({ fileName: 'x.mid', soundFontUri: SF2_URL }).replace(/"/g, '&quot;');
    await page.setContent(`<!doctype html><html><body class="vscode-dark"><div id="app" data-config="${config}"></div></body></html>`);
    await body(page);
  } finally {
    await browser.close();
  }
}

/** Goertzel power of `x` at `hz`. */
function power(x: Float32Array, hz: number): number {
  const w = (2 * Math.PI * hz) / RATE;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s = v + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/** The strongest frequency in [lo, hi] on a 0.5 Hz grid. */
function peakHz(x: Float32Array, lo: number, hi: number): number {
  let best = lo;
  let bestP = -1;
  for (let f = lo; f <= hi; f += 0.5) {
    const p = power(x, f);
    if (p > bestP) [best, bestP] = [f, p];
  }
  return best;
}

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

test('the SoundFont piano renders A3 and A4 at their pitch, louder for harder keys, silent after the release', async (t) => {
  const why = browserUnavailable();
  if (why) return t.skip(why);
  const entry = await esbuild.build({
    stdin: {
      contents: `import { loadSf2Bank, Sf2Synth } from './sf2Synth';
        window.renderNotes = async (url, notes, seconds) => {
          const bank = await loadSf2Bank(url);
          const ctx = new OfflineAudioContext(1, Math.round(seconds * ${RATE}), ${RATE});
          const synth = new Sf2Synth(ctx, bank);
          for (const n of notes) synth.note(n.pitch, n.velocity, n.onSec, n.offSec);
          return Array.from((await ctx.startRendering()).getChannelData(0));
        };`,
      resolveDir: path.join(ROOT, 'webviews/pianoRoll'),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  });
  await withPage('ok', async (page) => {
    await page.addScriptTag({ content: entry.outputFiles[0]!.text });
    const render = async (notes: { pitch: number; velocity: number; onSec: number; offSec: number }[], seconds: number): Promise<Float32Array> =>
      Float32Array.from((await page.evaluate(`window.renderNotes(${JSON.stringify(SF2_URL)}, ${JSON.stringify(notes)}, ${seconds})`)) as number[]);
    for (const [pitch, hz] of [
      [69, 440],
      [57, 220],
    ] as const) {
      const x = await render([{ pitch, velocity: 100, onSec: 0, offSec: 1.5 }], 2.6);
      const body = x.subarray(Math.round(0.1 * RATE), Math.round(0.6 * RATE));
      assert.ok(rms(body) > 0.01, `key ${pitch} sounds (rms ${rms(body)})`);
      const f0 = peakHz(body, hz / 1.4, hz * 1.4);
      assert.ok(Math.abs(f0 - hz) / hz < 0.01, `key ${pitch}: strongest partial near the fundamental at ${f0} Hz, expected ${hz}`);
      // Released at 1.5 s with a ≤1.2 s release: silent (< −60 dB of the note) by 2.5 s.
      const tail = x.subarray(Math.round(2.5 * RATE));
      assert.ok(rms(tail) < rms(body) / 1000, `released: tail rms ${rms(tail)} vs ${rms(body)}`);
    }
    const soft = await render([{ pitch: 60, velocity: 30, onSec: 0, offSec: 1 }], 0.6);
    const hard = await render([{ pitch: 60, velocity: 110, onSec: 0, offSec: 1 }], 0.6);
    assert.ok(rms(hard) > 5 * rms(soft), `velocity 110 (${rms(hard)}) much louder than 30 (${rms(soft)})`);
  });
});

interface AudioHook {
  instrument: string;
  playing: boolean;
  stats: { sources: number; lastRates: number[] } | null;
}

test('the piano roll loads piano.sf2 from its data-config URI and schedules sources at the regions\' rates', async (t) => {
  const why = browserUnavailable();
  if (why) return t.skip(why);
  const load = await loadPreview({ source: { path: path.join(ROOT, 'examples/prelude-c-major.mid') } });
  const file = parseSf2(new Uint8Array(readFileSync(SF2)), 'piano.sf2');
  const regions = presetRegions(file, 0, 0);
  await withPage('ok', async (page) => {
    await page.evaluate(`window.acquireVsCodeApi = () => ({ postMessage: () => {}, getState: () => undefined, setState: () => {} })`);
    await page.addScriptTag({ content: readFileSync(BUNDLE, 'utf8') });
    await page.waitForFunction(`window.rubatoPianoRoll.audio().instrument === 'soundfont'`);
    await page.evaluate(`window.postMessage(${JSON.stringify(initMessage(load))}, '*')`);
    await page.locator('canvas').focus();
    await page.keyboard.press(' ');
    await page.waitForFunction(`(window.rubatoPianoRoll.audio().stats?.sources ?? 0) >= 4`);
    const hook = (await page.evaluate('window.rubatoPianoRoll.audio()')) as AudioHook;
    assert.equal(hook.playing, true);
    // The first notes in onset order, each one region, at 2^((key − root)/12) (float32 in the AudioParam).
    const plan = planPlayback(load.score.notes, load.score.pedal);
    const n = Math.min(hook.stats!.sources, hook.stats!.lastRates.length);
    const want = Array.from(plan.order.slice(0, n), (i) => {
      const key = load.score.notes.pitch[i]!;
      return playbackRate(regionsFor(regions, key, Math.round(load.score.notes.velocity[i]!))[0]!, key);
    });
    assert.equal(hook.stats!.lastRates.length, n);
    hook.stats!.lastRates.forEach((r, k) => assert.ok(Math.abs(r - want[k]!) < 1e-6, `source ${k}: rate ${r}, expected ${want[k]}`));
    await page.keyboard.press(' ');
    assert.equal(((await page.evaluate('window.rubatoPianoRoll.audio()')) as AudioHook).playing, false);
  });
});

test('when piano.sf2 cannot load, the synthesized voice plays and the status line says why', async (t) => {
  const why = browserUnavailable();
  if (why) return t.skip(why);
  const load = await loadPreview({ source: { path: path.join(ROOT, 'examples/prelude-c-major.mid') } });
  await withPage('missing', async (page) => {
    await page.evaluate(`window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} })`);
    await page.addScriptTag({ content: readFileSync(BUNDLE, 'utf8') });
    await page.waitForFunction(`window.rubatoPianoRoll.audio().instrument === 'synth'`);
    await page.evaluate(`window.postMessage(${JSON.stringify(initMessage(load))}, '*')`);
    await page.locator('canvas').focus();
    await page.keyboard.press(' ');
    const hook = (await page.evaluate('window.rubatoPianoRoll.audio()')) as AudioHook;
    assert.equal(hook.playing, true);
    assert.equal(hook.stats, null, 'no SoundFont sources');
    assert.match((await page.locator('.pr-status').textContent()) ?? '', /SoundFont piano unavailable \(piano\.sf2: HTTP 404\): playing the synthesized piano/);
    const posted = (await page.evaluate('window.__posted')) as { kind: string; message?: string }[];
    assert.ok(posted.some((m) => m.kind === 'error' && /HTTP 404/.test(m.message ?? '')), 'the host log hears about it');
  });
});
