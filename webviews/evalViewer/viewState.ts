// What the eval viewer remembers across reloads (vscode.setState), validated when read back.

import type { EvalSplitChoice } from '../../server/protocol/evalView';
import { EVAL_SPLIT_CHOICES, EVAL_WINDOWS } from '../../server/protocol/evalView';

export interface EvalViewerState {
  split: EvalSplitChoice;
  pieceId: string | null;
  performance: string | null;
  /** Null: the default models (bundled if available, and the rules baseline). */
  modelIds: string[] | null;
  window: number;
}

export const DEFAULT_EVAL_STATE: EvalViewerState = { split: 'val', pieceId: null, performance: null, modelIds: null, window: 8 };

export function restoreEvalState(x: unknown): EvalViewerState {
  const s = typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return {
    split: (EVAL_SPLIT_CHOICES as readonly unknown[]).includes(s.split) ? (s.split as EvalSplitChoice) : 'val',
    pieceId: str(s.pieceId),
    performance: str(s.performance),
    modelIds: Array.isArray(s.modelIds) && s.modelIds.every((m) => typeof m === 'string') ? [...(s.modelIds as string[])] : null,
    window: EVAL_WINDOWS.includes(s.window as number) ? (s.window as number) : 8,
  };
}
