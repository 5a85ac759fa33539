// The DOM around the canvas: toolbar (play, A/B, fit, zoom, save), the legend, the style and strength
// sliders, the busy indicator and the hover/status line. Built from code (the host gives only #app).

import type { PreviewMethod, PreviewStyle, PreviewStyleName, StyleSliderSpec } from '../../server/protocol/preview';
import type { AbMode } from './render';

export interface ControlEvents {
  playPause(): void;
  setMode(m: AbMode): void;
  setPlayTake(t: 'A' | 'B'): void;
  fit(): void;
  zoom(factor: number): void;
  save(): void;
  settingsChanged(): void;
  resetSettings(): void;
}

export interface Controls {
  root: HTMLElement;
  canvasHost: HTMLElement;
  status: HTMLElement;
  /** `normalize`: the "Normalize first" toggle (disabled when no normalizer is installed). */
  setSliders(specs: StyleSliderSpec[], style: PreviewStyle, strength: number, method: PreviewMethod, modelAvailable: boolean, normalize?: { on: boolean; available: boolean }): void;
  readSettings(): { style: PreviewStyle; strength: number; method: PreviewMethod; normalize: boolean };
  setBusy(busy: boolean, text?: string): void;
  setMode(m: AbMode, hasB: boolean): void;
  setPlaying(playing: boolean): void;
  setPlayTake(t: 'A' | 'B'): void;
  setInfo(text: string): void;
  setTitle(text: string): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', title, 'aria-label': title }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function buildControls(app: HTMLElement, ev: ControlEvents): Controls {
  app.textContent = '';
  const root = el('div', { class: 'pr-root' });
  const bar = el('div', { class: 'pr-toolbar', role: 'toolbar', 'aria-label': 'Piano roll' });
  const title = el('span', { class: 'pr-title' });
  const play = button('▶ Play', 'Play / pause (Space)', () => ev.playPause());
  const playTake = el('select', { title: 'Which take plays', 'aria-label': 'Which take plays' });
  playTake.append(el('option', { value: 'A' }, 'Play A (original)'), el('option', { value: 'B' }, 'Play B (humanized)'));
  playTake.addEventListener('change', () => ev.setPlayTake(playTake.value === 'A' ? 'A' : 'B'));
  const modes = el('div', { class: 'pr-seg', role: 'radiogroup', 'aria-label': 'Show original, humanized or both' });
  const modeButtons = new Map<AbMode, HTMLButtonElement>();
  for (const [m, label, key] of [['A', 'A', '1'], ['B', 'B', '2'], ['AB', 'A+B', '3']] as const) {
    const b = button(label, `Show ${m === 'A' ? 'original' : m === 'B' ? 'humanized' : 'both'} (${key})`, () => ev.setMode(m));
    b.setAttribute('role', 'radio');
    modeButtons.set(m, b);
    modes.append(b);
  }
  const fit = button('Fit', 'Fit the piece (F)', () => ev.fit());
  const zin = button('+', 'Zoom in (+)', () => ev.zoom(1.5));
  const zout = button('−', 'Zoom out (−)', () => ev.zoom(1 / 1.5));
  const busy = el('span', { class: 'pr-busy', role: 'status', 'aria-live': 'polite' });
  const legend = el('span', { class: 'pr-legend' });
  legend.innerHTML =
    '<span class="pr-sw pr-a"></span>A original <span class="pr-sw pr-b"></span>B humanized <span class="pr-grad" title="Humanized notes are more opaque where the model is more confident"></span>confidence';
  const save = button('Save humanized…', 'Write <name>.humanized.mid beside the original', () => ev.save());
  bar.append(title, play, playTake, modes, fit, zout, zin, busy, legend, save);

  const body = el('div', { class: 'pr-body' });
  const canvasHost = el('div', { class: 'pr-canvas' });
  const side = el('div', { class: 'pr-side', role: 'group', 'aria-label': 'Humanize settings' });
  body.append(canvasHost, side);
  const status = el('div', { class: 'pr-status', 'aria-live': 'off' });
  root.append(bar, body, status);
  app.append(root);

