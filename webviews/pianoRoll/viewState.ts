// What the piano roll remembers across reloads (vscode.setState), and the sequence numbers that keep a
// stale humanize answer from overwriting a newer one. Pure: unit-tested.

import { checkPreviewStyle, PREVIEW_METHODS, type PreviewMethod, type PreviewStyle } from '../../server/protocol/preview';
import type { AbMode } from './render';
import type { PitchView, TimeView } from './scale';

export interface SavedState {
  version: 1;
  time: TimeView | null;
  pitch: PitchView | null;
  mode: AbMode;
  playTake: 'A' | 'B';
  style: PreviewStyle | null;
  strength: number | null;
  method: PreviewMethod;
  /** "Normalize first" as the user left it; absent = the host's default. */
  normalize?: boolean;
}

export const INITIAL_STATE: SavedState = { version: 1, time: null, pitch: null, mode: 'AB', playTake: 'B', style: null, strength: null, method: 'auto' };

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Accepts what getState returned (any version, possibly garbage) field by field; bad fields fall back. */
export function restoreState(x: unknown): SavedState {
  const s = typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
  const t = s.time as Record<string, unknown> | null | undefined;
  const p = s.pitch as Record<string, unknown> | null | undefined;
  return {
    version: 1,
    time: t && finite(t.startSec) && finite(t.secPerPx) && t.secPerPx > 0 ? { startSec: t.startSec, secPerPx: t.secPerPx } : null,
    pitch: p && finite(p.low) && finite(p.rows) && p.rows > 0 ? { low: p.low, rows: p.rows } : null,
    mode: s.mode === 'A' || s.mode === 'B' || s.mode === 'AB' ? s.mode : INITIAL_STATE.mode,
    playTake: s.playTake === 'A' || s.playTake === 'B' ? s.playTake : INITIAL_STATE.playTake,
    style: checkPreviewStyle(s.style) === null ? (s.style as PreviewStyle) : null,
    strength: finite(s.strength) && s.strength >= 0 && s.strength <= 1 ? s.strength : null,
    method: PREVIEW_METHODS.includes(s.method as PreviewMethod) ? (s.method as PreviewMethod) : 'auto',
    ...(typeof s.normalize === 'boolean' ? { normalize: s.normalize } : {}),
  };
}

/**
 * Humanize requests are numbered; an answer is applied only when it is newer than the one on screen,
 * and the view is busy while the newest request is unanswered.
 */
export class Sequencer {
  private sent = 0;
  private shown = 0;
  private answered = 0;

  next(): number {
    return ++this.sent;
  }

  /** Whether an answer (result or error) with this seq should be shown. Marks it answered either way. */
  accept(seq: number): boolean {
    if (seq > this.sent) return false; // never asked: not ours
    this.answered = Math.max(this.answered, seq);
    if (seq <= this.shown) return false;
    this.shown = seq;
    return true;
  }

  /**
   * The host set the controls (undo, redo, revert) and pushes the take for them under the newest seq
   * the view sent: let that seq be shown once more. Older answers stay dropped.
   */
  rewind(): void {
    this.shown = Math.min(this.shown, this.sent - 1);
    this.answered = Math.min(this.answered, this.sent - 1);
  }

  get busy(): boolean {
    return this.answered < this.sent;
  }

  get latest(): number {
    return this.sent;
  }
}

/** Calls `fn` once `ms` after the last call (sliders dragged continuously ask the server once they rest). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return (...args: A) => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, ms);
  };
}
