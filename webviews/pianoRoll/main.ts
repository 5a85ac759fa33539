// The piano-roll webview: receives the view model from the host, draws it on a canvas, turns input
// into view changes and intents (humanize, save), and plays a take. Talks only to its host.

import './style.css';
import { checkHostToView, type HostToView, type PianoRollViewModel, type RollMark, type ViewToHost } from '../../server/protocol/webview/pianoRoll';
import type { PreviewMark, PreviewStyle } from '../../server/protocol/preview';
import { buildControls } from './controls';
import { noteAt } from './hitTest';
import { layoutFor, regionAt, type Layout } from './layout';
import { Player } from './player';
import { bankFromConfig } from './sf2Synth';
import { prepareTake, type PreparedTake } from './prepared';
import { drawFrame, type AbMode, type FrameStats } from './render';
import { clampPitch, clampTime, fitPitch, fitTime, follow, panPitch, panTime, pitchName, xToSec, yToPitch, zoomPitch, zoomTime, type PitchView, type TimeView } from './scale';
import { readTheme, type Theme } from './theme';
import { debounce, restoreState, Sequencer, type SavedState } from './viewState';
import { vscodeApi } from '../shared/vscodeApi';

const vscode = vscodeApi();
const post = (m: ViewToHost): void => vscode.postMessage(m);

let model: PianoRollViewModel | null = null;
let a: PreparedTake | null = null;
let b: PreparedTake | null = null;
let marks: RollMark[] = [];
/** The normalizer's edits behind the shown B take (normalize first), on both time axes. */
let takeMarks: PreviewMark[] = [];
let saved: SavedState = restoreState(vscode.getState());
let time: TimeView = saved.time ?? { startSec: 0, secPerPx: 0.02 };
let pitch: PitchView = saved.pitch ?? { low: 36, rows: 48 };
let theme: Theme = readTheme();
let hover: { take: 'A' | 'B'; i: number } | null = null;
let naive = false;
/** True until the user zooms or pans: the first humanized take (often longer than the score) refits the view. */
let autoFit = false;
let lastFrame: FrameStats & { ms: number } = { visited: 0, ms: 0 };
const seq = new Sequencer();

const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const controls = buildControls(app, {
  playPause: () => togglePlay(),
  setMode: (m) => setMode(m),
  setPlayTake: (t) => {
    saved.playTake = t;
    player.setTake(playTakeData());
    persist();
  },
  fit: () => fitAll(),
  zoom: (f) => zoomAt(f, size().w / 2),
  save: () => post({ kind: 'save', ...controls.readSettings() }),
  settingsChanged: () => {
    const s = controls.readSettings();
    saved = { ...saved, style: s.style, strength: s.strength, method: s.method, normalize: s.normalize };
    persist();
    requestHumanize();
  },
  resetSettings: () => {
    if (!model) return;
    const { normalize: _dropped, ...rest } = saved;
    saved = { ...rest, style: null, strength: null, method: 'auto' };
    controls.setSliders(model.sliders, model.defaultStyle, model.defaultStrength, 'auto', model.modelAvailable, normalizeToggle(model, undefined));
    persist();
    requestHumanizeNow();
  },
});
const canvas = document.createElement('canvas');
canvas.tabIndex = 0;
canvas.setAttribute('role', 'img');
canvas.setAttribute('aria-label', 'Piano roll. Arrows pan, plus and minus zoom, F fits, Space plays, 1 2 3 choose A, B or both.');
controls.canvasHost.append(canvas);
const ctx = canvas.getContext('2d', { alpha: false })!;

// The SoundFont piano the host names; if it fails the synthesized voice plays and the status line says why.
const bank = bankFromConfig(app);
let soundFontProblem: string | null = null;
bank?.catch((err: unknown) => {
  soundFontProblem = `SoundFont piano unavailable (${err instanceof Error ? err.message : String(err)}): playing the synthesized piano`;
  controls.setInfo(soundFontProblem);
  post({ kind: 'error', message: `piano roll: ${soundFontProblem}` });
});
const player = new Player(() => {
  controls.setPlaying(false);
  invalidate();
}, bank);

// ---- frames: any change calls invalidate(); at most one draw per animation frame

let frameRequested = false;
function invalidate(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    draw();
    if (player.playing) {
      time = follow(time, player.positionSec(), layout().roll.w);
      invalidate();
    }
  });
}

function size(): { w: number; h: number } {
  return { w: canvas.clientWidth, h: canvas.clientHeight };
}
function layout(): Layout {
  const s = size();
  return layoutFor(s.w, s.h);
}

