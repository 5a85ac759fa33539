// The normalizer's output space: per bar, "keep" or one anchored timing edit of a fixed amount.
//
// Why a closed, discrete set: the model can only choose among these classes, and every class is a
// timing-only time-axis edit (see edits.ts), so no output of the model can add, drop or re-pitch a note.
// Amounts are in quarter notes (MIDI's "beat": the file's ticks per quarter), so a class means the
// same time in every metre; "subtract" removes time (the bar's content came late), "add" inserts time
// (it came early).

/** Edit amounts in quarter notes, ascending: 32nd and sextuplet steps up to two beats. */
export const AMOUNTS_BEATS: readonly number[] = Object.freeze([1 / 8, 1 / 6, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4, 1, 3 / 2, 2]);

export type EditKind = 'add' | 'subtract';

/** Class 0 is keep; then subtract AMOUNTS[0..], then add AMOUNTS[0..]. */
export const N_CLASSES = 1 + 2 * AMOUNTS_BEATS.length;
export const KEEP = 0;

export interface EditClass {
  kind: EditKind;
  amountBeats: number;
}

/** The edit a class stands for, or undefined for keep. Throws RangeError for a class outside the space. */
export function classToEdit(cls: number): EditClass | undefined {
  if (!Number.isInteger(cls) || cls < 0 || cls >= N_CLASSES) throw new RangeError(`edit class must be an integer 0..${N_CLASSES - 1}, got ${cls}`);
  if (cls === KEEP) return undefined;
  const k = AMOUNTS_BEATS.length;
  const i = (cls - 1) % k;
  return { kind: cls <= k ? 'subtract' : 'add', amountBeats: AMOUNTS_BEATS[i]! };
}

/** Class of a signed displacement in beats (content late > 0 → subtract); keep below half the smallest amount. */
export function displacementToClass(displacementBeats: number): number {
  const mag = Math.abs(displacementBeats);
  if (!Number.isFinite(mag) || mag < AMOUNTS_BEATS[0]! / 2) return KEEP;
  let best = 0;
  for (let i = 1; i < AMOUNTS_BEATS.length; i++) {
    if (Math.abs(AMOUNTS_BEATS[i]! - mag) < Math.abs(AMOUNTS_BEATS[best]! - mag)) best = i;
  }
  return displacementBeats > 0 ? 1 + best : 1 + AMOUNTS_BEATS.length + best;
}

/** Signed displacement in beats that a class removes (subtract → positive). 0 for keep. */
export function classDisplacement(cls: number): number {
  const e = classToEdit(cls);
  if (!e) return 0;
  return e.kind === 'subtract' ? e.amountBeats : -e.amountBeats;
}

/** Human-readable class names, in class order (also stored in the model's metadata). */
export function classNames(): string[] {
  const fmt = (a: number): string => String(Math.round(a * 1e6) / 1e6);
  return ['keep', ...AMOUNTS_BEATS.map((a) => `subtract:${fmt(a)}`), ...AMOUNTS_BEATS.map((a) => `add:${fmt(a)}`)];
}

// What the model predicts: per bar, how far the bar's content sits from its bar line in the rough
// file (its displacement), in bins of 1/24 beat within ±1.5 beats. Why not the edit class directly: an
// edit is the *change* of displacement from one bar to the next, so a model that misses one edit would
// leave every later bar wrong; a displacement is visible around each bar line on its own, so one wrong
// bar costs at most that bar. `editsFromDisplacements` turns displacements into edits, one per bar.

export const DISPLACEMENT_STEP_BEATS = 1 / 24;
export const MAX_DISPLACEMENT_BEATS = 1.5;
const HALF_BINS = Math.round(MAX_DISPLACEMENT_BEATS / DISPLACEMENT_STEP_BEATS);
export const N_DISPLACEMENT_BINS = 2 * HALF_BINS + 1;

/** Bin of a displacement in beats (rounded, clipped to ±MAX_DISPLACEMENT_BEATS). */
export function displacementBin(beats: number): number {
  const k = Number.isFinite(beats) ? Math.round(beats / DISPLACEMENT_STEP_BEATS) : 0;
  return Math.max(-HALF_BINS, Math.min(HALF_BINS, k)) + HALF_BINS;
}

export function binDisplacement(bin: number): number {
  return (bin - HALF_BINS) * DISPLACEMENT_STEP_BEATS;
}

export function displacementBinNames(): string[] {
  return Array.from({ length: N_DISPLACEMENT_BINS }, (_, i) => `displacement:${i - HALF_BINS}/24`);
}

/**
 * One edit class per bar from per-bar displacements (beats, content late > 0): bar by bar, the edit
 * that brings the still-uncorrected displacement back to the line, rounded to the edit space, exactly
 * as the oracle labels noise (noise.ts). Pure; at most one edit per bar by construction.
 */
export function editsFromDisplacements(displacementBeats: ArrayLike<number>): Int32Array {
  const out = new Int32Array(displacementBeats.length);
  let corrected = 0;
  for (let b = 0; b < displacementBeats.length; b++) {
    const cls = displacementToClass(Number(displacementBeats[b]) - corrected);
    out[b] = cls;
    corrected += classDisplacement(cls);
  }
  return out;
}
