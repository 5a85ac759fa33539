// The five observed style descriptors of a performance, computed from its expression.

import type { Expression } from './expression';

export const STYLE_NAMES = ['rubato', 'dynamics', 'articulation', 'pedal', 'tempo'] as const;
export type StyleName = (typeof STYLE_NAMES)[number];
export type Style = Record<StyleName, number>;

/**
 * What each descriptor means (all observable from a performance, none sampled):
 * - rubato: standard deviation of the local tempo (log IOI ratio) over groups;
 * - dynamics: standard deviation of velocity over notes;
 * - articulation: median log(performed / notated duration at local tempo);
 * - pedal: fraction of notes struck with the sustain pedal down (CC64 >= 64);
 * - tempo: log of the overall performed / notated duration (negative = faster than notated).
 */
export const STYLE_DOC: Record<StyleName, string> = {
  rubato: 'std of local tempo, log IOI ratio (0 = metronomic, 0.15 typical, 0.3 very free)',
  dynamics: 'std of velocity (0 = flat, 12 typical, 20 very contrasted)',
  articulation: 'median log(performed / notated duration) (-0.7 detached, -0.1 legato, >0 overlapping)',
  pedal: 'fraction of notes under the sustain pedal, 0..1',
  tempo: 'log(performed / notated tempo ratio): 0 = as notated, -0.1 ≈ 10% faster, 0.1 ≈ 10% slower',
};

/** A middle-of-the-road performance; the CLI's defaults when `--style` leaves a key out. */
export const DEFAULT_STYLE: Style = { rubato: 0.12, dynamics: 12, articulation: -0.15, pedal: 0.5, tempo: 0 };

export function styleOf(e: Expression): Style {
  const finite = (xs: Float64Array): number[] => [...xs].filter(Number.isFinite);
  const tempo = finite(e.tempo);
  const vel = finite(e.velocity);
  const pedal = finite(e.pedalOnset);
  return {
    rubato: std(tempo),
    dynamics: std(vel),
    articulation: median(finite(e.articulation)),
    pedal: pedal.length ? pedal.filter((p) => p >= 64 / 127).length / pedal.length : 0,
    tempo: e.initTempo,
  };
}

/** Parses `key=value,…` (unknown keys and bad numbers are errors that name the key). */
export function parseStyle(text: string, base: Style = DEFAULT_STYLE): Style {
  const out: Style = { ...base };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new Error(`style: expected key=value, got "${part}"`);
    const key = m[1]!;
    if (!(STYLE_NAMES as readonly string[]).includes(key)) {
      throw new Error(`style: unknown key "${key}" (known: ${STYLE_NAMES.join(', ')})`);
    }
    const v = Number(m[2]);
    if (!Number.isFinite(v)) throw new Error(`style: "${key}" needs a number, got "${m[2]}"`);
    out[key as StyleName] = v;
  }
  return out;
}

function std(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
