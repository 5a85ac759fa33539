// Per-bar input features of the normalizer model, computed from a rough MIDI alone.
//
// Why these: a bar that came late or early shows it in where its onsets sit against the bar line
// (the histogram around the line: downbeat chords, the silence or pile-up a drift leaves) and in the
// phase of its onsets against coarse grids (a bar shifted by a third of a beat is off the quarter grid
// as a block, while jitter is not). The model compares neighbouring bars itself (convolutions).
// Positions are in quarter notes (ticks / ppq), so the features do not depend on the file's ppq.

import type { MidiDoc } from '../midi/model';
import type { BarGrid } from './bars';

/** Histogram window around each bar line, in quarter notes, and its bin width. */
const HIST_FROM_BEATS = -3;
const HIST_BIN_BEATS = 1 / 24;
const HIST_BINS = 144;
/** Grids whose phase is measured (quarter notes). */
const PHASE_GRIDS = [1 / 4, 1 / 3, 1 / 2, 1] as const;

export const NORMALIZER_FEATURE_NAMES: readonly string[] = Object.freeze([
  'log_onsets_in_bar',
  'bar_beats_div4',
  'ts_numerator_div8',
  'ts_log2_denominator',
  'first_onset_from_line_beats',
  'gap_before_line_beats',
  ...PHASE_GRIDS.flatMap((g) => [`phase_cos_${fmt(g)}`, `phase_sin_${fmt(g)}`]),
  ...Array.from({ length: HIST_BINS }, (_, k) => `hist_${k}`),
]);

export const N_NORMALIZER_FEATURES = NORMALIZER_FEATURE_NAMES.length;

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000).replace('.', 'p');
}

/** Row-major [bars, N_NORMALIZER_FEATURES] float32 for the bars of `grid`. */
export function barFeatures(doc: MidiDoc, grid: BarGrid): Float32Array {
  const ppq = doc.ppq;
  const F = N_NORMALIZER_FEATURES;
  const B = grid.startTick.length;
  const out = new Float32Array(B * F);
  const onsets = doc.notes.map((n) => n.onsetTick / ppq).sort((a, b) => a - b);
  const tsAt = timeSignatureLookup(doc);
  for (let b = 0; b < B; b++) {
    const s = grid.startTick[b]! / ppq;
    const len = grid.lengthTicks[b]! / ppq;
    const row = out.subarray(b * F, (b + 1) * F);
    const i0 = lowerBound(onsets, s + HIST_FROM_BEATS);
    const iBar = lowerBound(onsets, s);
    const iEnd = lowerBound(onsets, s + len);
    const ts = tsAt(grid.startTick[b]!);
    row[0] = Math.log1p(iEnd - iBar);
    row[1] = len / 4;
    row[2] = ts.numerator / 8;
    row[3] = Math.log2(Math.max(1, ts.denominator));
    const first = onsets[lowerBound(onsets, s + HIST_FROM_BEATS)];
    row[4] = first === undefined ? 3 : Math.min(3, first - s);
    const prev = iBar > 0 ? onsets[iBar - 1]! : undefined;
    row[5] = prev === undefined ? 4 : Math.min(4, s - prev);
    let k = 6;
    for (const g of PHASE_GRIDS) {
      let c = 0;
      let sn = 0;
      for (let i = iBar; i < iEnd; i++) {
        const ph = (2 * Math.PI * (onsets[i]! - s)) / g;
        c += Math.cos(ph);
        sn += Math.sin(ph);
      }
      const n = Math.max(1, iEnd - iBar);
      row[k++] = c / n;
      row[k++] = sn / n;
    }
    const hist = row.subarray(k, k + HIST_BINS);
    for (let i = i0; i < onsets.length; i++) {
      const bin = Math.floor((onsets[i]! - s - HIST_FROM_BEATS) / HIST_BIN_BEATS + 1e-9);
      if (bin >= HIST_BINS) break;
      if (bin >= 0) hist[bin] = hist[bin]! + 1;
    }
    for (let h = 0; h < HIST_BINS; h++) hist[h] = Math.log1p(hist[h]!);
  }
  return out;
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x - 1e-9) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The signature in force at a tick (binary search: a damaged file may hold many signatures). */
function timeSignatureLookup(doc: MidiDoc): (tick: number) => { numerator: number; denominator: number } {
  const ts = [...doc.timeSignatures].sort((a, b) => a.tick - b.tick);
  return (tick) => {
    let lo = 0;
    let hi = ts.length - 1;
    if (hi < 0 || ts[0]!.tick > tick) return { numerator: 4, denominator: 4 };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ts[mid]!.tick <= tick) lo = mid;
      else hi = mid - 1;
    }
    const t = ts[lo]!;
    return { numerator: t.numerator > 0 ? t.numerator : 4, denominator: t.denominator > 0 ? t.denominator : 4 };
  };
}
