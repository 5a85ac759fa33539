// Draws one frame of the piano roll on a 2D canvas: grid, marks, notes A and B, keyboard gutter,
// ruler, velocity / pedal / tempo lanes and the playhead. Only visible notes are visited (NoteIndex);
// notes of one colour and alpha level go into one path and one fill.

import type { RollMark } from '../../server/protocol/webview/pianoRoll';
import type { Layout, Rect } from './layout';
import { lowerBound } from './noteIndex';
import { ALPHA_LEVELS, alphaLevel, confidenceAlpha, type PreparedTake } from './prepared';
import { isBlackKey, niceStep, pitchName, pitchToY, rowHeight, secToX, xToSec, type PitchView, type TimeView } from './scale';
import type { Theme } from './theme';

export type AbMode = 'A' | 'B' | 'AB';

export interface FrameInput {
  layout: Layout;
  widthPx: number;
  heightPx: number;
  time: TimeView;
  pitch: PitchView;
  a: PreparedTake | null;
  b: PreparedTake | null;
  mode: AbMode;
  marks: readonly RollMark[];
  playheadSec: number | null;
  hover: { take: 'A' | 'B'; i: number } | null;
  /** Draw every note with its own fill (the benchmark's baseline); never used by the editor. */
  naive?: boolean;
}

export interface FrameStats {
  /** Notes visited (drawn or tested) this frame, both takes. */
  visited: number;
}

let scratch = new Int32Array(4096);

export function drawFrame(ctx: CanvasRenderingContext2D, f: FrameInput, theme: Theme): FrameStats {
  const { layout: L } = f;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, f.widthPx, f.heightPx);
  ctx.font = theme.font;
  const showA = f.a && f.mode !== 'B' ? f.a : null;
  const showB = f.b && f.mode !== 'A' ? f.b : null;
  // The grid follows the take whose time axis is shown alone; in A/B it follows the score.
  const gridTake = f.mode === 'B' && f.b ? f.b : f.a;

  clip(ctx, L.roll, () => {
    drawRows(ctx, f, theme);
    if (gridTake) drawGrid(ctx, f, gridTake, L.roll, theme, true);
    drawMarks(ctx, f, theme);
  });
  let visited = 0;
  const visA = showA ? visible(showA, f) : 0;
  const idxA = scratch.slice(0, visA);
  const visB = showB ? visible(showB, f) : 0;
  const idxB = scratch.slice(0, visB);
  visited += visA + visB;
  clip(ctx, L.roll, () => {
    if (f.naive) {
      if (showA) visited += drawNotesNaive(ctx, f, showA, theme.noteA, showB ? 0.45 : 0.9, theme);
      if (showB) visited += drawNotesNaive(ctx, f, showB, theme.noteB, 0.9, theme);
      return;
    }
    if (showA) drawNotes(ctx, f, showA, idxA, theme.noteA, showB ? 0.45 : 0.9, false, theme);
    if (showB) drawNotes(ctx, f, showB, idxB, theme.noteB, 0.9, true, theme);
    drawHover(ctx, f, theme);
  });
  drawGutter(ctx, f, theme);
  drawRuler(ctx, f, gridTake, theme);
  clip(ctx, L.velocity, () => {
    laneBackground(ctx, L.velocity, 'velocity', theme);
    if (gridTake) drawGrid(ctx, f, gridTake, L.velocity, theme, false);
    if (showA) drawVelocity(ctx, f, showA, f.naive ? null : idxA, theme.noteA, showB ? 0.5 : 0.9);
    if (showB) drawVelocity(ctx, f, showB, f.naive ? null : idxB, theme.noteB, 0.9);
  });
  clip(ctx, L.pedal, () => {
    laneBackground(ctx, L.pedal, 'pedal', theme);
    // Both takes: A in the top half, B in the bottom half of the lane.
    if (showA) drawPedal(ctx, f, showA, theme.noteA, 0, showB ? 0.5 : 1);
    if (showB) drawPedal(ctx, f, showB, theme.noteB, showA ? 0.5 : 0, showA ? 0.5 : 1);
  });
  clip(ctx, L.tempo, () => {
    laneBackground(ctx, L.tempo, 'tempo', theme);
    drawTempo(ctx, f, [showA ? [showA, theme.tempoA] : null, showB ? [showB, theme.tempoB] : null], theme);
  });
  drawLaneLabels(ctx, f, theme);
  drawPlayhead(ctx, f, theme);
  return { visited };
}

function clip(ctx: CanvasRenderingContext2D, r: Rect, draw: () => void): void {
  if (r.w <= 0 || r.h <= 0) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  draw();
  ctx.restore();
}

