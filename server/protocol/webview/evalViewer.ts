// Messages between the eval-viewer webview (webviews/evalViewer) and its host in the client, which relays
// them to the server's eval-view requests (../evalView.ts). Both sides validate what they receive.
//
// Flow: the view posts {kind:'ready'}; the host calls `rubato/evalView/pieces` (split 'val' unless the view
// asks otherwise) and `rubato/evalView/models` (checkpointPaths from `rubato/runs/checkpoints`) and posts
// {kind:'pieces'} and {kind:'models'}. The view posts {kind:'listPieces', split} to change split and
// {kind:'compare', requestId, …} for a comparison; the host posts {kind:'computing', requestId}, calls
// `rubato/evalView/compare` with the same pieceId/performance/models/windows (adding its dataDir) under a
// cancellation token, and posts {kind:'result'} or {kind:'failed'} with that requestId. {kind:'cancel'}
// cancels the request's token; a newer compare makes older ones stale (the view ignores stale requestIds,
// and the host may cancel them). {kind:'preselect'} (e.g. "Evaluate" on a checkpoint) checks models.

import type { EvalComparison, EvalModelChoice, EvalModelRef, EvalPiecesResult, EvalSplitChoice } from '../evalView';
import { checkEvalModelRef, checkEvalSplitChoice, MAX_EVAL_MODELS, MAX_EVAL_WINDOW } from '../evalView';
import { asRecord, isFiniteOrNull, isNonNegativeInt, isStringArray } from '../check';

export type EvalViewerHostToView =
  | { kind: 'pieces'; listing: EvalPiecesResult }
  | { kind: 'models'; models: EvalModelChoice[] }
  | { kind: 'computing'; requestId: number }
  | { kind: 'result'; requestId: number; comparison: EvalComparison }
  /** A compare or listing that failed (requestId null: listing or models); `cancelled` when the user cancelled. */
  | { kind: 'failed'; requestId: number | null; message: string; cancelled: boolean }
  | { kind: 'preselect'; modelIds: string[] };

export type EvalViewerViewToHost =
  | { kind: 'ready' }
  | { kind: 'listPieces'; split: EvalSplitChoice }
  | { kind: 'compare'; requestId: number; pieceId: string; performance: string; models: EvalModelRef[]; windows: number[] }
  | { kind: 'cancel'; requestId: number };

export type HostToView = EvalViewerHostToView;
export type ViewToHost = EvalViewerViewToHost;

// ---- validators

function checkSeriesByWindow(x: unknown, length: number, what: string): string | null {
  const s = asRecord(x);
  if (!s) return `${what} must be an object of series by window`;
  for (const [w, arr] of Object.entries(s)) {
    if (!Array.isArray(arr) || arr.length !== length) return `${what}[${w}] must be an array of ${length} values`;
    if (!arr.every(isFiniteOrNull)) return `${what}[${w}] must hold numbers or null`;
  }
  return null;
}

function checkListing(x: unknown): string | null {
  const l = asRecord(x);
  if (!l) return 'listing must be an object';
  if (typeof l.dataDir !== 'string') return 'listing.dataDir must be a string';
  const badSplit = checkEvalSplitChoice(l.split);
  if (badSplit) return `listing.${badSplit}`;
  if (!Array.isArray(l.pieces)) return 'listing.pieces must be an array';
  for (let i = 0; i < l.pieces.length; i++) {
    const p = asRecord(l.pieces[i]);
    if (!p || typeof p.id !== 'string' || typeof p.composer !== 'string' || !isStringArray(p.performances) || !['train', 'val', 'test'].includes(p.split as string)) {
      return `listing.pieces[${i}] must have id, composer, split and performances`;
    }
  }
  if (!(l.notice === null || typeof l.notice === 'string')) return 'listing.notice must be a string or null';
  if (!isStringArray(l.errors)) return 'listing.errors must be an array of strings';
  return null;
}

function checkModelChoice(x: unknown, i: number): string | null {
  const m = asRecord(x);
  if (!m || typeof m.id !== 'string' || typeof m.label !== 'string' || typeof m.available !== 'boolean' || typeof m.reason !== 'string') {
    return `models[${i}] must have id, label, ref, available and reason`;
  }
  const bad = checkEvalModelRef(m.ref);
  return bad ? `models[${i}].ref: ${bad}` : null;
}

