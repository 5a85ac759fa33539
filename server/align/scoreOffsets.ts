// Finds, bar by bar, the shift between match-file quarters and score-MIDI quarters (a Viterbi over offsets).
//
// Why not one constant: the match files' beat counts drift from the score MIDI at cadenzas and
// irregular bars (a 31/16 bar in the MIDI), at pickups repeated by the unfolding, and in some v5.0
// files by outright jumps (Chopin op. 25/12 bar 8 starts 2.25 beats late). The shift is constant
// inside a bar and changes rarely, so it is a path through candidate offsets that pays a penalty per
// change; a repeating figure cannot pull it off course because the true offset explains it just as well.

import type { TimedPitch } from './assign';

export interface OffsetGroup {
  /** Indices into the note list, all sharing one bar (and repeat pass). */
  notes: number[];
}

/** Penalty for changing offset, in notes explained: a change must pay for itself within a bar or two. */
const SWITCH_PENALTY = 3;
/** Offsets are compared at 1/96 quarter (finer than any tuplet grid in the corpus). */
const BIN = 1 / 96;
/** Local candidates are searched within this many quarters of the best offset so far. */
const SEARCH_QUARTERS = 64;
/** How far (quarters) after the previous bar's last onset the next bar may begin in the MIDI. */
const CONTINUITY_AHEAD = 32;
/** Enough opening notes to outvote chance coincidences. */
const OPENING_NOTES = 400;
/** Candidates proposed per bar. */
const PER_GROUP = 3;

/**
 * For each group, the offset (MIDI quarters − match quarters) of the best path. `notes` are match
 * notes in match quarters, `midi` score-MIDI notes in quarters; `initial` seeds the search (the offset
 * voted by the opening notes) and `tol` is the distance within which a note counts as explained.
 */
export function groupOffsets(
  notes: readonly TimedPitch[],
  groups: readonly OffsetGroup[],
  midi: readonly TimedPitch[],
  initial: number,
  tol: number,
): number[] {
  const midiByPitch = sortedTimesByPitch(midi);
  // Each state: offset, path score, and for the backtrace the state list index per group.
  let states: Array<{ offset: number; score: number; back: number }> = [{ offset: initial, score: 0, back: -1 }];
  const history: Array<Array<{ offset: number; back: number }>> = [];
  let prevEnd: number | undefined;
  for (const g of groups) {
    let bestPrev = 0;
    for (let s = 1; s < states.length; s++) if (states[s]!.score > states[bestPrev]!.score) bestPrev = s;
    const bestScore = states[bestPrev]!.score;
    const bestOffset = states[bestPrev]!.offset;
    const [start, end] = groupSpan(notes, g);
    const bestExplains = explained(notes, g, midiByPitch, bestOffset, tol);
    const candidates: number[] = [];
    // A bar the best offset explains fully cannot gain from a switch: skip the (costly) search.
    if (bestExplains < g.notes.length) candidates.push(...localCandidates(notes, g, midiByPitch, bestOffset, SEARCH_QUARTERS));
    if (bestExplains * 2 < g.notes.length) {
      // Some match files' beat counts jump by hundreds of bars mid-piece (Beethoven op. 57/1 from bar
      // 70); the bars still follow each other in the MIDI, so look just after the previous bar's last
      // onset, preferring the offset that puts this bar right there.
      if (prevEnd !== undefined) {
        const adjacent = prevEnd + bestOffset - start;
        candidates.push(...localCandidates(notes, g, midiByPitch, adjacent + CONTINUITY_AHEAD / 2 - 1, CONTINUITY_AHEAD / 2, adjacent));
      }
      // The score MIDI may hold a whole section the match lacks (a repeat taken in one and not the
      // other): look anywhere.
      candidates.push(...localCandidates(notes, g, midiByPitch, bestOffset, Infinity));
    }
    prevEnd = end;
    const next: Array<{ offset: number; score: number; back: number }> = [];
    const seen = (offset: number): boolean => next.some((n) => Math.abs(n.offset - offset) < BIN / 2);
    // Staying on an offset; states below best − penalty are dropped, switching from the best beats them.
    for (let s = 0; s < states.length; s++) {
      const st = states[s]!;
      if (st.score < bestScore - SWITCH_PENALTY || seen(st.offset)) continue;
      const stay = st.score;
      const jump = bestScore - SWITCH_PENALTY;
      next.push({ offset: st.offset, score: Math.max(stay, jump) + explained(notes, g, midiByPitch, st.offset, tol), back: stay >= jump ? s : bestPrev });
    }
    for (const offset of candidates) {
      if (seen(offset)) continue;
      next.push({ offset, score: bestScore - SWITCH_PENALTY + explained(notes, g, midiByPitch, offset, tol), back: bestPrev });
    }
    history.push(next.map((n) => ({ offset: n.offset, back: n.back })));
    states = next;
  }
  const out = new Array<number>(groups.length).fill(initial);
  let best = 0;
  for (let s = 1; s < states.length; s++) if (states[s]!.score > states[best]!.score) best = s;
  for (let gi = groups.length - 1; gi >= 0; gi--) {
    const st = history[gi]![best]!;
    out[gi] = st.offset;
    best = st.back;
  }
  return out;
}

