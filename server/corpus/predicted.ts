// Expression of a humanizer's output, measured the same way as a human performance's.
//
// The output is re-analysed from its rendered notes (the score-note ↔ output-note link is known by
// construction), so a humanizer is judged on what it actually played, never on what it meant to.

import type { Expression } from '../features/expression';
import type { RenderedPerformance } from '../features/render';
import type { ScoreAnalysis } from '../features/scoreFeatures';
import { extractExpression } from '../features/targets';
import type { PerformanceNotes, SanityOutput, SanityScore } from '../eval';

export function measuredExpression(a: ScoreAnalysis, r: RenderedPerformance): Expression {
  return extractExpression(
    a,
    r.notes,
    r.notes.map((n, i) => ({ scoreIndex: n.scoreIndex, perfIndex: i })),
    r.pedal,
  );
}

export function renderedAsPerformance(r: RenderedPerformance): PerformanceNotes {
  return {
    onsetSec: r.notes.map((n) => n.onsetSec),
    offsetSec: r.notes.map((n) => n.offsetSec),
    velocity: r.notes.map((n) => n.velocity),
    pedal: r.pedal,
  };
}

/** Inputs of the sanity checks: the score notes and what the humanizer rendered for each. */
export function sanityInputs(a: ScoreAnalysis, r: RenderedPerformance, measured: Expression): { score: SanityScore; output: SanityOutput } {
  return {
    score: { pitch: a.doc.notes.map((n) => n.pitch), group: [...a.groupOf] },
    output: {
      pitch: r.notes.map((n) => n.pitch),
      onsetSec: r.notes.map((n) => n.onsetSec),
      offsetSec: r.notes.map((n) => n.offsetSec),
      velocity: r.notes.map((n) => n.velocity),
      localTempo: [...measured.tempo].filter(Number.isFinite),
    },
  };
}
