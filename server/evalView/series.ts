// Chart series of the eval viewer: a per-note or per-group column smoothed over its defined entries and
// placed back at their indices (null elsewhere), so every line shares the score's x axis.

import { smooth } from '../eval';
import type { SeriesByWindow } from '../protocol/evalView';

/** Indices where every given column is finite: the entries a correlation between them uses. */
export function definedIndices(...cols: ArrayLike<number>[]): number[] {
  const n = cols[0]?.length ?? 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (cols.every((c) => Number.isFinite(c[i]!))) out.push(i);
  return out;
}

/** Four decimals: far below a velocity step or a 0.01 % tempo change, and keeps the JSON small. */
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** `values` at `at`, smoothed with the metrics' centred moving average at each window, length `n`. */
export function smoothedAt(values: ArrayLike<number>, at: readonly number[], n: number, windows: readonly number[]): SeriesByWindow {
  const picked = at.map((i) => values[i]!);
  const out: SeriesByWindow = {};
  for (const w of windows) {
    const col = new Array<number | null>(n).fill(null);
    const s = picked.length ? smooth(picked, w) : [];
    at.forEach((i, k) => (col[i] = round4(s[k]!)));
    out[String(w)] = col;
  }
  return out;
}