function draw(): FrameStats & { ms: number } {
  const t0 = performance.now();
  const dpr = window.devicePixelRatio || 1;
  const { w, h } = size();
  const pw = Math.max(1, Math.round(w * dpr));
  const ph = Math.max(1, Math.round(h * dpr));
  if (canvas.width !== pw || canvas.height !== ph) {
    canvas.width = pw;
    canvas.height = ph;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const L = layoutFor(w, h);
  time = clampTime(time, L.roll.w, duration());
  const stats = drawFrame(ctx, { layout: L, widthPx: w, heightPx: h, time, pitch, a, b, mode: effectiveMode(), marks: drawnMarks(), playheadSec: player.playing || player.positionSec() > 0 ? player.positionSec() : null, hover, naive }, theme);
  lastFrame = { ...stats, ms: performance.now() - t0 };
  persistSoon();
  return lastFrame;
}

/** The host's marks, plus the normalizer's edits on the axis the grid follows (B's own axis when B is shown alone). */
function drawnMarks(): RollMark[] {
  if (takeMarks.length === 0 || !b) return marks;
  const onB = effectiveMode() === 'B';
  return [...marks, ...takeMarks.map((m) => (onB ? { ...m, startSec: m.takeStartSec, endSec: m.takeEndSec } : m))];
}

function normalizeToggle(v: PianoRollViewModel, restored: boolean | undefined): { on: boolean; available: boolean } {
  return { on: restored ?? v.defaultNormalize === true, available: v.normalizerAvailable === true };
}

const duration = (): number => Math.max(a?.take.durationSec ?? 0, b?.take.durationSec ?? 0, 1);
const effectiveMode = (): AbMode => (b ? saved.mode : 'A');

// ---- state

function persist(): void {
  // Before the first view model the axes are placeholders: saving them would stop the first fit.
  if (!model) return;
  saved = { ...saved, time, pitch };
  vscode.setState(saved);
}
const persistSoon = debounce(persist, 300);

// ---- view changes

function fitAll(): void {
  const L = layout();
  time = fitTime(duration(), L.roll.w);
  const lo = Math.min(a?.minPitch ?? 127, b?.minPitch ?? 127);
  const hi = Math.max(a?.maxPitch ?? 0, b?.maxPitch ?? 0);
  pitch = fitPitch(lo, hi);
  invalidate();
}

function zoomAt(factor: number, xInRoll: number): void {
  autoFit = false;
  time = clampTime(zoomTime(time, factor, xInRoll), layout().roll.w, duration());
  invalidate();
}

function setMode(m: AbMode): void {
  saved.mode = m;
  controls.setMode(effectiveMode(), b !== null);
  persist();
  invalidate();
}

function playTakeData(): PreparedTake['take'] | null {
  return saved.playTake === 'B' && b ? b.take : a?.take ?? null;
}

function togglePlay(): void {
  try {
    if (player.playing) player.pause();
    else {
      player.setTake(playTakeData());
      player.play();
      if (soundFontProblem) controls.setInfo(soundFontProblem);
    }
  } catch (err) {
    reportError(`playback: ${err instanceof Error ? err.message : String(err)}`);
  }
  controls.setPlaying(player.playing);
  invalidate();
}

// ---- humanize requests (debounced; answers older than the one shown are dropped)

function requestHumanizeNow(): void {
  if (!model) return;
  const s = controls.readSettings();
  post({ kind: 'humanize', seq: seq.next(), ...s });
  controls.setBusy(true);
}
const requestHumanize = debounce(requestHumanizeNow, 150);

function reportError(message: string): void {
  controls.setInfo(message);
  controls.status.classList.add('pr-error');
  post({ kind: 'error', message });
}

// ---- messages from the host

window.addEventListener('message', (e: MessageEvent) => {
  const problem = checkHostToView(e.data);
  if (problem) {
    post({ kind: 'error', message: `piano roll: ignored a message from the host: ${problem}` });
    return;
  }
  handle(e.data as HostToView);
});

function handle(m: HostToView): void {
  switch (m.kind) {
    case 'init': {
      model = m.view;
      a = prepareTake(m.view.score);
      b = null;
      marks = m.view.marks;
      controls.setTitle(m.view.fileName);
      const style: PreviewStyle = saved.style ?? m.view.defaultStyle;
      controls.setSliders(m.view.sliders, style, saved.strength ?? m.view.defaultStrength, saved.method, m.view.modelAvailable, normalizeToggle(m.view, saved.normalize));
      takeMarks = [];
      controls.setMode(effectiveMode(), false);
      controls.setPlayTake(saved.playTake);
      controls.setInfo(m.view.warnings.length ? `${m.view.warnings.length} warning(s): ${m.view.warnings[0]}` : `${m.view.score.notes.pitch.length} notes`);
      autoFit = !saved.time || !saved.pitch;
      if (autoFit || !saved.time || !saved.pitch) fitAll();
      else {
        time = saved.time;
        pitch = clampPitch(saved.pitch);
      }
      player.setTake(playTakeData());
      invalidate();
      requestHumanizeNow();
      return;
    }
    case 'humanized': {
      if (!seq.accept(m.seq)) {
        controls.setBusy(seq.busy);
        return;
      }
      b = prepareTake(m.take);
      takeMarks = m.marks ?? [];
      if (autoFit) {
        fitAll();
        autoFit = false;
      }
      controls.setBusy(seq.busy, `B: ${m.method}${m.provider ? ` (${m.provider})` : ''}`);
      controls.setMode(effectiveMode(), true);
      player.setTake(playTakeData());
      invalidate();
      return;
    }
    case 'error':
      if (m.seq !== null && !seq.accept(m.seq)) {
        controls.setBusy(seq.busy);
        return;
      }
      controls.setBusy(seq.busy, '');
      controls.setInfo(m.message);
      controls.status.classList.add('pr-error');
      return;
    case 'marks':
      marks = m.marks;
      invalidate();
      return;
    case 'settings': {
      // Undo, redo or revert in the editor: the document's settings, not a new edit, so no request back;
      // the host sends the take for them under our newest seq.
      if (!model) return;
      controls.setSliders(model.sliders, m.style, m.strength, m.method, model.modelAvailable, normalizeToggle(model, m.normalize === true));
      saved = { ...saved, style: m.style, strength: m.strength, method: m.method, normalize: m.normalize === true };
      persist();
      seq.rewind();
      controls.setBusy(true);
      return;
    }
    case 'saved':
      controls.status.classList.remove('pr-error');
      controls.setInfo(`Saved ${m.output}`);
      return;
    case 'command':
      switch (m.command) {
        case 'play':
          return togglePlay();
        case 'fit':
          return fitAll();
        case 'zoomIn':
          return zoomAt(1.5, layout().roll.w / 2);
        case 'zoomOut':
          return zoomAt(1 / 1.5, layout().roll.w / 2);
      }
  }
}

// ---- input

canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    autoFit = false;
    const L = layout();
    const rect = canvas.getBoundingClientRect();
    const x = e.clientX - rect.left - L.roll.x;
    const y = e.clientY - rect.top - L.roll.y;
    const px = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? L.roll.w : 1;
    const dx = e.deltaX * px;
    const dy = e.deltaY * px;
    if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
      time = panTime(time, e.shiftKey && dx === 0 ? dy : dx);
    } else if (e.altKey) {
      pitch = zoomPitch(pitch, Math.exp(-dy * 0.002), pitch.low + ((L.roll.h - y) / L.roll.h) * pitch.rows);
    } else {
      // Plain wheel and ctrl-wheel (trackpad pinch) zoom time about the pointer.
      time = zoomTime(time, Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.002)), Math.max(0, x));
    }
    time = clampTime(time, L.roll.w, duration());
    invalidate();
  },
  { passive: false },
);