function sortedTimesByPitch(midi: readonly TimedPitch[]): Map<number, Float64Array> {
  const lists = new Map<number, number[]>();
  for (const n of midi) {
    const l = lists.get(n.pitch);
    if (l) l.push(n.time);
    else lists.set(n.pitch, [n.time]);
  }
  const out = new Map<number, Float64Array>();
  for (const [p, l] of lists) out.set(p, Float64Array.from(l).sort());
  return out;
}

/** First index with times[i] >= t. */
function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many notes of the group have a same-pitch MIDI note within tol once shifted by `offset`. */
function explained(notes: readonly TimedPitch[], g: OffsetGroup, midi: Map<number, Float64Array>, offset: number, tol: number): number {
  let count = 0;
  for (const i of g.notes) {
    const n = notes[i]!;
    const times = midi.get(n.pitch);
    if (!times) continue;
    const t = n.time + offset;
    const k = lowerBound(times, t - tol);
    if (k < times.length && times[k]! <= t + tol) count++;
  }
  return count;
}

/** First and last onset of the group. */
function groupSpan(notes: readonly TimedPitch[], g: OffsetGroup): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of g.notes) {
    lo = Math.min(lo, notes[i]!.time);
    hi = Math.max(hi, notes[i]!.time);
  }
  return [lo, hi];
}

/**
 * The group's most voted offsets within `halfWidth` quarters of `around`: every (note, same-pitch MIDI
 * note) pair votes for its difference; the densest windows of 2 bins win, each refined to its median.
 */
function localCandidates(
  notes: readonly TimedPitch[],
  g: OffsetGroup,
  midi: Map<number, Float64Array>,
  around: number,
  halfWidth: number,
  prefer: number = around,
): number[] {
  const diffs: number[] = [];
  for (const i of g.notes) {
    const n = notes[i]!;
    const times = midi.get(n.pitch);
    if (!times) continue;
    const hi = n.time + around + halfWidth;
    for (let k = lowerBound(times, n.time + around - halfWidth); k < times.length && times[k]! <= hi; k++) diffs.push(times[k]! - n.time);
  }
  return densestWindows(diffs, prefer, PER_GROUP);
}

/**
 * Medians of the `count` densest non-overlapping windows (2 bins wide) of the values; ties go to the
 * window nearest `prefer`.
 */
function densestWindows(values: readonly number[], prefer: number, count: number): number[] {
  const d = Float64Array.from(values).sort();
  // counts[i]: votes within 2 bins from d[i]; medians[i]: the median of those votes.
  const counts = new Int32Array(d.length);
  const medians = new Float64Array(d.length);
  for (let i = 0, j = 0; i < d.length; i++) {
    if (j < i) j = i;
    while (j + 1 < d.length && d[j + 1]! - d[i]! <= 2 * BIN) j++;
    counts[i] = j - i + 1;
    medians[i] = d[(i + j) >> 1]!;
  }
  // count is at most 3: a linear scan per pick beats sorting every window.
  const out: number[] = [];
  while (out.length < count) {
    let best = -1;
    for (let i = 0; i < d.length; i++) {
      const c = counts[i]!;
      if (best >= 0 && (c < counts[best]! || (c === counts[best]! && Math.abs(medians[i]! - prefer) >= Math.abs(medians[best]! - prefer)))) continue;
      if (nearAny(out, medians[i]!)) continue;
      best = i;
    }
    if (best < 0) break;
    out.push(medians[best]!);
  }
  return out;
}

function nearAny(chosen: readonly number[], v: number): boolean {
  for (const o of chosen) if (Math.abs(o - v) <= 2 * BIN) return true;
  return false;
}

/**
 * The opening offset: each of the first OPENING_NOTES match notes votes for its difference to every
 * same-pitch MIDI note; the densest window wins (ties: the offset nearest 0).
 */
export function openingOffset(notes: readonly TimedPitch[], midi: readonly TimedPitch[]): number | undefined {
  const midiByPitch = sortedTimesByPitch(midi);
  const sample = [...notes].sort((x, y) => x.time - y.time).slice(0, OPENING_NOTES);
  const diffs: number[] = [];
  for (const n of sample) for (const t of midiByPitch.get(n.pitch) ?? []) diffs.push(t - n.time);
  return densestWindows(diffs, 0, 1)[0];
}
