// When score and performance beat annotations do not correspond line for line (a repeat played or
// skipped, extra beats annotated), pair the beats by dynamic time warping over their pitch content.

import type { BeatAnnotation } from '../asap/annotations';
import type { MidiDoc } from '../midi/model';

/** Pitch-class profile of the notes starting in each beat (L2-normalised; all zero for an empty beat). */
export function beatChroma(doc: MidiDoc, beatTimes: readonly number[]): Float64Array[] {
  const out = beatTimes.map(() => new Float64Array(12));
  let k = 0;
  for (const n of doc.notes) {
    if (n.onsetSec < (beatTimes[0] ?? 0)) continue;
    while (k + 1 < beatTimes.length && n.onsetSec >= beatTimes[k + 1]!) k++;
    out[k]![n.pitch % 12]! += 1;
  }
  for (const v of out) {
    const norm = Math.hypot(...v);
    if (norm > 0) for (let i = 0; i < 12; i++) v[i]! /= norm;
  }
  return out;
}

/** Cost of pairing two beats: 1 - cosine similarity; an empty beat costs 0.5 against anything. */
function cost(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < 12; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0.5 : 1 - dot;
}

/**
 * DTW over beat chroma (steps diagonal, down, right; the diagonal is preferred on ties), returning
 * the beat pairs where both indices advance: a strictly monotone one-to-one subset of the path.
 */
export function warpBeats(score: MidiDoc, perf: MidiDoc, scoreBeats: readonly BeatAnnotation[], perfBeats: readonly BeatAnnotation[]): { score: BeatAnnotation[]; perf: BeatAnnotation[] } {
  const a = beatChroma(score, scoreBeats.map((b) => b.timeSec));
  const b = beatChroma(perf, perfBeats.map((x) => x.timeSec));
  const n = a.length;
  const m = b.length;
  const acc = new Float64Array((n + 1) * (m + 1)).fill(Infinity);
  const step = new Uint8Array((n + 1) * (m + 1)); // 0 diagonal, 1 from above (score advances), 2 from left
  const at = (i: number, j: number): number => i * (m + 1) + j;
  acc[at(0, 0)] = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const c = cost(a[i - 1]!, b[j - 1]!);
      const d = acc[at(i - 1, j - 1)]!;
      const u = acc[at(i - 1, j)]! + 0.1;
      const l = acc[at(i, j - 1)]! + 0.1;
      if (d <= u && d <= l) {
        acc[at(i, j)] = d + c;
        step[at(i, j)] = 0;
      } else if (u <= l) {
        acc[at(i, j)] = u + c;
        step[at(i, j)] = 1;
      } else {
        acc[at(i, j)] = l + c;
        step[at(i, j)] = 2;
      }
    }
  }
  const pairs: [number, number][] = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const s = step[at(i, j)]!;
    if (s === 0) pairs.push([i - 1, j - 1]);
    if (s === 0) (i--, j--);
    else if (s === 1) i--;
    else j--;
  }
  pairs.reverse();
  return { score: pairs.map(([x]) => scoreBeats[x]!), perf: pairs.map(([, y]) => perfBeats[y]!) };
}