/** Checks the shape the charts and the table read; the numbers themselves are the server's. */
export function checkComparison(x: unknown): string | null {
  const c = asRecord(x);
  if (!c) return 'comparison must be an object';
  for (const k of ['dataDir', 'pieceId', 'performance', 'split'] as const) if (typeof c[k] !== 'string') return `comparison.${k} must be a string`;
  const n = c.scoreNotes;
  const g = c.groups;
  if (!isNonNegativeInt(n) || !isNonNegativeInt(g)) return 'comparison.scoreNotes and groups must be non-negative integers';
  if (!Array.isArray(c.windows) || !c.windows.every((w) => isNonNegativeInt(w) && w >= 1)) return 'comparison.windows must be positive integers';
  if (!isNonNegativeInt(c.expressionWindow)) return 'comparison.expressionWindow must be an integer';
  const a = asRecord(c.alignment);
  if (!a || (a.source !== 'match' && a.source !== 'beats') || typeof a.matchedPct !== 'number') return 'comparison.alignment must have source and matchedPct';
  const h = asRecord(c.human);
  if (!h) return 'comparison.human must be an object';
  const hb = checkSeriesByWindow(h.velocity, n, 'human.velocity') ?? checkSeriesByWindow(h.tempo, g, 'human.tempo');
  if (hb) return hb;
  if (!Array.isArray(c.models)) return 'comparison.models must be an array';
  for (let i = 0; i < c.models.length; i++) {
    const m = asRecord(c.models[i]);
    const at = `models[${i}]`;
    if (!m || typeof m.id !== 'string' || typeof m.label !== 'string') return `${at} must have id and label`;
    if (!(m.error === null || typeof m.error === 'string')) return `${at}.error must be a string or null`;
    if (m.velocity !== null) {
      const bad = checkSeriesByWindow(m.velocity, n, `${at}.velocity`);
      if (bad) return bad;
    }
    if (m.tempo !== null) {
      const bad = checkSeriesByWindow(m.tempo, g, `${at}.tempo`);
      if (bad) return bad;
    }
    if (!asRecord(m.velocityR) || !asRecord(m.rubatoR)) return `${at}.velocityR and rubatoR must be objects`;
    if (!isFiniteOrNull(m.expressionScore) || !isFiniteOrNull(m.outputNotes)) return `${at}.expressionScore and outputNotes must be numbers or null`;
    if (typeof m.collapsed !== 'boolean') return `${at}.collapsed must be a boolean`;
    if (m.sanity !== null) {
      const s = asRecord(m.sanity);
      if (!s || typeof s.passed !== 'boolean' || !Array.isArray(s.failures) || !Array.isArray(s.skipped)) return `${at}.sanity must have passed, failures and skipped`;
    }
  }
  if (!isStringArray(c.warnings)) return 'comparison.warnings must be an array of strings';
  return null;
}

export function checkHostToView(x: unknown): string | null {
  const m = asRecord(x);
  if (!m) return 'message must be an object';
  const kind = m.kind as EvalViewerHostToView['kind'];
  switch (kind) {
    case 'pieces':
      return checkListing(m.listing);
    case 'models': {
      if (!Array.isArray(m.models)) return 'models must be an array';
      for (let i = 0; i < m.models.length; i++) {
        const bad = checkModelChoice(m.models[i], i);
        if (bad) return bad;
      }
      return null;
    }
    case 'computing':
      return isNonNegativeInt(m.requestId) ? null : 'requestId must be a non-negative integer';
    case 'result':
      return isNonNegativeInt(m.requestId) ? checkComparison(m.comparison) : 'requestId must be a non-negative integer';
    case 'failed':
      if (!(m.requestId === null || isNonNegativeInt(m.requestId))) return 'requestId must be a non-negative integer or null';
      if (typeof m.message !== 'string') return 'message must be a string';
      return typeof m.cancelled === 'boolean' ? null : 'cancelled must be a boolean';
    case 'preselect':
      return isStringArray(m.modelIds) ? null : 'modelIds must be an array of strings';
    default: {
      const never: never = kind;
      return `unknown message kind ${JSON.stringify(never)}`;
    }
  }
}

export function checkViewToHost(x: unknown): string | null {
  const m = asRecord(x);
  if (!m) return 'message must be an object';
  const kind = m.kind as EvalViewerViewToHost['kind'];
  switch (kind) {
    case 'ready':
      return null;
    case 'listPieces':
      return checkEvalSplitChoice(m.split);
    case 'compare': {
      if (!isNonNegativeInt(m.requestId)) return 'requestId must be a non-negative integer';
      if (typeof m.pieceId !== 'string' || m.pieceId === '') return 'pieceId must be a non-empty string';
      if (typeof m.performance !== 'string' || m.performance === '') return 'performance must be a non-empty string';
      if (!Array.isArray(m.models) || m.models.length > MAX_EVAL_MODELS) return `models must be an array of at most ${MAX_EVAL_MODELS}`;
      for (let i = 0; i < m.models.length; i++) {
        const bad = checkEvalModelRef(m.models[i]);
        if (bad) return `models[${i}]: ${bad}`;
      }
      if (!Array.isArray(m.windows) || m.windows.length === 0 || !m.windows.every((w) => isNonNegativeInt(w) && w >= 1 && w <= MAX_EVAL_WINDOW)) {
        return `windows must be integers from 1 to ${MAX_EVAL_WINDOW}`;
      }
      return null;
    }
    case 'cancel':
      return isNonNegativeInt(m.requestId) ? null : 'requestId must be a non-negative integer';
    default: {
      const never: never = kind;
      return `unknown message kind ${JSON.stringify(never)}`;
    }
  }
}
