// Messages between the piano-roll webview (webviews/pianoRoll) and its host, the custom editor
// `rubato.pianoRoll` in client/. Both sides validate on receipt with the checkers below.
//
// Flow: the view sends {kind:'ready'}; the host answers {kind:'init'} with the full view model
// (the score take, slider specs, marks); the view then asks for a humanized take with
// {kind:'humanize', seq, …} whenever the sliders settle (debounced). The host relays it to
// `rubato/preview/humanize` and answers {kind:'humanized', seq, …} or {kind:'error', seq, …}. The view
// drops any answer whose seq is older than the newest it has drawn, so a slow stale answer never
// overwrites a newer one. Saving is an intent too: {kind:'save', …} → host (asks before replacing an
// existing file) → `rubato/preview/save` → {kind:'saved'} or {kind:'error'}.
// The host owns the settings as the document's undoable edits: on undo, redo, revert or a restored
// backup it sends {kind:'settings', …} (move the controls; no new `humanize` for it) and then the
// `humanized` answer for those settings itself.

import {
  checkNormalizeFlag,
  checkPreviewMarks,
  checkPreviewStyle,
  checkRollTake,
  checkStrength,
  checkStyleSliders,
  PREVIEW_METHODS,
  type PreviewMark,
  type PreviewMethod,
  type PreviewStyle,
  type RollTake,
  type StyleSliderSpec,
} from '../preview';
import { asRecord, isNonNegativeInt, isStringArray } from '../check';

/**
 * A labelled time range drawn over the roll (e.g. the normalizer's edits, issue 7: a bar range and
 * what was changed there). Seconds are on the score's (A) time axis.
 */
export interface RollMark {
  startSec: number;
  endSec: number;
  label: string;
  /** Free-form category for colouring (e.g. 'tempo', 'quantize'); optional. */
  kind?: string;
}

/** Everything the view needs to draw, pushed once after `ready` (and again when the file changes). */
export interface PianoRollViewModel {
  fileName: string;
  /** The original (A). */
  score: RollTake;
  /** Default slider values (used unless the view restored its own from setState). */
  defaultStyle: PreviewStyle;
  defaultStrength: number;
  sliders: StyleSliderSpec[];
  modelAvailable: boolean;
  /** "Normalize first" (issue 7) as the view starts; absent = off. */
  defaultNormalize?: boolean;
  /** Whether the bundled normalizer is installed (the toggle is disabled without it); absent = no. */
  normalizerAvailable?: boolean;
  marks: RollMark[];
  warnings: string[];
}

export type HostToView =
  | { kind: 'init'; view: PianoRollViewModel }
  /** `marks`: the normalizer's edits when the take was normalized first (drawn with the host's marks). */
  | { kind: 'humanized'; seq: number; take: RollTake; method: 'model' | 'rules'; provider: string | null; warnings: string[]; marks?: PreviewMark[] }
  /** Set the controls to exactly these settings (undo/redo/revert): not a user edit, so no `humanize` back. */
  | { kind: 'settings'; style: PreviewStyle; strength: number; method: PreviewMethod; normalize?: boolean }
  | { kind: 'error'; seq: number | null; message: string }
  | { kind: 'marks'; marks: RollMark[] }
  | { kind: 'saved'; output: string }
  /** Keyboard or menu command routed from VS Code (e.g. a keybinding while the editor is focused). */
  | { kind: 'command'; command: PianoRollCommand };

export type PianoRollCommand = 'play' | 'fit' | 'zoomIn' | 'zoomOut';
export const PIANO_ROLL_COMMANDS: readonly PianoRollCommand[] = ['play', 'fit', 'zoomIn', 'zoomOut'];

export type ViewToHost =
  | { kind: 'ready' }
  | { kind: 'humanize'; seq: number; style: PreviewStyle; strength: number; method: PreviewMethod; normalize?: boolean }
  | { kind: 'save'; style: PreviewStyle; strength: number; method: PreviewMethod; normalize?: boolean }
  /** Something went wrong inside the view (shown in the server log by the host). */
  | { kind: 'error'; message: string };

// ---- validators