/** Fills `scratch` with the indices of the take's notes in view; returns how many. */
function visible(p: PreparedTake, f: FrameInput): number {
  const t0 = f.time.startSec;
  const t1 = xToSec(f.time, f.layout.roll.w);
  const lo = Math.floor(f.pitch.low);
  const hi = Math.ceil(f.pitch.low + f.pitch.rows);
  const pitch = p.take.notes.pitch;
  let n = 0;
  p.index.query(t0, t1, (i) => {
    const k = pitch[i]!;
    if (k < lo || k > hi) return;
    if (n === scratch.length) {
      const grown = new Int32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[n++] = i;
  });
  return n;
}

function drawRows(ctx: CanvasRenderingContext2D, f: FrameInput, theme: Theme): void {
  const r = f.layout.roll;
  const rh = rowHeight(f.pitch, r.h);
  ctx.fillStyle = theme.blackRow;
  for (let k = Math.floor(f.pitch.low); k <= f.pitch.low + f.pitch.rows; k++) {
    if (!isBlackKey(k)) continue;
    ctx.fillRect(r.x, r.y + pitchToY(f.pitch, k, r.h), r.w, rh);
  }
}

function drawGrid(ctx: CanvasRenderingContext2D, f: FrameInput, p: PreparedTake, r: Rect, theme: Theme, withBeats: boolean): void {
  const g = p.take.grid;
  const t0 = f.time.startSec;
  const t1 = xToSec(f.time, r.w);
  const barStep = thinning(g.barSec, f.time.secPerPx, 6);
  if (withBeats && barStep === 1 && pxBetween(g.beatSec, f.time.secPerPx) >= 6) {
    ctx.fillStyle = theme.grid;
    for (let i = lowerBound(g.beatSec, t0); i < g.beatSec.length && g.beatSec[i]! <= t1; i++) ctx.fillRect(Math.round(r.x + secToX(f.time, g.beatSec[i]!)), r.y, 1, r.h);
  }
  ctx.fillStyle = theme.barLine;
  for (let i = lowerBound(g.barSec, t0); i < g.barSec.length && g.barSec[i]! <= t1; i++) {
    if ((g.barNumber[i]! - 1) % barStep !== 0) continue;
    ctx.fillRect(Math.round(r.x + secToX(f.time, g.barSec[i]!)), r.y, 1, r.h);
  }
}

/** Median spacing of sorted times, in pixels (how dense a set of lines is at this zoom). */
function pxBetween(secs: ArrayLike<number>, secPerPx: number): number {
  if (secs.length < 2) return Infinity;
  const mid = secs.length >> 1;
  const d = secs[Math.min(secs.length - 1, mid + 1)]! - secs[mid]!;
  return d / secPerPx;
}

/** Draw every k-th bar line (k in 1, 2, 4, 8, …) so lines stay at least `minPx` apart. */
export function thinning(barSec: ArrayLike<number>, secPerPx: number, minPx: number): number {
  const px = pxBetween(barSec, secPerPx);
  let k = 1;
  while (px * k < minPx && k < 1 << 20) k *= 2;
  return k;
}

function drawMarks(ctx: CanvasRenderingContext2D, f: FrameInput, theme: Theme): void {
  const r = f.layout.roll;
  for (const m of f.marks) {
    const x0 = r.x + secToX(f.time, m.startSec);
    const x1 = r.x + secToX(f.time, m.endSec);
    if (x1 < r.x || x0 > r.x + r.w) continue;
    ctx.globalAlpha = 0.12;
    ctx.fillStyle = theme.mark;
    ctx.fillRect(x0, r.y, Math.max(2, x1 - x0), r.h);
    ctx.globalAlpha = 1;
    ctx.fillRect(x0, r.y, 2, r.h);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(m.label, Math.max(r.x, x0) + 4, r.y + 12, Math.max(20, x1 - x0 - 6));
  }
}

function noteRect(f: FrameInput, on: number, off: number, pitch: number): [number, number, number, number] {
  const r = f.layout.roll;
  const rh = rowHeight(f.pitch, r.h);
  const x = r.x + (on - f.time.startSec) / f.time.secPerPx;
  const w = Math.max(1, (off - on) / f.time.secPerPx);
  const y = r.y + pitchToY(f.pitch, pitch, r.h);
  return [x, y + (rh > 4 ? 0.5 : 0), w, Math.max(1, rh > 4 ? rh - 1 : rh)];
}

/** Above this many visible notes (zoomed out), notes are merged per pixel column and key row first. */
export const MERGE_ABOVE = 3000;

function drawNotes(ctx: CanvasRenderingContext2D, f: FrameInput, p: PreparedTake, idx: Int32Array, color: string, alpha: number, shaded: boolean, theme: Theme): void {
  const levels = shaded && p.take.notes.confidence ? ALPHA_LEVELS : 1;
  ctx.fillStyle = color;
  const paths = idx.length > MERGE_ABOVE ? mergedPaths(f, p, idx, levels) : notePaths(f, p, idx, levels);
  paths.forEach((path, level) => {
    if (!path) return;
    ctx.globalAlpha = levels > 1 ? alpha * confidenceAlpha((level + 0.5) / ALPHA_LEVELS) : alpha;
    ctx.fill(path);
    if (theme.highContrast) {
      ctx.globalAlpha = 1;
      ctx.strokeStyle = theme.noteBorder;
      ctx.lineWidth = 1;
      ctx.stroke(path);
    }
  });
  ctx.globalAlpha = 1;
}

/** One path per alpha level, one rectangle per note. */
function notePaths(f: FrameInput, p: PreparedTake, idx: Int32Array, levels: number): (Path2D | null)[] {
  const { pitch, onsetSec, offsetSec, confidence } = p.take.notes;
  const paths: (Path2D | null)[] = new Array(levels).fill(null);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const level = levels > 1 ? alphaLevel(confidence![i]!) : 0;
    const path = (paths[level] ??= new Path2D());
    const [x, y, w, h] = noteRect(f, onsetSec[i]!, offsetSec[i]!, pitch[i]!);
    path.rect(x, y, w, h);
  }
  return paths;
}

