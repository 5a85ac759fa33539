// Phrase positions from bar structure: where a note sits in its phrase, half-phrase and section.

import type { ScoreAnalysis } from '../features/scoreFeatures';

/** Quarters a phrase should span; the bar count is the power of two closest to this. */
const TARGET_PHRASE_QUARTERS = 12;

export interface PhrasePositions {
  /** Bars per phrase (1, 2, 4 or 8). */
  phraseBars: number;
  /** Per group: position in its phrase, half-phrase and two-phrase section, each 0 .. <1. */
  phrase: Float64Array;
  half: Float64Array;
  section: Float64Array;
  /** Per group: 0 .. 1 through the final stretch (last two phrases' worth of quarters), else 0. */
  finalStretch: Float64Array;
}

export function phrasePositions(a: ScoreAnalysis): PhrasePositions {
  const G = a.groups.length;
  const firstNote = (gi: number): number => a.groups[gi]!.principal[0] ?? a.groups[gi]!.noteIndices[0]!;
  const barQuarters = G ? a.metric[firstNote(Math.floor(G / 2))]!.barTicks / a.doc.ppq : 4;
  const raw = TARGET_PHRASE_QUARTERS / Math.max(0.5, barQuarters);
  const phraseBars = [1, 2, 4, 8].reduce((best, b) => (Math.abs(Math.log(b / raw)) < Math.abs(Math.log(best / raw)) ? b : best), 4);
  // Bars counted from the first full bar, so a pickup leads into phrase 1 instead of starting it.
  const pickup = G > 0 && a.metric[firstNote(0)]!.barPhase > 0 ? 1 : 0;
  const phrase = new Float64Array(G);
  const half = new Float64Array(G);
  const section = new Float64Array(G);
  const finalStretch = new Float64Array(G);
  const lastTick = a.groups[G - 1]?.tick ?? 0;
  const stretchTicks = Math.min(lastTick - (a.groups[0]?.tick ?? 0), 2 * phraseBars * barQuarters * a.doc.ppq) || 1;
  for (let g = 0; g < G; g++) {
    const m = a.metric[firstNote(g)]!;
    const barPos = m.bar - (pickup ? 1 : 0) + m.barPhase;
    const pos = (len: number): number => (((barPos % len) + len) % len) / len;
    phrase[g] = pos(phraseBars);
    half[g] = pos(Math.max(1, phraseBars / 2));
    section[g] = pos(phraseBars * 2);
    const fromEnd = lastTick - a.groups[g]!.tick;
    finalStretch[g] = fromEnd < stretchTicks ? 1 - fromEnd / stretchTicks : 0;
  }
  return { phraseBars, phrase, half, section, finalStretch };
}
