// Protocol for the eval viewer's data: held-out pieces of a corpus, the models one can compare, and one
// comparison (ground truth against models and baselines on one performance). client → server requests;
// the client relays what the eval-viewer webview asks (see ./webview/evalViewer.ts). Plain data only.

import { asRecord, isNonEmptyString, isNonNegativeInt } from './check';

export type EvalSplit = 'train' | 'val' | 'test';
export type EvalSplitChoice = EvalSplit | 'all';
export const EVAL_SPLIT_CHOICES: readonly EvalSplitChoice[] = ['val', 'test', 'train', 'all'];

/** The smoothing windows the viewer offers (notes for velocity, onset groups for tempo), as in `server/eval`. */
export const EVAL_WINDOWS: readonly number[] = [1, 8, 32];

// ---- pieces

export const EvalPiecesRequest = { method: 'rubato/evalView/pieces' } as const;
export interface EvalPiecesParams {
  /**
   * Absolute path of an ASAP-layout corpus. Absent: `$RUBATO_ASAP_DIR`, else `../shared/data/asap` beside the
   * installation (the corpus the dataset cache of the specs is built from).
   */
  dataDir?: string;
  /** Default 'val'. The split is the dataset cache's (by piece group, stratified by composer). */
  split?: EvalSplitChoice;
}
export interface EvalPieceInfo {
  /** Score folder relative to the corpus, '/'-separated, e.g. `Chopin/Etudes_op_10/3`. */
  id: string;
  composer: string;
  split: EvalSplit;
  /** Performance names (file stems), sorted. */
  performances: string[];
}
export interface EvalPiecesResult {
  dataDir: string;
  split: EvalSplitChoice;
  pieces: EvalPieceInfo[];
  /** Shown above the list, e.g. that the test split is withheld: look at it, never tune on it. Null when none. */
  notice: string | null;
  /** Problems met while listing (unreadable folders); the listing itself still succeeded. */
  errors: string[];
}

// ---- models

/** What produces an expression to compare: a baseline, the bundled model, or an exported ONNX model. */
export type EvalModelRef =
  | { kind: 'rules'; seed?: number }
  | { kind: 'jitter'; seed?: number }
  | { kind: 'bundled' }
  /** `path`: a `.onnx` file, or a checkpoint folder holding exactly one exported `.onnx`. */
  | { kind: 'onnx'; path: string };

/** Stable id of a model ref: colours, checkboxes and result keys use it. */
export function evalModelId(ref: EvalModelRef): string {
  switch (ref.kind) {
    case 'rules':
    case 'jitter':
      return ref.seed === undefined ? ref.kind : `${ref.kind}:${ref.seed}`;
    case 'bundled':
      return 'bundled';
    case 'onnx':
      return `onnx:${ref.path}`;
  }
}

export const EvalModelsRequest = { method: 'rubato/evalView/models' } as const;
export interface EvalModelsParams {
  /** Checkpoint folders (from `rubato/runs/checkpoints`) or `.onnx` files to offer beside the baselines. */
  checkpointPaths?: string[];
}
export interface EvalModelChoice {
  id: string;
  label: string;
  ref: EvalModelRef;
  /** False when it cannot run (no exported model in the checkpoint folder, bundled model not installed). */
  available: boolean;
  /** Why it is unavailable, and what to do ('' when available). */
  reason: string;
}
export interface EvalModelsResult {
  models: EvalModelChoice[];
}

// ---- compare

export const EvalCompareRequest = { method: 'rubato/evalView/compare' } as const;
export interface EvalCompareParams {
  dataDir?: string;
  /** `EvalPieceInfo.id`. */
  pieceId: string;
  /** Performance name within the piece. */
  performance: string;
  models: EvalModelRef[];
  /** Default EVAL_WINDOWS; each a positive integer ≤ 256. */
  windows?: number[];
  /** Default 0 (rules and jitter are seeded, so a comparison is reproducible). */
  seed?: number;
}

/** A smoothed series per window (key: the window as a decimal string), index-aligned to the chart's x. */
export type SeriesByWindow = Record<string, (number | null)[]>;

export interface EvalSanity {
  passed: boolean;
  failures: { check: string; message: string }[];
  skipped: { check: string; reason: string }[];
}

