// Synthetic quantization noise: a clean score MIDI → a "rough" MIDI like crowdsourced or roughly
// exported files, with the per-bar corrections that undo it (the normalizer's training labels).
//
// Deterministic for a seed (server/prng.ts). What it does, modelled on real rough MIDI:
//   - bar-level drift: from some bar on, the content comes late (time inserted at the bar line) or early
//     (time deleted just before it; only where the deleted span holds no onset, so the edit that undoes
//     it is exact), the accumulated displacement bounded (maxDisplacementBeats);
//   - mis-scaled sections: a few bars whose content runs at 94..106 % of the notated length, so the
//     bar lines drift progressively (each bar's drift is then one edit, rounded to the edit space);
//   - off-grid onset jitter (below the snap radius), offsets jittered and some durations wrong;
//   - dropped tempo changes and doubled (repeated) tempo events.
// Bar lines stay where the time signatures put them: that is what a rough file states.
// The clean → rough map of the timeline is monotone and piecewise linear, one piece per clean bar:
//   M(t) = min(R[b] + slope[b] · (t − s[b]), R[b + 1]) for t in bar b.

import type { MidiDoc, Note, PedalEvent } from '../midi/model';
import { pedalIntervals } from '../midi/read';
import { TimeMap } from '../midi/timeMap';
import { gaussian, mulberry32, type Rng } from '../prng';
import { barGrid, type BarGrid } from './bars';
import { editGrid, lastOnsetTick } from './decode';
import { AMOUNTS_BEATS, displacementToClass, KEEP, classDisplacement } from './editSpace';
import { applyTickEdits } from './timeEdits';

export interface NoiseOptions {
  /** Probability that a bar starts a drift. */
  driftProb: number;
  /** Largest displacement of a bar's content from its bar line that drifts may build up, in beats. */
  maxDisplacementBeats: number;
  /** Probability that a bar starts a mis-scaled section (2–6 bars). */
  scaledSectionProb: number;
  /** Largest relative error of a mis-scaled section (0.06 = 94..106 %). */
  scaleMax: number;
  /** Onset jitter: standard deviation and hard bound, in quarter notes. */
  jitterSdBeats: number;
  jitterMaxBeats: number;
  /** Probability that a note's duration is wrong (scaled by 0.5..1.5). */
  durationProb: number;
  tempoDropProb: number;
  tempoDoubleProb: number;
}

export const DEFAULT_NOISE: Readonly<NoiseOptions> = Object.freeze({
  driftProb: 0.06,
  maxDisplacementBeats: 1.5,
  scaledSectionProb: 0.02,
  scaleMax: 0.06,
  jitterSdBeats: 0.008,
  jitterMaxBeats: 0.018,
  durationProb: 0.1,
  tempoDropProb: 0.2,
  tempoDoubleProb: 0.1,
});

export interface Noisy {
  rough: MidiDoc;
  /** For rough note i (in rough.notes order), the index of the clean note it came from. */
  cleanIndex: Int32Array;
  /** The oracle's class per bar of the rough file (editSpace.ts), the sequence that undoes the drift. */
  labels: Int32Array;
  /** Per bar of the rough file, its content's displacement from the bar line in beats (what the model predicts). */
  displacementBeats: Float64Array;
  /** Bars that received a drift or started a mis-scaled section (0-based, clean bars). */
  driftBars: number[];
  scaledBars: number[];
}

/** Piecewise-linear clean → rough tick map (see the file comment). */
export class TimelineMap {
  constructor(
    readonly grid: BarGrid,
    readonly R: Float64Array,
    readonly slope: Float64Array,
  ) {}

  map(tick: number): number {
    const s = this.grid.startTick;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= tick) lo = mid;
      else hi = mid - 1;
    }
    const lin = this.R[lo]! + this.slope[lo]! * (tick - s[lo]!);
    const next = this.R[lo + 1];
    return next === undefined ? lin : Math.min(lin, next);
  }
}

