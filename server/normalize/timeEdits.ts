// The anchored time-axis edits, applied to a sorted list of tick values: the arithmetic core of the decoder.
//
// An edit belongs to bar b and moves the point barStart(b) + s onto the bar line barStart(b):
//   subtract A (s = +A, the bar's content came late): the span [barStart, barStart + A) is deleted;
//     ticks inside it collapse onto the bar line, ticks after it move back by A.
//   add A (s = -A, the content came early): A ticks are inserted at barStart - A; every tick from
//     there on moves forward by A.
// Edits apply in bar order, each to the timeline the previous ones left (that is how the oracle labels
// them, noise.ts), while bar lines stay where the file's time signatures put them. Both maps are
// monotone, so sorted values stay sorted and an offset never moves before its onset.

export interface TickEdit {
  /** Bar line the edit is anchored to (ticks, may be fractional). */
  barStartTick: number;
  /** Signed displacement removed, in ticks: > 0 subtract (delete time), < 0 add (insert time). */
  shiftTicks: number;
}

/**
 * Applies `edits` (in order) to ascending `values` (ticks), in place. Fenwick tree of pending shifts:
 * each edit touches a suffix, found by binary search, so the cost is O((N + E) log² N) plus the
 * values a deletion collapses.
 */
export function applyTickEdits(values: Float64Array, edits: readonly TickEdit[]): void {
  const n = values.length;
  if (n === 0 || edits.length === 0) return;
  const tree = new Float64Array(n + 1);
  const addFrom = (i: number, delta: number): void => {
    for (let k = i + 1; k <= n; k += k & -k) tree[k] = tree[k]! + delta;
  };
  const cur = (i: number): number => {
    let s = values[i]!;
    for (let k = i + 1; k > 0; k -= k & -k) s += tree[k]!;
    return s;
  };
  /** First index whose current value is >= x (n when none): values stay sorted under monotone maps. */
  const firstAtLeast = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cur(mid) >= x - 1e-9) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  for (const e of edits) {
    if (!(Number.isFinite(e.shiftTicks) && Number.isFinite(e.barStartTick)) || e.shiftTicks === 0) continue;
    if (e.shiftTicks < 0) {
      const from = firstAtLeast(e.barStartTick + e.shiftTicks);
      if (from < n) addFrom(from, -e.shiftTicks);
    } else {
      const a = e.barStartTick;
      const from = firstAtLeast(a);
      const after = firstAtLeast(a + e.shiftTicks);
      // Collapse the deleted span onto the bar line, one value at a time (point updates).
      for (let i = from; i < after; i++) {
        const d = a - cur(i);
        addFrom(i, d);
        if (i + 1 < n) addFrom(i + 1, -d);
      }
      if (after < n) addFrom(after, -e.shiftTicks);
    }
  }
  for (let i = n - 1; i >= 0; i--) values[i] = cur(i);
}