export function checkMarks(x: unknown): string | null {
  if (!Array.isArray(x)) return 'marks must be an array';
  for (const [i, m0] of x.entries()) {
    const m = asRecord(m0);
    if (!m) return `marks[${i}] must be an object`;
    if (typeof m.startSec !== 'number' || typeof m.endSec !== 'number' || !Number.isFinite(m.startSec) || !Number.isFinite(m.endSec) || m.endSec < m.startSec) {
      return `marks[${i}] needs finite startSec <= endSec`;
    }
    if (typeof m.label !== 'string') return `marks[${i}].label must be a string`;
    if (m.kind !== undefined && typeof m.kind !== 'string') return `marks[${i}].kind must be a string`;
  }
  return null;
}

function checkViewModel(x: unknown): string | null {
  const v = asRecord(x);
  if (!v) return 'view must be an object';
  if (typeof v.fileName !== 'string') return 'view.fileName must be a string';
  return (
    checkRollTake(v.score, 'view.score') ??
    checkPreviewStyle(v.defaultStyle, 'view.defaultStyle') ??
    checkStrength(v.defaultStrength) ??
    checkStyleSliders(v.sliders) ??
    (typeof v.modelAvailable === 'boolean' ? null : 'view.modelAvailable must be a boolean') ??
    (v.defaultNormalize === undefined || typeof v.defaultNormalize === 'boolean' ? null : 'view.defaultNormalize must be a boolean') ??
    (v.normalizerAvailable === undefined || typeof v.normalizerAvailable === 'boolean' ? null : 'view.normalizerAvailable must be a boolean') ??
    checkMarks(v.marks) ??
    (isStringArray(v.warnings) ? null : 'view.warnings must be an array of strings')
  );
}

/** Validates a message from the host; returns the first problem or null. */
export function checkHostToView(x: unknown): string | null {
  const m = asRecord(x);
  if (!m) return 'message must be an object';
  const kind = m.kind as HostToView['kind'];
  switch (kind) {
    case 'init':
      return checkViewModel(m.view);
    case 'humanized':
      if (!isNonNegativeInt(m.seq)) return 'humanized.seq must be a non-negative integer';
      if (m.method !== 'model' && m.method !== 'rules') return 'humanized.method must be "model" or "rules"';
      if (m.provider !== null && typeof m.provider !== 'string') return 'humanized.provider must be a string or null';
      if (!isStringArray(m.warnings)) return 'humanized.warnings must be an array of strings';
      if (m.marks !== undefined) {
        const bad = checkPreviewMarks(m.marks, 'humanized.marks');
        if (bad) return bad;
      }
      return checkRollTake(m.take, 'humanized.take');
    case 'settings':
      return checkSettings(m);
    case 'error':
      if (m.seq !== null && !isNonNegativeInt(m.seq)) return 'error.seq must be a non-negative integer or null';
      return typeof m.message === 'string' ? null : 'error.message must be a string';
    case 'marks':
      return checkMarks(m.marks);
    case 'saved':
      return typeof m.output === 'string' && m.output !== '' ? null : 'saved.output must be a non-empty string';
    case 'command':
      return PIANO_ROLL_COMMANDS.includes(m.command as PianoRollCommand) ? null : `command must be one of ${PIANO_ROLL_COMMANDS.join(', ')}`;
    default:
      return `unknown message kind ${JSON.stringify((m as { kind?: unknown }).kind)}`;
  }
}

/** Validates a message from the view; returns the first problem or null. */
export function checkViewToHost(x: unknown): string | null {
  const m = asRecord(x);
  if (!m) return 'message must be an object';
  const kind = m.kind as ViewToHost['kind'];
  switch (kind) {
    case 'ready':
      return null;
    case 'humanize':
      if (!isNonNegativeInt(m.seq)) return 'humanize.seq must be a non-negative integer';
      return checkSettings(m);
    case 'save':
      return checkSettings(m);
    case 'error':
      return typeof m.message === 'string' ? null : 'error.message must be a string';
    default:
      return `unknown message kind ${JSON.stringify((m as { kind?: unknown }).kind)}`;
  }
}

function checkSettings(m: Record<string, unknown>): string | null {
  return (
    checkPreviewStyle(m.style) ??
    checkStrength(m.strength) ??
    (PREVIEW_METHODS.includes(m.method as PreviewMethod) ? null : `method must be one of ${PREVIEW_METHODS.join(', ')}`) ??
    checkNormalizeFlag(m.normalize)
  );
}