/** Adds noise to a clean score. Throws TooManyBarsError (bars.ts) for an absurd bar count. */
export function addNoise(clean: MidiDoc, seed: number, opts: NoiseOptions = DEFAULT_NOISE): Noisy {
  const rng = mulberry32(seed);
  const ppq = clean.ppq;
  const grid = barGrid(ppq, clean.timeSignatures, lastOnsetTick(clean));
  const B = grid.startTick.length;
  const onsets = clean.notes.map((n) => n.onsetTick).sort((a, b) => a - b);
  const R = new Float64Array(B);
  const slope = new Float64Array(B).fill(1);
  const driftBars: number[] = [];
  const scaledBars: number[] = [];
  let scaledLeft = 0;
  let factor = 1;
  for (let b = 0; b < B; b++) {
    if (b > 0) R[b] = R[b - 1]! + slope[b - 1]! * grid.lengthTicks[b - 1]!;
    if (rng() < opts.driftProb) {
      // Candidates keep the content within maxDisplacementBeats of its bar line: a bar slips out and is
      // later slipped back, as in sequencer files, and the model can see the displacement near the line.
      const len = grid.lengthTicks[b]!;
      const s = grid.startTick[b]!;
      const disp = R[b]! - s;
      const limit = opts.maxDisplacementBeats * ppq;
      const candidates: number[] = [];
      for (const a of AMOUNTS_BEATS) {
        const A = Math.round(a * ppq);
        if (A === 0 || A >= 0.5 * len) continue;
        if (disp + A <= limit) candidates.push(A);
        // Early content deletes [s - A, s) of the timeline: only where no onset lies there (and the bar
        // before keeps a positive rough length).
        const span = A / Math.max(slope[b - 1] ?? 1, 0.5);
        if (b > 0 && disp - A >= -limit && !hasOnsetIn(onsets, s - span - 1, s) && R[b]! - A > R[b - 1]! + 1) candidates.push(-A);
      }
      const shift = candidates[Math.floor(rng() * candidates.length)];
      if (shift !== undefined) {
        R[b] = R[b]! + shift;
        driftBars.push(b);
      }
    }
    if (scaledLeft === 0 && rng() < opts.scaledSectionProb) {
      scaledLeft = 2 + Math.floor(rng() * 5);
      const mag = opts.scaleMax * (0.3 + 0.7 * rng());
      factor = rng() < 0.5 ? 1 - mag : 1 + mag;
      scaledBars.push(b);
    }
    if (scaledLeft > 0) {
      slope[b] = factor;
      scaledLeft--;
    }
  }
  const M = new TimelineMap(grid, R, slope);

  const maxJitter = opts.jitterMaxBeats * ppq;
  const jitter = (): number => Math.max(-maxJitter, Math.min(maxJitter, gaussian(rng) * opts.jitterSdBeats * ppq));
  const notes: Note[] = clean.notes.map((n) => {
    const on = Math.max(0, Math.round(M.map(n.onsetTick) + jitter()));
    let off = Math.round(M.map(n.offsetTick) + jitter());
    if (rng() < opts.durationProb) off = on + Math.round((n.offsetTick - n.onsetTick) * (0.5 + rng()));
    off = Math.max(off, n.offsetTick > n.onsetTick ? on + 1 : on);
    return { ...n, onsetTick: on, offsetTick: off };
  });

  const tempoChanges = roughTempos(clean, M, rng, opts);
  const tm = new TimeMap(ppq, tempoChanges);
  const order = notes.map((_, i) => i);
  order.sort((i, j) => {
    const a = notes[i]!;
    const b = notes[j]!;
    return a.onsetTick - b.onsetTick || a.pitch - b.pitch || a.track - b.track || a.channel - b.channel || a.offsetTick - b.offsetTick || i - j;
  });
  const roughNotes = order.map((i) => {
    const n = notes[i]!;
    return { ...n, onsetSec: tm.tickToSec(n.onsetTick), offsetSec: tm.tickToSec(n.offsetTick) };
  });
  const sustain: PedalEvent[] = clean.sustain.map((p) => {
    const tick = Math.max(0, Math.round(M.map(p.tick)));
    return { ...p, tick, sec: tm.tickToSec(tick) };
  });
  sustain.sort((a, b) => a.tick - b.tick);
  let endTick = 0;
  for (const n of roughNotes) endTick = Math.max(endTick, n.offsetTick);
  for (const p of sustain) endTick = Math.max(endTick, p.tick);
  for (const t of tm.tempos) endTick = Math.max(endTick, t.tick);
  for (const t of clean.timeSignatures) endTick = Math.max(endTick, t.tick);
  const rough: MidiDoc = {
    ...clean,
    source: `${clean.source} (noise seed ${seed})`,
    notes: roughNotes,
    sustain,
    pedal: pedalIntervals(sustain, tm, endTick),
    tempos: [...tm.tempos],
    endTick,
    warnings: [],
  };
  const labels = oracleLabels(rough, M);
  const roughBars = labels.length;
  const displacementBeats = new Float64Array(roughBars);
  for (let b = 0; b < roughBars; b++) {
    // Bars past the clean score's end hold no content: they keep the last displacement.
    displacementBeats[b] = b < B ? (R[b]! - grid.startTick[b]!) / ppq : b > 0 ? displacementBeats[b - 1]! : 0;
  }
  return { rough, cleanIndex: Int32Array.from(order), labels, displacementBeats, driftBars, scaledBars };
}

function hasOnsetIn(sorted: readonly number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! < to;
}

/** Tempo changes moved with the timeline, some dropped, some written twice (a repeat a few ticks on). */
function roughTempos(clean: MidiDoc, M: TimelineMap, rng: Rng, opts: NoiseOptions): { tick: number; usPerQuarter: number }[] {
  const out: { tick: number; usPerQuarter: number }[] = [];
  for (const t of clean.tempos) {
    const tick = t.tick === 0 ? 0 : Math.max(0, Math.round(M.map(t.tick)));
    if (t.tick > 0 && rng() < opts.tempoDropProb) continue;
    out.push({ tick, usPerQuarter: t.usPerQuarter });
    if (rng() < opts.tempoDoubleProb) out.push({ tick: tick + Math.floor(rng() * clean.ppq), usPerQuarter: t.usPerQuarter });
  }
  return out;
}

/**
 * The class per rough bar that moves each clean bar line back onto its bar line, chosen bar by bar on
 * the timeline the previous corrections left (exactly how decode.ts applies them), rounded to the edit
 * space. Bars the clean score does not reach are "keep".
 */
export function oracleLabels(rough: MidiDoc, M: TimelineMap): Int32Array {
  const ppq = rough.ppq;
  const roughGrid = editGrid(rough);
  const n = Math.min(roughGrid.startTick.length, M.grid.startTick.length);
  const labels = new Int32Array(roughGrid.startTick.length).fill(KEEP);
  // Current rough position of each clean bar line, corrected edit by edit.
  const pos = Float64Array.from(M.R.subarray(0, n));
  for (let b = 0; b < n; b++) {
    const s = roughGrid.startTick[b]!;
    const cls = displacementToClass((pos[b]! - s) / ppq);
    labels[b] = cls;
    const shift = Math.round(classDisplacement(cls) * ppq);
    if (shift !== 0) applyTickEdits(pos, [{ barStartTick: s, shiftTicks: shift }]);
  }
  return labels;
}
