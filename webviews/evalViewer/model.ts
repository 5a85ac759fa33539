// Pure logic of the eval viewer: piece search, chart data for one window, sanity badges, colours.

import type { EvalComparison, EvalModelResult, EvalPieceInfo } from '../../server/protocol/evalView';

/** Case-insensitive match of every space-separated word against the piece id (composer/work/number). */
export function filterPieces(pieces: readonly EvalPieceInfo[], query: string): EvalPieceInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...pieces];
  return pieces.filter((p) => {
    const hay = `${p.id} ${p.performances.join(' ')}`.toLowerCase().replace(/_/g, ' ');
    return words.every((w) => hay.includes(w) || p.id.toLowerCase().includes(w));
  });
}

export type ChartKind = 'velocity' | 'tempo';

export interface ChartData {
  labels: string[];
  /** uPlot aligned data: x (note or group index), then the human line, then one line per model that ran. */
  data: [number[], ...(number | null)[][]];
  modelIds: string[];
}

export function chartData(c: EvalComparison, kind: ChartKind, window: number): ChartData {
  const w = String(window);
  const human = c.human[kind][w];
  if (!human) throw new RangeError(`window ${window} is not in this comparison (${c.windows.join(', ')})`);
  const x = Array.from({ length: human.length }, (_, i) => i);
  const ran = c.models.filter((m) => m[kind]?.[w]);
  return {
    labels: ['human', ...ran.map((m) => m.label)],
    data: [x, human, ...ran.map((m) => m[kind]![w]!)],
    modelIds: ran.map((m) => m.id),
  };
}

export interface Badge {
  level: 'error' | 'ok';
  text: string;
}

/** Loud first: a failed model, a note-count mismatch, a collapse, then any other failed check. */
export function badgesOf(m: EvalModelResult, scoreNotes: number): Badge[] {
  if (m.error !== null) return [{ level: 'error', text: `FAILED: ${m.error}` }];
  const out: Badge[] = [];
  if (m.outputNotes !== null && m.outputNotes !== scoreNotes) {
    out.push({ level: 'error', text: `NOTE COUNT MISMATCH: output has ${m.outputNotes} notes, the score ${scoreNotes}` });
  }
  const failures = m.sanity?.failures ?? [];
  if (m.collapsed) out.push({ level: 'error', text: `COLLAPSED: ${failures.filter((f) => f.check.endsWith('collapsed')).map((f) => f.message).join('; ')}` });
  for (const f of failures) {
    if (f.check.endsWith('collapsed')) continue;
    if (f.check === 'note-count' && out.some((b) => b.text.startsWith('NOTE COUNT'))) continue;
    out.push({ level: 'error', text: `${f.check}: ${f.message}` });
  }
  if (out.length === 0 && m.sanity?.passed) out.push({ level: 'ok', text: 'sanity checks passed' });
  return out;
}

/** Same palette and hash as the loss curves (a stable colour per model id). */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#1f77b4', '#d62728', '#2ca02c'];
export function modelColour(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return PALETTE[h % PALETTE.length]!;
}

export const fmtR = (r: number | null | undefined): string => (r === null || r === undefined ? '–' : r.toFixed(3));