let drag: { x: number; y: number; time: TimeView; pitch: PitchView; moved: boolean } | null = null;
canvas.addEventListener('pointerdown', (e) => {
  canvas.focus();
  canvas.setPointerCapture(e.pointerId);
  drag = { x: e.clientX, y: e.clientY, time, pitch, moved: false };
  canvas.classList.add('pr-dragging');
});
canvas.addEventListener('pointermove', (e) => {
  const L = layout();
  const rect = canvas.getBoundingClientRect();
  if (drag) {
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    autoFit = false;
    time = clampTime(panTime(drag.time, -dx), L.roll.w, duration());
    pitch = panPitch(drag.pitch, (dy / Math.max(1, L.roll.h)) * drag.pitch.rows);
    invalidate();
    return;
  }
  updateHover(e.clientX - rect.left, e.clientY - rect.top, L);
});
canvas.addEventListener('pointerup', (e) => {
  const L = layout();
  const rect = canvas.getBoundingClientRect();
  const x = e.clientX - rect.left;
  const y = e.clientY - rect.top;
  const clicked = drag && !drag.moved;
  drag = null;
  canvas.classList.remove('pr-dragging');
  // A click on the ruler or a lane seeks the playhead.
  if (clicked && regionAt(L, x, y) !== 'roll' && regionAt(L, x, y) !== 'gutter') {
    player.seek(Math.max(0, xToSec(time, x - L.roll.x)));
    invalidate();
  }
});
canvas.addEventListener('pointerleave', () => {
  if (hover) {
    hover = null;
    invalidate();
  }
});

