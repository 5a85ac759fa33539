// Renders a score plus an expression into performed notes (seconds) and sustain-pedal events.

import type { ScoreAnalysis } from './scoreFeatures';
import { DEFAULT_ARTICULATION, MIN_SCORE_DURATION_SEC, type Expression } from './expression';

export interface RenderedNote {
  /** Index of the score note this renders (same order as the score's notes). */
  scoreIndex: number;
  pitch: number;
  velocity: number;
  onsetSec: number;
  offsetSec: number;
}

export interface RenderedPerformance {
  /** One per score note, in score order. */
  notes: RenderedNote[];
  /** Sustain pedal value changes, sorted by time. */
  pedal: { sec: number; value: number }[];
  /** Reference onset per group (seconds). */
  groupOnsetSec: Float64Array;
  /** The local tempo actually used per group (unknown ones continued from the previous group). */
  tempoUsed: Float64Array;
}

/**
 * Walks the groups. A group with a tempo is an *anchor*: R[g] = R[anchor] + scoreIOI * exp(tempo[g]),
 * measured from the previous anchor. A group without one (not played, or played out of order)
 * gets an onset extrapolated from the last anchor at the current tempo, but never becomes an
 * anchor itself, so one unknown group cannot push every later group off course.
 *
 * `tempoOf(g, anchorSec, anchorScoreSec)` gives group g's tempo (NaN: not an anchor). Rendering
 * reads it from the expression; target extraction computes it from the performance. Both go
 * through this one walk, so render(extract(performance)) reproduces the performance bit for bit.
 */
export function walkGroups(
  a: ScoreAnalysis,
  startSec: number,
  initTempo: number,
  tempoOf: (g: number, anchorSec: number, anchorScoreSec: number) => number,
): { onset: Float64Array; tempoUsed: Float64Array } {
  const G = a.groups.length;
  const onset = new Float64Array(G);
  const tempoUsed = new Float64Array(G);
  let cur = Number.isFinite(initTempo) ? initTempo : 0;
  let anchorSec = startSec;
  let anchorScoreSec = a.groups[0]?.sec ?? 0;
  for (let g = 0; g < G; g++) {
    const s = a.groups[g]!.sec;
    if (g === 0) {
      onset[0] = startSec;
    } else {
      const t = tempoOf(g, anchorSec, anchorScoreSec);
      if (Number.isFinite(t)) cur = t;
      onset[g] = nextOnset(anchorSec, anchorScoreSec, s, cur);
      if (Number.isFinite(t)) {
        anchorSec = onset[g]!;
        anchorScoreSec = s;
      }
    }
    tempoUsed[g] = cur;
  }
  return { onset, tempoUsed };
}

export function groupReferenceOnsets(a: ScoreAnalysis, e: Expression): { onset: Float64Array; tempoUsed: Float64Array } {
  return walkGroups(a, e.startSec, e.initTempo, (g) => e.tempo[g]!);
}

/** One step of the tempo walk; shared with the target extractor so both compute bit-identical times. */
export function nextOnset(prevOnsetSec: number, prevScoreSec: number, scoreSec: number, logTempo: number): number {
  return prevOnsetSec + (scoreSec - prevScoreSec) * Math.exp(logTempo);
}

/** Local tempo that governs a note's duration: the tempo of the group's outgoing IOI. */
export function durationTempo(tempoUsed: Float64Array, g: number): number {
  return g + 1 < tempoUsed.length ? tempoUsed[g + 1]! : tempoUsed[g]!;
}

export function scoreDurationSec(a: ScoreAnalysis, i: number): number {
  const n = a.doc.notes[i]!;
  return Math.max(MIN_SCORE_DURATION_SEC, a.timeMap.tickToSec(n.offsetTick) - a.timeMap.tickToSec(n.onsetTick));
}

export function render(a: ScoreAnalysis, e: Expression): RenderedPerformance {
  const { onset: groupOnsetSec, tempoUsed } = groupReferenceOnsets(a, e);
  const notes: RenderedNote[] = a.doc.notes.map((n, i) => {
    const g = a.groupOf[i]!;
    const asyncSec = finiteOr(e.asyncSec[i]!, 0);
    const onsetSec = groupOnsetSec[g]! + asyncSec;
    const artic = finiteOr(e.articulation[i]!, DEFAULT_ARTICULATION);
    const dur = scoreDurationSec(a, i) * Math.exp(durationTempo(tempoUsed, g) + artic);
    const v = finiteOr(e.velocity[i]!, n.velocity);
    return {
      scoreIndex: i,
      pitch: n.pitch,
      velocity: Math.min(127, Math.max(1, Math.round(v))),
      onsetSec,
      offsetSec: onsetSec + dur,
    };
  });
  const endSec = notes.reduce((m, n) => Math.max(m, n.offsetSec), 0);
  return { notes, pedal: renderPedal(a, e, groupOnsetSec, endSec), groupOnsetSec, tempoUsed };
}

/**
 * Pedal from per-note targets, one decision per group: the mean pedal at the onsets sets the value
 * at the group's onset; if the pedal is up at the onsets but down by the offsets, the pianist is
 * pedalling legato (release on the new harmony, press just after), so we press a little later.
 */
function renderPedal(
  a: ScoreAnalysis,
  e: Expression,
  groupOnsetSec: Float64Array,
  endSec: number,
): { sec: number; value: number }[] {
  const out: { sec: number; value: number }[] = [];
  let last = 0;
  const push = (sec: number, value: number): void => {
    const v = Math.min(127, Math.max(0, Math.round(value * 127)));
    if (v !== last) out.push({ sec, value: v });
    last = v;
  };
  a.groups.forEach((g, gi) => {
    const on = mean(g.noteIndices.map((i) => e.pedalOnset[i]!));
    const off = mean(g.noteIndices.map((i) => e.pedalOffset[i]!));
    if (!Number.isFinite(on)) return;
    const t = groupOnsetSec[gi]!;
    push(t, on);
    if (Number.isFinite(off) && on < 0.5 && off >= 0.5) {
      const next = groupOnsetSec[gi + 1];
      const delay = next === undefined ? 0.08 : Math.min(0.08, Math.max(0.005, (next - t) / 2));
      push(t + delay, off);
    }
  });
  // Release at the end so the output never leaves the pedal down.
  if (last !== 0) out.push({ sec: Math.max(endSec, out[out.length - 1]?.sec ?? 0), value: 0 });
  return out.sort((x, y) => x.sec - y.sec);
}

function mean(xs: number[]): number {
  let s = 0;
  let n = 0;
  for (const x of xs) if (Number.isFinite(x)) (s += x), n++;
  return n ? s / n : Number.NaN;
}

function finiteOr(x: number, d: number): number {
  return Number.isFinite(x) ? x : d;
}
