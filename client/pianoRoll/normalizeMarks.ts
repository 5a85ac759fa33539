// The normalizer's edits as piano-roll marks, and where a normalized file goes. Pure.

import type { NormalizeEdit } from '../../server/protocol';
import type { RollMark } from '../../server/protocol/webview/pianoRoll';

/** 1/6 of a beat reads "0.167", not "0.16666666666666666". */
const beats = (x: number): string => String(Math.round(x * 1000) / 1000);

export function normalizeMarks(edits: readonly NormalizeEdit[]): RollMark[] {
  return edits.map((e) => ({
    startSec: e.bar_start_sec,
    endSec: Math.max(e.bar_start_sec, e.bar_end_sec),
    label: `bar ${e.bar}: ${e.kind === 'add' ? '+' : '−'}${beats(e.amount_beats)} beat${e.amount_beats === 1 ? '' : 's'} (${Math.round(e.confidence * 100)}%)`,
    kind: e.kind,
  }));
}

/** `<dir>/<name>.normalized.mid` (keeps `.midi`). */
export function normalizedPathFor(fsPath: string): string {
  const m = /^(.*?)(\.midi?)$/i.exec(fsPath);
  return m ? `${m[1]}.normalized${m[2]}` : `${fsPath}.normalized.mid`;
}
