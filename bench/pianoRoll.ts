// Piano-roll section of `npm run bench`: frame time while panning and zooming 20,000 notes (A and B
// overlaid, so 40,000 drawn rectangles at most) in headless Chromium, the editor's indexed renderer
// side by side with a naive draw-every-note baseline on the same page, the same view script and the
// same frames. A frame = drawFrame plus a one-pixel readback that forces the canvas to rasterize.

import { DEFAULT_STYLE } from '../server/features/style';
import { loadPreview, previewHumanize } from '../server/preview/operations';
import type { RollTake } from '../server/protocol/preview';
import { browserUnavailable, humanizedMessage, initMessage, openRollPage } from '../test/unit/webviews/pianoRoll/harness';

const NOTES = 20_000;
const SOURCE = 'examples/prelude-c-major.mid';

/** Tiles a take end to end until it holds `n` notes (real note material, a long piece's density). */
function tile(take: RollTake, n: number): RollTake {
  const k = take.notes.pitch.length;
  const period = take.durationSec + 1;
  const col = <K extends keyof RollTake['notes']>(key: K, shift: boolean): number[] =>
    Array.from({ length: n }, (_, i) => (take.notes[key] as number[])[i % k]! + (shift ? Math.floor(i / k) * period : 0));
  const reps = Math.ceil(n / k);
  const rep = (xs: number[]): number[] => Array.from({ length: reps * xs.length }, (_, i) => xs[i % xs.length]! + Math.floor(i / xs.length) * period);
  return {
    notes: {
      pitch: col('pitch', false),
      onsetSec: col('onsetSec', true),
      offsetSec: col('offsetSec', true),
      velocity: col('velocity', false),
      track: col('track', false),
      channel: col('channel', false),
      ...(take.notes.confidence ? { confidence: col('confidence', false) } : {}),
    },
    pedal: { startSec: rep(take.pedal.startSec), endSec: rep(take.pedal.endSec) },
    tempo: { sec: rep(take.tempo.sec), bpm: Array.from({ length: reps * take.tempo.bpm.length }, (_, i) => take.tempo.bpm[i % take.tempo.bpm.length]!) },
    grid: { barSec: rep(take.grid.barSec), barNumber: Array.from({ length: reps * take.grid.barSec.length }, (_, i) => i + 1), beatSec: rep(take.grid.beatSec) },
    durationSec: reps * period,
  };
}

/** Runs in the page: the same pan/zoom script for both renderers, returning per-frame milliseconds. */
const PAGE_SCRIPT = `(async () => {
  const roll = window.rubatoPianoRoll;
  const c = document.querySelector('canvas');
  const ctx = c.getContext('2d');
  const w = c.clientWidth;
  function script() {
    const steps = [];
    steps.push(() => roll.fit());
    for (let i = 0; i < 6; i++) steps.push(() => roll.zoom(1.5, w / 2));     // zoom in to a page of a few bars
    for (let i = 0; i < 60; i++) steps.push(() => roll.pan(w / 12));         // pan through the piece
    for (let i = 0; i < 12; i++) steps.push(() => roll.zoom(0.8, w / 3));    // zoom out while panned
    for (let i = 0; i < 30; i++) steps.push(() => roll.pan(-w / 10));
    for (let i = 0; i < 12; i++) steps.push(() => roll.zoom(1.25, w / 2));
    steps.push(() => roll.fit());                                            // the whole piece: every note visible
    for (let i = 0; i < 10; i++) steps.push(() => roll.pan(0));
    return steps;
  }
  const out = {};
  for (const naive of [false, true, false, true]) {
    const key = naive ? 'naive' : 'indexed';
    out[key] = out[key] || [];
    for (const step of script()) {
      step();
      const t0 = performance.now();
      roll.drawNow(naive);
      ctx.getImageData(0, 0, 1, 1);
      out[key].push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  return out;
})()`;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export async function benchPianoRoll(): Promise<void> {
  const why = browserUnavailable();
  if (why) {
    console.log(`piano roll: skipped (${why})`);
    return;
  }
  const load = await loadPreview({ source: { path: SOURCE } });
  const h = await previewHumanize({ source: { path: SOURCE }, style: DEFAULT_STYLE, strength: 1, method: 'auto' });
  const a = tile(load.score, NOTES);
  const b = tile(h.take, NOTES);
  const roll = await openRollPage({ width: 1400, height: 800, dpr: 1 });
  try {
    roll.page.on("crash", () => console.log("  piano roll: the page crashed"));
    await roll.send(initMessage({ ...load, score: a }));
    await roll.send(humanizedMessage(1, b));
    await roll.page.waitForTimeout(200);
    const times = (await roll.page.evaluate(PAGE_SCRIPT)) as { indexed: number[]; naive: number[] };
    if (process.env.RUBATO_BENCH_TRACE) console.log(JSON.stringify(times.indexed.map((x) => Math.round(x))), JSON.stringify(times.naive.map((x) => Math.round(x))));
    const row = (name: string, xs: number[]): string => `  ${name.padEnd(26)} median ${quantile(xs, 0.5).toFixed(2).padStart(7)} ms   p95 ${quantile(xs, 0.95).toFixed(2).padStart(7)} ms   (${xs.length} frames)`;
    console.log(`piano roll: ${NOTES} notes per take, A+B overlaid (${SOURCE} tiled, B by ${h.method}), 1400×800 canvas, headless Chromium`);
    console.log(row('indexed (the editor)', times.indexed));
    console.log(row('naive draw-all baseline', times.naive));
    console.log(
      `  naive / indexed: median ×${(quantile(times.naive, 0.5) / quantile(times.indexed, 0.5)).toFixed(1)}, p95 ×${(quantile(times.naive, 0.95) / quantile(times.indexed, 0.95)).toFixed(1)}` +
        `   (a 60 Hz frame is 16.7 ms)`,
    );
  } finally {
    await roll.close();
  }
}
