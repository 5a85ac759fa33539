// "Did you mean" suggestions, computed exactly as Python's difflib.get_close_matches(word, known, n=1, cutoff=0.6)
// so that the editor and the trainer (config.py) suggest the same name.

/** difflib.SequenceMatcher(None, a, b).ratio() for short strings (no junk, no autojunk below 200 chars). */
export function similarityRatio(a: string, b: string): number {
  if (a.length + b.length === 0) return 1;
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) {
    const c = b[j]!;
    const list = b2j.get(c);
    if (list) list.push(j);
    else b2j.set(c, [j]);
  }
  let matched = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length > 0) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    let bestI = alo;
    let bestJ = blo;
    let bestSize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestSize) {
          bestI = i - k + 1;
          bestJ = j - k + 1;
          bestSize = k;
        }
      }
      j2len = next;
    }
    if (bestSize === 0) continue;
    matched += bestSize;
    if (alo < bestI && blo < bestJ) queue.push([alo, bestI, blo, bestJ]);
    if (bestI + bestSize < ahi && bestJ + bestSize < bhi) queue.push([bestI + bestSize, ahi, bestJ + bestSize, bhi]);
  }
  return (2 * matched) / (a.length + b.length);
}

/** The closest known name with ratio >= 0.6, ties going to the greater string as in difflib; else undefined. */
export function closestName(word: string, known: readonly string[]): string | undefined {
  let best: { score: number; name: string } | undefined;
  for (const name of known) {
    const score = similarityRatio(name, word);
    if (score < 0.6) continue;
    if (!best || score > best.score || (score === best.score && name > best.name)) best = { score, name };
  }
  return best?.name;
}