/**
 * Zoomed out, thousands of notes share pixels. Mark each (pixel column, key) cell with the most
 * confident level of any note covering it, then emit one rectangle per run of equal cells in a row:
 * the picture is the same at this zoom, the rectangles are bounded by the screen, not the piece.
 */
function mergedPaths(f: FrameInput, p: PreparedTake, idx: Int32Array, levels: number): (Path2D | null)[] {
  const { pitch, onsetSec, offsetSec, confidence } = p.take.notes;
  const r = f.layout.roll;
  const W = Math.max(1, Math.ceil(r.w));
  const low = Math.floor(f.pitch.low);
  const R = Math.ceil(f.pitch.rows) + 2;
  const cells = new Int8Array(W * R).fill(-1);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const row = pitch[i]! - low;
    if (row < 0 || row >= R) continue;
    const level = levels > 1 ? alphaLevel(confidence![i]!) : 0;
    const x0 = Math.max(0, Math.floor((onsetSec[i]! - f.time.startSec) / f.time.secPerPx));
    const x1 = Math.min(W - 1, Math.max(x0, Math.ceil((offsetSec[i]! - f.time.startSec) / f.time.secPerPx) - 1));
    const base = row * W;
    for (let x = x0; x <= x1; x++) if (cells[base + x]! < level) cells[base + x] = level;
  }
  const paths: (Path2D | null)[] = new Array(levels).fill(null);
  const rh = rowHeight(f.pitch, r.h);
  for (let row = 0; row < R; row++) {
    const base = row * W;
    const y = r.y + pitchToY(f.pitch, low + row, r.h);
    let x = 0;
    while (x < W) {
      const level = cells[base + x]!;
      let end = x + 1;
      while (end < W && cells[base + end] === level) end++;
      if (level >= 0) (paths[level] ??= new Path2D()).rect(r.x + x, y + (rh > 4 ? 0.5 : 0), end - x, Math.max(1, rh > 4 ? rh - 1 : rh));
      x = end;
    }
  }
  return paths;
}

/** The benchmark's baseline: every note of the piece, one fillRect and one fillStyle each, no culling. */
function drawNotesNaive(ctx: CanvasRenderingContext2D, f: FrameInput, p: PreparedTake, color: string, alpha: number, _theme: Theme): number {
  const { pitch, onsetSec, offsetSec, confidence } = p.take.notes;
  const n = pitch.length;
  ctx.fillStyle = color;
  for (let i = 0; i < n; i++) {
    const [x, y, w, h] = noteRect(f, onsetSec[i]!, offsetSec[i]!, pitch[i]!);
    ctx.globalAlpha = confidence ? alpha * confidenceAlpha(confidence[i]!) : alpha;
    ctx.fillRect(x, y, w, h);
  }
  ctx.globalAlpha = 1;
  return n;
}

