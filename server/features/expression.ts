// The expression of a performance relative to its score: the humanizer's targets.
//
// Local tempo is log(performed IOI / score IOI) between consecutive onset groups, unbounded, so
// phrase-level rubato survives (a target capped at ±½ grid step once deleted it). Together with
// the per-note asynchrony it reproduces every performed onset exactly (see render.ts).

/** Per-performance expression, aligned to a score analysis (notes and groups in score order). */
export interface Expression {
  /** Seconds of the first group's reference onset. */
  startSec: number;
  /** log tempo ratio used before the first defined local tempo (and to extrapolate). */
  initTempo: number;
  /**
   * Per group: log(performed IOI / score IOI) measured from the previous group that has a tempo
   * (normally the previous group); NaN = unknown (see render.ts `groupReferenceOnsets`).
   */
  tempo: Float64Array;
  /** Per note: performed velocity 1..127; NaN = unknown (score velocity is used). */
  velocity: Float64Array;
  /** Per note: onset minus the group's reference onset, seconds; NaN = unknown (0). */
  asyncSec: Float64Array;
  /** Per note: log(performed duration / score duration at local tempo); NaN = unknown. */
  articulation: Float64Array;
  /** Per note: sustain pedal (CC64 / 127) at the onset and at the offset, 0..1; NaN = unknown. */
  pedalOnset: Float64Array;
  pedalOffset: Float64Array;
}

/** Articulation used where none is known: slightly detached, the usual performed/notated ratio. */
export const DEFAULT_ARTICULATION = Math.log(0.9);

/**
 * Score durations shorter than this (grace notes are notated with zero length) are treated as this
 * long when articulation is computed, so the ratio stays finite.
 */
export const MIN_SCORE_DURATION_SEC = 0.03;

/** Performed durations shorter than this are clamped before the log (a 0-length MIDI note exists). */
export const MIN_PERFORMED_DURATION_SEC = 0.001;

/** A performed IOI below this (seconds) between groups cannot carry a tempo; the group is masked. */
export const MIN_PERFORMED_IOI_SEC = 0.005;

/**
 * A group whose IOI from the previous anchor is more than 20 times longer or shorter than notated
 * is taken for an alignment error, not for rubato (a long fermata is about 10x), and gets no tempo:
 * its notes keep their exact onsets through the asynchrony instead.
 */
export const MAX_ABS_LOG_TEMPO = Math.log(20);

export function emptyExpression(groups: number, notes: number): Expression {
  const nan = (n: number): Float64Array => new Float64Array(n).fill(Number.NaN);
  return {
    startSec: 0,
    initTempo: 0,
    tempo: nan(groups),
    velocity: nan(notes),
    asyncSec: nan(notes),
    articulation: nan(notes),
    pedalOnset: nan(notes),
    pedalOffset: nan(notes),
  };
}
