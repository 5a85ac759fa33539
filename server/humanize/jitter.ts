// "Jitter" humanizer: random timing and velocity, as a DAW's humanize button does. A chance-level
// baseline: it ignores the score's dynamics (a DAW starts from deadpan input), so its expression
// correlates with no pianist.

import { emptyExpression, type Expression } from '../features/expression';
import type { ScoreAnalysis } from '../features/scoreFeatures';
import type { Style } from '../features/style';
import { gaussian, mulberry32 } from '../prng';

/** Per-note onset jitter (standard deviation) and velocity spread, typical DAW humanize settings. */
export const JITTER_ONSET_SD_SEC = 0.015;
export const JITTER_LEVEL = 64;

export function jitterExpression(a: ScoreAnalysis, style: Style, seed: number): Expression {
  const rng = mulberry32(seed);
  const e = emptyExpression(a.groups.length, a.doc.notes.length);
  e.initTempo = style.tempo;
  e.tempo.fill(style.tempo);
  for (let i = 0; i < a.doc.notes.length; i++) {
    e.asyncSec[i] = JITTER_ONSET_SD_SEC * gaussian(rng);
    e.velocity[i] = Math.min(127, Math.max(1, Math.round(JITTER_LEVEL + style.dynamics * gaussian(rng))));
    e.articulation[i] = style.articulation;
    e.pedalOnset[i] = 0;
    e.pedalOffset[i] = 0;
  }
  // The first group cannot move earlier than time 0.
  e.startSec = 4 * JITTER_ONSET_SD_SEC;
  return e;
}