function drawHover(ctx: CanvasRenderingContext2D, f: FrameInput, theme: Theme): void {
  const h = f.hover;
  const p = h ? (h.take === 'A' ? f.a : f.b) : null;
  if (!h || !p || h.i >= p.take.notes.pitch.length) return;
  const n = p.take.notes;
  const [x, y, w, hh] = noteRect(f, n.onsetSec[h.i]!, n.offsetSec[h.i]!, n.pitch[h.i]!);
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 1.5;
  ctx.strokeRect(x - 0.5, y - 0.5, w + 1, hh + 1);
}

function drawGutter(ctx: CanvasRenderingContext2D, f: FrameInput, theme: Theme): void {
  const g = f.layout.gutter;
  const r = f.layout.roll;
  clip(ctx, g, () => {
    const rh = rowHeight(f.pitch, r.h);
    ctx.fillStyle = theme.whiteKey;
    ctx.fillRect(g.x, g.y, g.w, g.h);
    ctx.fillStyle = theme.blackKey;
    for (let k = Math.floor(f.pitch.low); k <= f.pitch.low + f.pitch.rows; k++) {
      const y = g.y + pitchToY(f.pitch, k, r.h);
      if (isBlackKey(k)) ctx.fillRect(g.x, y, g.w * 0.62, rh);
      else if (k % 12 === 0 || k % 12 === 5) ctx.fillRect(g.x, y + rh - 0.5, g.w, 0.5);
    }
    ctx.fillStyle = '#000';
    const step = rh >= 9 ? 12 : rh >= 3 ? 12 : 24;
    for (let k = Math.ceil(f.pitch.low / step) * step; k <= f.pitch.low + f.pitch.rows; k += step) {
      const y = g.y + pitchToY(f.pitch, k, r.h);
      ctx.fillStyle = '#333';
      ctx.fillText(pitchName(k), g.x + g.w * 0.64, y + Math.min(rh, 12) - 1, g.w * 0.36);
    }
  });
}

function drawRuler(ctx: CanvasRenderingContext2D, f: FrameInput, p: PreparedTake | null, theme: Theme): void {
  const r = f.layout.ruler;
  clip(ctx, r, () => {
    ctx.fillStyle = theme.muted;
    ctx.fillRect(r.x, r.y + r.h - 1, r.w, 1);
    ctx.fillStyle = theme.foreground;
    const t0 = f.time.startSec;
    const t1 = xToSec(f.time, r.w);
    const g = p?.take.grid;
    if (g && g.barSec.length > 1) {
      const step = thinning(g.barSec, f.time.secPerPx, 40);
      for (let i = lowerBound(g.barSec, t0); i < g.barSec.length && g.barSec[i]! <= t1; i++) {
        if ((g.barNumber[i]! - 1) % step !== 0) continue;
        const x = r.x + secToX(f.time, g.barSec[i]!);
        ctx.fillRect(x, r.y + 8, 1, r.h - 8);
        ctx.fillText(String(g.barNumber[i]), x + 3, r.y + 11);
      }
    } else {
      const step = niceStep(f.time.secPerPx, 60);
      for (let s = Math.ceil(t0 / step) * step; s <= t1; s += step) {
        const x = r.x + secToX(f.time, s);
        ctx.fillRect(x, r.y + 8, 1, r.h - 8);
        ctx.fillText(`${+s.toFixed(3)}s`, x + 3, r.y + 11);
      }
    }
  });
}

function laneBackground(ctx: CanvasRenderingContext2D, r: Rect, _name: string, theme: Theme): void {
  ctx.fillStyle = theme.blackRow;
  ctx.fillRect(r.x, r.y, r.w, r.h);
}

function drawVelocity(ctx: CanvasRenderingContext2D, f: FrameInput, p: PreparedTake, idx: Int32Array | null, color: string, alpha: number): void {
  const r = f.layout.velocity;
  const { onsetSec, velocity } = p.take.notes;
  ctx.fillStyle = color;
  ctx.globalAlpha = alpha;
  ctx.beginPath();
  const n = idx ? idx.length : onsetSec.length;
  if (idx && n > MERGE_ABOVE) {
    // Zoomed out: the loudest note per pixel column is what a stem there can show.
    const W = Math.max(1, Math.ceil(r.w));
    const top = new Float32Array(W);
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      const x = Math.floor(secToX(f.time, onsetSec[i]!));
      if (x >= 0 && x < W && velocity[i]! > top[x]!) top[x] = velocity[i]!;
    }
    for (let x = 0; x < W; x++) {
      if (top[x]! <= 0) continue;
      const h = (top[x]! / 127) * (r.h - 2);
      ctx.rect(r.x + x, r.y + r.h - h, 1, h);
    }
  } else {
    for (let k = 0; k < n; k++) {
      const i = idx ? idx[k]! : k;
      const x = r.x + secToX(f.time, onsetSec[i]!);
      const h = (velocity[i]! / 127) * (r.h - 2);
      ctx.rect(x, r.y + r.h - h, 1.5, h);
      ctx.rect(x - 1.5, r.y + r.h - h - 1.5, 4, 3);
    }
  }
  ctx.fill();
  ctx.globalAlpha = 1;
}

