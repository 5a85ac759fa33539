// Optimal one-to-one pairing of two sets of (pitch, time) events: same pitch, |Δt| within a tolerance.

export interface TimedPitch {
  pitch: number;
  time: number;
}

/**
 * Pairs events of `a` with events of `b` of equal pitch whose times differ by at most `tol`, each
 * event used at most once. Per pitch, it maximises the number of pairs, then minimises the summed
 * |Δt|. In one dimension an optimal pairing never crosses (uncrossing two crossing pairs never
 * increases either the largest or the summed distance), so a DP over the sorted sequences is exact;
 * the sequences are first cut wherever consecutive events are more than `tol` apart, because no pair
 * can straddle such a gap, which keeps every DP tiny except in dense trills.
 * Returns [aIndex, bIndex] pairs sorted by aIndex.
 */
export function assignByPitch(a: readonly TimedPitch[], b: readonly TimedPitch[], tol: number): Array<[number, number]> {
  const byPitchA = groupByPitch(a);
  const byPitchB = groupByPitch(b);
  const pairs: Array<[number, number]> = [];
  for (const [pitch, ia] of byPitchA) {
    const ib = byPitchB.get(pitch);
    if (ib) assignSorted(ia, ib, a, b, tol, pairs);
  }
  return pairs.sort((x, y) => x[0] - y[0]);
}

function groupByPitch(events: readonly TimedPitch[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < events.length; i++) {
    const p = events[i]!.pitch;
    const list = m.get(p);
    if (list) list.push(i);
    else m.set(p, [i]);
  }
  for (const list of m.values()) list.sort((x, y) => events[x]!.time - events[y]!.time || x - y);
  return m;
}

/** Walks the two sorted index lists together and solves each gap-separated cluster on its own. */
function assignSorted(
  ia: readonly number[],
  ib: readonly number[],
  a: readonly TimedPitch[],
  b: readonly TimedPitch[],
  tol: number,
  out: Array<[number, number]>,
): void {
  let i = 0;
  let j = 0;
  while (i < ia.length && j < ib.length) {
    const i0 = i;
    const j0 = j;
    // Grow the cluster while the next event (from either side) is within tol of the latest one seen.
    let last = Math.min(a[ia[i]!]!.time, b[ib[j]!]!.time);
    for (;;) {
      const ta = i < ia.length ? a[ia[i]!]!.time : Infinity;
      const tb = j < ib.length ? b[ib[j]!]!.time : Infinity;
      const next = Math.min(ta, tb);
      if (next === Infinity || next - last > tol) break;
      last = next;
      if (ta <= tb) i++;
      else j++;
    }
    // The first event is always taken, so the walk advances; a one-sided cluster has nothing to pair.
    if (i > i0 && j > j0) solveCluster(ia.slice(i0, i), ib.slice(j0, j), a, b, tol, out);
  }
}

/** Exact DP on one cluster: cost tol per unpaired event, |Δt| per pair (so pairing always wins). */
function solveCluster(
  ca: readonly number[],
  cb: readonly number[],
  a: readonly TimedPitch[],
  b: readonly TimedPitch[],
  tol: number,
  out: Array<[number, number]>,
): void {
  const n = ca.length;
  const m = cb.length;
  if (n === 1 && m === 1) {
    if (Math.abs(a[ca[0]!]!.time - b[cb[0]!]!.time) <= tol) out.push([ca[0]!, cb[0]!]);
    return;
  }
  const w = m + 1;
  const cost = new Float64Array((n + 1) * w);
  const move = new Uint8Array((n + 1) * w); // 1 skip a, 2 skip b, 3 pair
  for (let x = 1; x <= n; x++) {
    cost[x * w] = x * tol;
    move[x * w] = 1;
  }
  for (let y = 1; y <= m; y++) {
    cost[y] = y * tol;
    move[y] = 2;
  }
  for (let x = 1; x <= n; x++) {
    const ta = a[ca[x - 1]!]!.time;
    for (let y = 1; y <= m; y++) {
      const k = x * w + y;
      let best = cost[k - w]! + tol;
      let mv = 1;
      const skipB = cost[k - 1]! + tol;
      if (skipB < best) {
        best = skipB;
        mv = 2;
      }
      const d = Math.abs(ta - b[cb[y - 1]!]!.time);
      if (d <= tol && cost[k - w - 1]! + d <= best) {
        best = cost[k - w - 1]! + d;
        mv = 3;
      }
      cost[k] = best;
      move[k] = mv;
    }
  }
  for (let x = n, y = m; x > 0 || y > 0; ) {
    const mv = move[x * w + y];
    if (mv === 3) {
      out.push([ca[x - 1]!, cb[y - 1]!]);
      x--;
      y--;
    } else if (mv === 1) x--;
    else y--;
  }
}