function updateHover(x: number, y: number, L: Layout): void {
  let next: typeof hover = null;
  if (regionAt(L, x, y) === 'roll') {
    const rx = x - L.roll.x;
    const ry = y - L.roll.y;
    const mode = effectiveMode();
    // The humanized take is drawn on top, so it is tested first.
    const ib = b && mode !== 'A' ? noteAt(b.take.notes, b.index, time, pitch, L.roll.h, rx, ry) : -1;
    const ia = ib < 0 && a && mode !== 'B' ? noteAt(a.take.notes, a.index, time, pitch, L.roll.h, rx, ry) : -1;
    if (ib >= 0) next = { take: 'B', i: ib };
    else if (ia >= 0) next = { take: 'A', i: ia };
    const key = yToPitch(pitch, ry, L.roll.h);
    controls.status.classList.remove('pr-error');
    controls.setInfo(next ? describe(next) : `${xToSec(time, rx).toFixed(2)} s · ${pitchName(key)}`);
  }
  if (next?.take !== hover?.take || next?.i !== hover?.i) {
    hover = next;
    invalidate();
  }
}

function describe(h: { take: 'A' | 'B'; i: number }): string {
  const n = (h.take === 'A' ? a : b)!.take.notes;
  const conf = n.confidence ? ` · confidence ${(n.confidence[h.i]! * 100).toFixed(0)}%` : '';
  return `${h.take === 'A' ? 'A original' : 'B humanized'} · ${pitchName(n.pitch[h.i]!)} · ${n.onsetSec[h.i]!.toFixed(3)}–${n.offsetSec[h.i]!.toFixed(3)} s · velocity ${Math.round(n.velocity[h.i]!)}${conf}`;
}

window.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || (t.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')))) return;
  const L = layout();
  const step = L.roll.w * 0.1;
  let handled = true;
  switch (e.key) {
    case ' ':
      togglePlay();
      break;
    case '+':
    case '=':
      zoomAt(1.5, L.roll.w / 2);
      break;
    case '-':
    case '_':
      zoomAt(1 / 1.5, L.roll.w / 2);
      break;
    case 'ArrowLeft':
      time = panTime(time, -step * (e.shiftKey ? 5 : 1));
      break;
    case 'ArrowRight':
      time = panTime(time, step * (e.shiftKey ? 5 : 1));
      break;
    case 'ArrowUp':
      pitch = e.ctrlKey || e.metaKey ? zoomPitch(pitch, 1.25, pitch.low + pitch.rows / 2) : panPitch(pitch, e.shiftKey ? 12 : 2);
      break;
    case 'ArrowDown':
      pitch = e.ctrlKey || e.metaKey ? zoomPitch(pitch, 0.8, pitch.low + pitch.rows / 2) : panPitch(pitch, e.shiftKey ? -12 : -2);
      break;
    case 'f':
    case 'F':
    case '0':
      fitAll();
      break;
    case 'Home':
      player.seek(0);
      time = { ...time, startSec: -time.secPerPx * 10 };
      break;
    case 'End':
      time = { ...time, startSec: duration() - L.roll.w * time.secPerPx * 0.9 };
      break;
    case '1':
      setMode('A');
      break;
    case '2':
      setMode('B');
      break;
    case '3':
      setMode('AB');
      break;
    default:
      handled = false;
  }
  if (handled) {
    autoFit = false;
    e.preventDefault();
    invalidate();
  }
});

new ResizeObserver(() => invalidate()).observe(controls.canvasHost);
// VS Code swaps the body's theme class when the user changes theme.
new MutationObserver(() => {
  theme = readTheme();
  invalidate();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

/**
 * Test and benchmark hook (headless Chromium): read-only state plus the same view changes the
 * keyboard makes, and a synchronous draw that reports its time. Not used by the editor itself.
 */
(window as unknown as { rubatoPianoRoll: unknown }).rubatoPianoRoll = {
  state: () => ({ time: { ...time }, pitch: { ...pitch }, mode: effectiveMode(), notesA: a?.take.notes.pitch.length ?? 0, notesB: b?.take.notes.pitch.length ?? 0, busy: seq.busy, lastFrame }),
  zoom: (factor: number, x: number) => zoomAt(factor, x),
  pan: (dxPx: number) => {
    time = clampTime(panTime(time, dxPx), layout().roll.w, duration());
    invalidate();
  },
  fit: () => fitAll(),
  audio: () => ({ instrument: player.instrument, playing: player.playing, stats: player.stats() }),
  drawNow: (useNaive = false) => {
    naive = useNaive;
    const r = draw();
    naive = false;
    return r;
  },
};

post({ kind: 'ready' });
