// A humanized performance as a piano-roll take on its own (performed) time axis: notes in score
// order with the model's per-note confidence, the rendered pedal, the local tempo it played at, and
// the score's bars and beats carried onto the performed time axis.

import type { Humanized } from '../humanize';
import type { RollGrid, RollNotes, RollTake, RollTempo } from '../protocol/preview';
import { gridOf, pedalOf } from './scoreTake';

export function humanizedTake(h: Humanized, confidence?: Float64Array): RollTake {
  const n = h.rendered.notes.length;
  // Columns follow the rendered notes (score order), not the onset-sorted performance doc, so A/B
  // comparisons and the confidence line up note for note; track and channel come from the score.
  const score = h.analysis.doc.notes;
  const col = (): number[] => new Array<number>(n);
  const notes: RollNotes = { pitch: col(), onsetSec: col(), offsetSec: col(), velocity: col(), track: col(), channel: col() };
  h.rendered.notes.forEach((r, i) => {
    const s = score[r.scoreIndex];
    notes.pitch[i] = r.pitch;
    notes.onsetSec[i] = r.onsetSec;
    notes.offsetSec[i] = r.offsetSec;
    notes.velocity[i] = r.velocity;
    notes.track[i] = s?.track ?? 0;
    notes.channel[i] = s?.channel ?? 0;
  });
  if (confidence) notes.confidence = h.rendered.notes.map((r) => clamp01(confidence[r.scoreIndex] ?? 0));
  let durationSec = 0;
  for (const x of notes.offsetSec) durationSec = Math.max(durationSec, x);
  return {
    notes,
    pedal: pedalOf(h.performance),
    tempo: performedTempo(h),
    grid: performedGrid(h),
    durationSec,
  };
}

/**
 * Local tempo per onset group in quarter-note BPM: the score's BPM there divided by the performed /
 * notated IOI ratio, exp(tempoUsed) (tempoUsed is the log ratio the renderer walked with).
 */
export function performedTempo(h: Humanized): RollTempo {
  const a = h.analysis;
  const tm = a.timeMap;
  const sec: number[] = [];
  const bpm: number[] = [];
  a.groups.forEach((g, i) => {
    const t = h.rendered.tempoUsed[i]!;
    const at = h.rendered.groupOnsetSec[i]!;
    const b = tm.bpmAt(g.tick) / Math.exp(t);
    if (!Number.isFinite(b) || !Number.isFinite(at) || b <= 0) return;
    if (sec.length && at <= sec[sec.length - 1]!) return; // keep the curve's time strictly increasing
    sec.push(at);
    bpm.push(b);
  });
  if (sec.length === 0) return { sec: [0], bpm: [tm.bpmAt(0)] };
  return { sec, bpm };
}

/** Score bars and beats mapped through the piecewise-linear score-second → performed-second map of the groups. */
export function performedGrid(h: Humanized): RollGrid {
  const scoreGrid = gridOf(h.analysis.doc, h.analysis.timeMap);
  const map = performedSecOf(h);
  return { barSec: scoreGrid.barSec.map(map), barNumber: scoreGrid.barNumber, beatSec: scoreGrid.beatSec.map(map) };
}

/** The score-second → performed-second map of a humanized take (through its onset groups). */
export function performedSecOf(h: Humanized): (scoreSec: number) => number {
  const xs: number[] = [];
  const ys: number[] = [];
  h.analysis.groups.forEach((g, i) => {
    const y = h.rendered.groupOnsetSec[i]!;
    if (!Number.isFinite(y) || (xs.length && (g.sec <= xs[xs.length - 1]! || y <= ys[ys.length - 1]!))) return;
    xs.push(g.sec);
    ys.push(y);
  });
  return (s: number): number => interpolate(xs, ys, s);
}

/** Linear interpolation through (xs, ys), extrapolated with the end segments' slopes (slope 1 with one point). */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  const n = xs.length;
  if (n === 0) return x;
  if (n === 1) return ys[0]! + (x - xs[0]!);
  let lo = 0;
  let hi = n - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  const x0 = xs[lo]!;
  const x1 = xs[lo + 1]!;
  return ys[lo]! + ((x - x0) * (ys[lo + 1]! - ys[lo]!)) / (x1 - x0);
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0);
