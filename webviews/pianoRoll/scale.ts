// The piano roll's two axes as plain data with pure functions: time (seconds ↔ CSS pixels, zoom about
// an anchor, pan, fit, clamped to the piece) and pitch (MIDI key ↔ rows). No DOM here (unit-tested).

export interface TimeView {
  /** Seconds at the left edge of the plot. */
  startSec: number;
  /** Seconds per CSS pixel (zoom: smaller = closer). */
  secPerPx: number;
}

/** Zoom limits: 0.2 ms per pixel (a single note fills the screen) to a 3-hour piece on a small screen. */
export const MIN_SEC_PER_PX = 0.0002;
export const MAX_SEC_PER_PX = 20;

export const secToX = (v: TimeView, sec: number): number => (sec - v.startSec) / v.secPerPx;
export const xToSec = (v: TimeView, x: number): number => v.startSec + x * v.secPerPx;
export const endSecOf = (v: TimeView, widthPx: number): number => v.startSec + widthPx * v.secPerPx;

/** Keeps the view within the piece (with a small margin) and the zoom within limits. */
export function clampTime(v: TimeView, widthPx: number, durationSec: number): TimeView {
  const secPerPx = Math.min(MAX_SEC_PER_PX, Math.max(MIN_SEC_PER_PX, v.secPerPx));
  const span = widthPx * secPerPx;
  const margin = span * 0.25;
  const lo = -margin;
  const hi = Math.max(lo, durationSec + margin - span);
  const startSec = Math.min(hi, Math.max(lo, v.startSec));
  return { startSec: Number.isFinite(startSec) ? startSec : 0, secPerPx };
}

/** Zoom by `factor` (>1 zooms in) keeping the time under `anchorX` fixed. */
export function zoomTime(v: TimeView, factor: number, anchorX: number): TimeView {
  const at = xToSec(v, anchorX);
  const secPerPx = Math.min(MAX_SEC_PER_PX, Math.max(MIN_SEC_PER_PX, v.secPerPx / factor));
  return { startSec: at - anchorX * secPerPx, secPerPx };
}

export function panTime(v: TimeView, dxPx: number): TimeView {
  return { startSec: v.startSec + dxPx * v.secPerPx, secPerPx: v.secPerPx };
}

/** The whole piece in the width, with a 2% margin either side. */
export function fitTime(durationSec: number, widthPx: number): TimeView {
  const d = durationSec > 0 ? durationSec : 1;
  const w = Math.max(1, widthPx);
  const secPerPx = Math.min(MAX_SEC_PER_PX, Math.max(MIN_SEC_PER_PX, (d * 1.04) / w));
  return { startSec: -d * 0.02, secPerPx };
}

/** Brings `sec` into view (page-wise, as a playhead that reaches the right edge turns the page). */
export function follow(v: TimeView, sec: number, widthPx: number): TimeView {
  const end = endSecOf(v, widthPx);
  if (sec >= v.startSec && sec <= end - widthPx * v.secPerPx * 0.05) return v;
  return { startSec: sec - widthPx * v.secPerPx * 0.1, secPerPx: v.secPerPx };
}

// ---- pitch axis: rows of one semitone, `low` at the bottom

export interface PitchView {
  /** Lowest visible pitch (fractional: scrolled half a row is allowed). */
  low: number;
  /** Number of semitone rows visible. */
  rows: number;
}

export const MIN_ROWS = 12;
export const MAX_ROWS = 128;

export const rowHeight = (p: PitchView, heightPx: number): number => heightPx / p.rows;
/** Top y of the row of `pitch`. */
export const pitchToY = (p: PitchView, pitch: number, heightPx: number): number => heightPx - (pitch + 1 - p.low) * rowHeight(p, heightPx);
export const yToPitch = (p: PitchView, y: number, heightPx: number): number => Math.floor(p.low + (heightPx - y) / rowHeight(p, heightPx));

export function clampPitch(p: PitchView): PitchView {
  const rows = Math.min(MAX_ROWS, Math.max(MIN_ROWS, p.rows));
  const low = Math.min(128 - rows, Math.max(0, p.low));
  return { low, rows };
}

/** The notes' pitch range with two rows of air, at least an octave. */
export function fitPitch(minPitch: number, maxPitch: number): PitchView {
  if (!(minPitch <= maxPitch)) return { low: 48, rows: 24 };
  const rows = Math.max(MIN_ROWS, maxPitch - minPitch + 1 + 4);
  const mid = (minPitch + maxPitch + 1) / 2;
  return clampPitch({ low: mid - rows / 2, rows });
}

export function zoomPitch(p: PitchView, factor: number, anchorPitch: number): PitchView {
  const rows = Math.min(MAX_ROWS, Math.max(MIN_ROWS, p.rows / factor));
  const frac = (anchorPitch - p.low) / p.rows;
  return clampPitch({ low: anchorPitch - frac * rows, rows });
}

export const panPitch = (p: PitchView, semitones: number): PitchView => clampPitch({ low: p.low + semitones, rows: p.rows });

/** Is the key black? (for the keyboard gutter and row shading) */
export const isBlackKey = (pitch: number): boolean => [1, 3, 6, 8, 10].includes(((pitch % 12) + 12) % 12);

export function pitchName(pitch: number): string {
  const names = ['C', 'C♯', 'D', 'D♯', 'E', 'F', 'F♯', 'G', 'G♯', 'A', 'A♯', 'B'];
  return `${names[((pitch % 12) + 12) % 12]}${Math.floor(pitch / 12) - 1}`;
}

/** A "nice" grid step for a time ruler: 1, 2, 5 × 10^k seconds, at least `minPx` apart. */
export function niceStep(secPerPx: number, minPx: number): number {
  const raw = secPerPx * minPx;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}