export interface EvalModelResult {
  id: string;
  label: string;
  ref: EvalModelRef;
  /** The model could not run (bad file, schema mismatch): shown in its row; the other models still are. */
  error: string | null;
  /** Per score note (length = scoreNotes): smoothed over the notes both it and the human have, as its r is. */
  velocity: SeriesByWindow | null;
  /** Per onset group (length = groups), log(performed IOI / score IOI), smoothed likewise. */
  tempo: SeriesByWindow | null;
  velocityR: Record<string, number | null>;
  rubatoR: Record<string, number | null>;
  /** Mean of velocity r and rubato r at `expressionWindow` (server/eval). */
  expressionScore: number | null;
  sanity: EvalSanity | null;
  /** Notes the model's output holds against the score's: a mismatch is shown loudly. */
  outputNotes: number | null;
  /** velocity-collapsed or timing-collapsed failed. */
  collapsed: boolean;
  elapsedMs: number;
}

export interface EvalComparison {
  dataDir: string;
  pieceId: string;
  performance: string;
  split: EvalSplit;
  alignment: { source: 'match' | 'beats'; matchedPct: number };
  scoreNotes: number;
  groups: number;
  windows: number[];
  expressionWindow: number;
  /** The human performance: velocity per score note, tempo per group, each smoothed over what was played. */
  human: { velocity: SeriesByWindow; tempo: SeriesByWindow };
  models: EvalModelResult[];
  /** Alignment warnings and similar, for people. */
  warnings: string[];
}
export type EvalCompareResult = EvalComparison;

// ---- validators (every inbound message)

const seedOk = (v: unknown): boolean => v === undefined || isNonNegativeInt(v);

export function checkEvalSplitChoice(v: unknown): string | null {
  return typeof v === 'string' && (EVAL_SPLIT_CHOICES as readonly string[]).includes(v) ? null : `split must be one of ${EVAL_SPLIT_CHOICES.join(', ')}, got ${JSON.stringify(v)}`;
}

export function checkEvalModelRef(x: unknown): string | null {
  const r = asRecord(x);
  if (!r) return 'a model must be an object';
  switch (r.kind) {
    case 'rules':
    case 'jitter':
      return seedOk(r.seed) ? null : `${r.kind}: seed must be a non-negative integer`;
    case 'bundled':
      return null;
    case 'onnx':
      return isNonEmptyString(r.path) ? null : 'onnx: path must be a non-empty path';
    default:
      return `model kind must be rules, jitter, bundled or onnx, got ${JSON.stringify(r.kind)}`;
  }
}

export function checkEvalPiecesParams(x: unknown): string | null {
  if (x === undefined || x === null) return null;
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  if (p.dataDir !== undefined && !isNonEmptyString(p.dataDir)) return 'dataDir must be a non-empty path';
  if (p.split !== undefined) return checkEvalSplitChoice(p.split);
  return null;
}

export function checkEvalModelsParams(x: unknown): string | null {
  if (x === undefined || x === null) return null;
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  if (p.checkpointPaths !== undefined) {
    if (!Array.isArray(p.checkpointPaths)) return 'checkpointPaths must be an array of paths';
    const bad = p.checkpointPaths.findIndex((c) => !isNonEmptyString(c));
    if (bad >= 0) return `checkpointPaths[${bad}] must be a non-empty path`;
  }
  return null;
}

export const MAX_EVAL_WINDOW = 256;
export const MAX_EVAL_MODELS = 8;

export function checkEvalCompareParams(x: unknown): string | null {
  const p = asRecord(x);
  if (!p) return 'params must be an object';
  if (p.dataDir !== undefined && !isNonEmptyString(p.dataDir)) return 'dataDir must be a non-empty path';
  if (!isNonEmptyString(p.pieceId) || p.pieceId.split('/').includes('..')) return `pieceId must be a piece id, got ${JSON.stringify(p.pieceId)}`;
  if (!isNonEmptyString(p.performance) || /[/\\]/.test(p.performance)) return `performance must be a performance name, got ${JSON.stringify(p.performance)}`;
  if (!Array.isArray(p.models)) return 'models must be an array';
  if (p.models.length > MAX_EVAL_MODELS) return `at most ${MAX_EVAL_MODELS} models at once, got ${p.models.length}`;
  for (let i = 0; i < p.models.length; i++) {
    const bad = checkEvalModelRef(p.models[i]);
    if (bad) return `models[${i}]: ${bad}`;
  }
  if (p.windows !== undefined) {
    if (!Array.isArray(p.windows) || p.windows.length === 0) return 'windows must be a non-empty array';
    const bad = p.windows.findIndex((w) => !(typeof w === 'number' && Number.isSafeInteger(w) && w >= 1 && w <= MAX_EVAL_WINDOW));
    if (bad >= 0) return `windows[${bad}] must be an integer from 1 to ${MAX_EVAL_WINDOW}`;
  }
  if (!seedOk(p.seed)) return 'seed must be a non-negative integer';
  return null;
}
