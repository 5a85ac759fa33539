// Turns a match file into an Alignment over the score MIDI and performance MIDI notes (by pitch and onset).

import type { MatchFile } from '../asap/match';
import { beatsToQuartersFn } from '../asap/matchTime';
import type { MidiDoc } from '../midi/model';
import { assignByPitch, type TimedPitch } from './assign';
import { groupOffsets, openingOffset, type OffsetGroup } from './scoreOffsets';
import { alignmentStats, type AlignedPair, type Alignment } from './types';

/**
 * Score notes: match onsets are beats, score-MIDI onsets are ticks; after beats → quarters the two
 * differ by an offset that is constant within a bar (see scoreOffsets.ts). 0.1 quarter absorbs v5.0's
 * 1/1024-beat rounding and tuplet rounding in the MIDI yet stays under a 32nd note.
 */
const SCORE_TOL_QUARTERS = 0.1;
/** Second-pass tolerance for what the first pass left (grace notes, ornaments); see linkLeftovers. */
const SCORE_TOL_WIDE_QUARTERS = 0.5;
/** Third-pass tolerance, for grace notes only (a run of 8 graces spans more than a quarter in the MIDI). */
const GRACE_TOL_QUARTERS = 1.5;
/** Performed notes: both sides come from the same MIDI, so they differ only by tick rounding. */
const PERF_TOL_SEC = 0.005;

/** Links match notes to MIDI notes and keeps the match pairs whose two ends were both linked. */
export function alignFromMatch(score: MidiDoc, perf: MidiDoc, match: MatchFile): Alignment {
  const warnings: string[] = [];
  const scoreLink = linkScoreNotes(score, match, warnings);
  const perfLink = linkPerfNotes(perf, match);
  const pairs: AlignedPair[] = [];
  for (const { scoreIndex, perfIndex } of match.matches) {
    const s = scoreLink[scoreIndex]!;
    const p = perfLink[perfIndex]!;
    if (s >= 0 && p >= 0) pairs.push({ scoreIndex: s, perfIndex: p });
  }
  pairs.sort((x, y) => x.scoreIndex - y.scoreIndex);
  const unlinkedScore = countUnlinked(scoreLink);
  const unlinkedPerf = countUnlinked(perfLink);
  if (unlinkedScore > 0) warnings.push(`${match.source}: ${unlinkedScore} of ${match.scoreNotes.length} score notes not found in ${score.source}`);
  if (unlinkedPerf > 0) warnings.push(`${match.source}: ${unlinkedPerf} of ${match.perfNotes.length} performed notes not found in ${perf.source}`);
  return {
    source: 'match',
    scorePath: score.source,
    performancePath: perf.source,
    pairs,
    stats: alignmentStats(score.notes.length, perf.notes.length, pairs.length, unlinkedScore, unlinkedPerf),
    warnings,
  };
}

/** For each match score note, the index of its score-MIDI note, or -1. */
export function linkScoreNotes(score: MidiDoc, match: MatchFile, warnings: string[]): Int32Array {
  const toQuarters = beatsToQuartersFn(match.timeSignatures);
  const snotes: TimedPitch[] = match.scoreNotes.map((n) => ({ pitch: n.pitch, time: toQuarters(n.onsetBeats) }));
  const midi: TimedPitch[] = score.notes.map((n) => ({ pitch: n.pitch, time: n.onsetTick / score.ppq }));
  const initial = openingOffset(snotes, midi);
  const out = new Int32Array(snotes.length).fill(-1);
  if (initial === undefined) {
    warnings.push(`${match.source}: no score note of the match file lines up with ${score.source}; score notes left unlinked`);
    return out;
  }
  const groups = barGroups(match);
  const offsets = groupOffsets(snotes, groups, midi, initial, SCORE_TOL_QUARTERS);
  const shifted = snotes.map((n) => ({ pitch: n.pitch, time: n.time }));
  groups.forEach((g, gi) => {
    for (const i of g.notes) shifted[i]!.time += offsets[gi]!;
  });
  for (const [si, mi] of assignByPitch(shifted, midi, SCORE_TOL_QUARTERS)) out[si] = mi;
  linkLeftovers(shifted, midi, out, SCORE_TOL_WIDE_QUARTERS, () => true);
  linkLeftovers(shifted, midi, out, GRACE_TOL_QUARTERS, (i) => match.scoreNotes[i]!.isGrace);
  return out;
}

/**
 * Second pass among the notes still unlinked on both sides, with a wider tolerance: the score MIDI
 * plays grace notes on the beat and delays their principal note (by 1/8 quarter and more), and
 * realises ornaments whose first note may not be the notated one. A third pass takes grace notes
 * only, wider still: the match puts a whole run of grace notes on one onset, the MIDI spreads it out.
 */
function linkLeftovers(
  snotes: readonly TimedPitch[],
  midi: readonly TimedPitch[],
  out: Int32Array,
  tol: number,
  eligible: (scoreIndex: number) => boolean,
): void {
  const usedMidi = new Uint8Array(midi.length);
  for (const mi of out) if (mi >= 0) usedMidi[mi] = 1;
  const restS: number[] = [];
  const restM: number[] = [];
  out.forEach((mi, si) => {
    if (mi < 0 && eligible(si)) restS.push(si);
  });
  usedMidi.forEach((used, mi) => {
    if (!used) restM.push(mi);
  });
  const pairs = assignByPitch(
    restS.map((i) => snotes[i]!),
    restM.map((i) => midi[i]!),
    tol,
  );
  for (const [a, b] of pairs) out[restS[a]!] = restM[b]!;
}

/** Score notes in onset order, cut wherever the bar or the repeat pass (`n12-2` → 2) changes. */
function barGroups(match: MatchFile): OffsetGroup[] {
  const notes = match.scoreNotes;
  const order = notes.map((_, i) => i).sort((a, b) => notes[a]!.onsetBeats - notes[b]!.onsetBeats || a - b);
  const groups: OffsetGroup[] = [];
  let key = '';
  for (const i of order) {
    const n = notes[i]!;
    const k = `${n.bar}|${n.id.slice(n.id.lastIndexOf('-') + 1)}`;
    const last = groups[groups.length - 1];
    if (last && k === key) last.notes.push(i);
    else groups.push({ notes: [i] });
    key = k;
  }
  return groups;
}

/** For each match performed note, the index of its performance-MIDI note, or -1. */
export function linkPerfNotes(perf: MidiDoc, match: MatchFile): Int32Array {
  const played: TimedPitch[] = match.perfNotes.map((n) => ({ pitch: n.pitch, time: n.onsetSec }));
  const midi: TimedPitch[] = perf.notes.map((n) => ({ pitch: n.pitch, time: n.onsetSec }));
  const out = new Int32Array(played.length).fill(-1);
  for (const [pi, mi] of assignByPitch(played, midi, PERF_TOL_SEC)) out[pi] = mi;
  return out;
}

function countUnlinked(link: Int32Array): number {
  let n = 0;
  for (const v of link) if (v < 0) n++;
  return n;
}