  const inputs = new Map<string, HTMLInputElement>();
  let method: HTMLSelectElement | null = null;
  let normalizeBox: HTMLInputElement | null = null;

  return {
    root,
    canvasHost,
    status,
    setSliders(specs, style, strength, m, modelAvailable, normalize) {
      side.textContent = '';
      inputs.clear();
      const row = (name: string, label: string, min: number, max: number, step: number, value: number, doc: string): void => {
        const id = `pr-${name}`;
        const wrap = el('div', { class: 'pr-slider' });
        const lab = el('label', { for: id, title: doc }, label);
        const out = el('output', { for: id });
        const input = el('input', { id, type: 'range', min: String(min), max: String(max), step: String(step), title: doc, 'aria-label': `${label}: ${doc}` });
        input.value = String(value);
        out.textContent = fmt(value);
        input.addEventListener('input', () => {
          out.textContent = fmt(Number(input.value));
          ev.settingsChanged();
        });
        wrap.append(lab, input, out);
        side.append(wrap);
        inputs.set(name, input);
      };
      row('strength', 'Strength', 0, 1, 0.01, strength, '0 = the score as written, 1 = the full humanized expression');
      for (const s of specs) row(s.name, s.label, s.min, s.max, s.step, style[s.name], s.doc);
      const mwrap = el('div', { class: 'pr-slider' });
      method = el('select', { id: 'pr-method', 'aria-label': 'Humanizer' });
      method.append(el('option', { value: 'auto' }, modelAvailable ? 'Model (bundled)' : 'Rules (no model installed)'), el('option', { value: 'rules' }, 'Rules'));
      method.value = m === 'rules' ? 'rules' : 'auto';
      method.addEventListener('change', () => ev.settingsChanged());
      mwrap.append(el('label', { for: 'pr-method' }, 'Humanizer'), method);
      const nwrap = el('div', { class: 'pr-slider' });
      const ndoc = normalize?.available
        ? 'Clean quantization noise with the bundled normalizer before humanizing (the file is never changed); edited bars are marked'
        : 'No normalizer model is installed';
      normalizeBox = el('input', { id: 'pr-normalize', type: 'checkbox', title: ndoc, 'aria-label': `Normalize first: ${ndoc}` });
      normalizeBox.checked = normalize?.available === true && normalize.on;
      normalizeBox.disabled = normalize?.available !== true;
      normalizeBox.addEventListener('change', () => ev.settingsChanged());
      nwrap.append(el('label', { for: 'pr-normalize', title: ndoc }, 'Normalize first'), normalizeBox);
      side.append(mwrap, nwrap, button('Reset', 'Reset the sliders to the defaults', () => ev.resetSettings()));
    },
    readSettings() {
      const v = (k: string): number => Number(inputs.get(k)?.value ?? 0);
      const style = {} as Record<PreviewStyleName, number>;
      for (const k of ['rubato', 'dynamics', 'articulation', 'pedal', 'tempo'] as const) style[k] = v(k);
      return { style, strength: v('strength'), method: method?.value === 'rules' ? 'rules' : 'auto', normalize: normalizeBox !== null && !normalizeBox.disabled && normalizeBox.checked };
    },
    setBusy(isBusy, text) {
      busy.textContent = isBusy ? '⟳ humanizing…' : (text ?? '');
      busy.classList.toggle('pr-spin', isBusy);
      root.setAttribute('aria-busy', String(isBusy));
    },
    setMode(m, hasB) {
      for (const [k, b] of modeButtons) {
        b.setAttribute('aria-checked', String(k === m));
        b.classList.toggle('pr-on', k === m);
        b.disabled = k !== 'A' && !hasB;
      }
    },
    setPlaying(p) {
      play.textContent = p ? '❚❚ Pause' : '▶ Play';
    },
    setPlayTake(t) {
      playTake.value = t;
    },
    setInfo(text) {
      status.textContent = text;
    },
    setTitle(text) {
      title.textContent = text;
    },
  };
}

const fmt = (x: number): string => (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(Math.abs(x) >= 1 ? 2 : 3));