function drawPedal(ctx: CanvasRenderingContext2D, f: FrameInput, p: PreparedTake, color: string, topFrac: number, hFrac: number): void {
  const r = f.layout.pedal;
  const { startSec, endSec } = p.take.pedal;
  const t0 = f.time.startSec;
  const t1 = xToSec(f.time, r.w);
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.75;
  ctx.beginPath();
  for (let i = 0; i < startSec.length; i++) {
    if (endSec[i]! < t0 || startSec[i]! > t1) continue;
    const x0 = r.x + secToX(f.time, startSec[i]!);
    const x1 = r.x + secToX(f.time, endSec[i]!);
    ctx.rect(x0, r.y + 2 + topFrac * (r.h - 4), Math.max(1, x1 - x0 - 1), hFrac * (r.h - 4) - (hFrac < 1 ? 1 : 0));
  }
  ctx.fill();
  ctx.globalAlpha = 1;
}

/** Tempo on a log axis (a ritardando to half speed looks the same at any tempo), shared by both takes. */
function drawTempo(ctx: CanvasRenderingContext2D, f: FrameInput, takes: ([PreparedTake, string] | null)[], theme: Theme): void {
  const r = f.layout.tempo;
  const shown = takes.filter((t): t is [PreparedTake, string] => t !== null);
  if (!shown.length || r.h < 8) return;
  let lo = Math.min(...shown.map(([p]) => p.minBpm));
  let hi = Math.max(...shown.map(([p]) => p.maxBpm));
  if (hi / lo < 1.2) {
    const mid = Math.sqrt(lo * hi);
    lo = mid / 1.1;
    hi = mid * 1.1;
  }
  const y = (bpm: number): number => r.y + r.h - 3 - ((Math.log(bpm) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (r.h - 6);
  const t0 = f.time.startSec;
  const t1 = xToSec(f.time, r.w);
  for (const [p, color] of shown) {
    const { sec, bpm } = p.take.tempo;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    const first = Math.max(0, lowerBound(sec, t0) - 1);
    let started = false;
    let lastPx = -Infinity;
    for (let i = first; i < sec.length; i++) {
      const x = r.x + secToX(f.time, Math.max(sec[i]!, t0 - f.time.secPerPx));
      // Zoomed out, many tempo changes share a pixel: keep the first of each pixel column only.
      if (x - lastPx < 1 && i + 1 < sec.length && sec[i]! <= t1) continue;
      lastPx = x;
      const yy = y(bpm[i]!);
      if (!started) ctx.moveTo(x, yy);
      else ctx.lineTo(x, yy);
      started = true;
      const next = i + 1 < sec.length ? sec[i + 1]! : Math.max(p.take.durationSec, sec[i]!);
      ctx.lineTo(r.x + secToX(f.time, Math.min(next, t1 + f.time.secPerPx)), yy);
      if (sec[i]! > t1) break;
    }
    ctx.stroke();
  }
  ctx.fillStyle = theme.muted;
  ctx.fillText(`${Math.round(hi)}`, r.x + 2, r.y + 10);
  ctx.fillText(`${Math.round(lo)}`, r.x + 2, r.y + r.h - 2);
}

function drawLaneLabels(ctx: CanvasRenderingContext2D, f: FrameInput, theme: Theme): void {
  const L = f.layout;
  ctx.fillStyle = theme.muted;
  const label = (r: Rect, text: string): void => {
    if (r.h >= 10) ctx.fillText(text, 4, r.y + Math.min(r.h - 2, 12), L.gutter.w - 6);
  };
  label(L.velocity, 'Velocity');
  label(L.pedal, 'Pedal');
  label(L.tempo, 'Tempo ♩/min');
}

function drawPlayhead(ctx: CanvasRenderingContext2D, f: FrameInput, theme: Theme): void {
  if (f.playheadSec === null) return;
  const x = f.layout.roll.x + secToX(f.time, f.playheadSec);
  if (x < f.layout.roll.x || x > f.layout.roll.x + f.layout.roll.w) return;
  ctx.fillStyle = theme.playhead;
  ctx.fillRect(Math.round(x), 0, 1.5, f.heightPx);
}
