// Extracts the expression (targets) of a human performance from its alignment to the score.

import type { MidiDoc } from '../midi/model';
import {
  emptyExpression,
  MIN_PERFORMED_DURATION_SEC,
  MIN_PERFORMED_IOI_SEC,
  MAX_ABS_LOG_TEMPO,
  type Expression,
} from './expression';
import { durationTempo, scoreDurationSec, walkGroups } from './render';
import type { ScoreAnalysis } from './scoreFeatures';

/** A performed note as the extractor needs it (a MIDI note or a rendered one). */
export interface PerformedNote {
  pitch: number;
  velocity: number;
  onsetSec: number;
  offsetSec: number;
}

export interface Link {
  scoreIndex: number;
  perfIndex: number;
}

/**
 * Targets of a performance. Group reference onsets are walked exactly as `render` walks them, so
 * rendering the result reproduces every aligned onset (to float64 rounding) and velocity exactly.
 */
export function extractExpression(
  a: ScoreAnalysis,
  perfNotes: readonly PerformedNote[],
  pairs: readonly Link[],
  sustain: readonly { sec: number; value: number }[],
): Expression {
  const G = a.groups.length;
  const N = a.doc.notes.length;
  const e = emptyExpression(G, N);
  const perfOf = new Int32Array(N).fill(-1);
  for (const p of pairs) {
    if (p.scoreIndex < 0 || p.scoreIndex >= N || p.perfIndex < 0 || p.perfIndex >= perfNotes.length) {
      throw new RangeError(`alignment pair out of range: score ${p.scoreIndex}, performance ${p.perfIndex}`);
    }
    perfOf[p.scoreIndex] = p.perfIndex;
  }

  // Performed onset of each group: mean of its aligned principal (chord) notes, else of any aligned note.
  const perfGroupSec = new Float64Array(G).fill(Number.NaN);
  a.groups.forEach((g, gi) => {
    const on = (idx: number[]): number[] => idx.filter((i) => perfOf[i]! >= 0).map((i) => perfNotes[perfOf[i]!]!.onsetSec);
    const principal = on(g.principal);
    const xs = principal.length ? principal : on(g.noteIndices);
    if (xs.length) perfGroupSec[gi] = xs.reduce((s, x) => s + x, 0) / xs.length;
  });
  const aligned = [...perfGroupSec.keys()].filter((gi) => Number.isFinite(perfGroupSec[gi]!));
  if (aligned.length === 0) return e;

  const first = aligned[0]!;
  const last = aligned[aligned.length - 1]!;
  const scoreSpan = a.groups[last]!.sec - a.groups[first]!.sec;
  const perfSpan = perfGroupSec[last]! - perfGroupSec[first]!;
  e.initTempo = scoreSpan > 0 && perfSpan > 0 ? Math.log(perfSpan / scoreSpan) : 0;
  // Start so that the walk at the initial tempo reaches the first aligned group on time.
  e.startSec = perfGroupSec[first]! - (a.groups[first]!.sec - a.groups[0]!.sec) * Math.exp(e.initTempo);

  // The walk render.ts uses; here each group's tempo is measured from the last anchor.
  const { onset: ref, tempoUsed } = walkGroups(a, e.startSec, e.initTempo, (g, anchorSec, anchorScoreSec) => {
    const target = perfGroupSec[g]!;
    const perfIoi = target - anchorSec;
    const scoreIoi = a.groups[g]!.sec - anchorScoreSec;
    const logRatio = Number.isFinite(target) && perfIoi >= MIN_PERFORMED_IOI_SEC && scoreIoi > 0 ? Math.log(perfIoi / scoreIoi) : Number.NaN;
    e.tempo[g] = Math.abs(logRatio) <= MAX_ABS_LOG_TEMPO ? logRatio : Number.NaN;
    return e.tempo[g]!;
  });

  const pedalAt = pedalLookup(sustain);
  for (let i = 0; i < N; i++) {
    const pi = perfOf[i]!;
    if (pi < 0) continue;
    const p = perfNotes[pi]!;
    const g = a.groupOf[i]!;
    e.velocity[i] = p.velocity;
    e.asyncSec[i] = p.onsetSec - ref[g]!;
    const perfDur = Math.max(MIN_PERFORMED_DURATION_SEC, p.offsetSec - p.onsetSec);
    e.articulation[i] = Math.log(perfDur / scoreDurationSec(a, i)) - durationTempo(tempoUsed, g);
    e.pedalOnset[i] = pedalAt(p.onsetSec) / 127;
    e.pedalOffset[i] = pedalAt(p.offsetSec) / 127;
  }
  return e;
}

/** Sustain value (0..127) at a time, from a sorted step function; 0 before the first event. */
export function pedalLookup(events: readonly { sec: number; value: number }[]): (sec: number) => number {
  const sorted = [...events].sort((x, y) => x.sec - y.sec);
  return (sec: number): number => {
    let lo = 0;
    let hi = sorted.length - 1;
    let v = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.sec <= sec) {
        v = sorted[mid]!.value;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return v;
  };
}

/** Performed notes of a MIDI document in the extractor's shape. */
export function performedNotes(doc: MidiDoc): PerformedNote[] {
  return doc.notes.map((n) => ({ pitch: n.pitch, velocity: n.velocity, onsetSec: n.onsetSec, offsetSec: n.offsetSec }));
}
