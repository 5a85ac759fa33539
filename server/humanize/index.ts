// The humanize pipeline: score MIDI -> analysis -> expression (by a method) -> performance MIDI.

import type { MidiDoc } from '../midi/model';
import { docFromSeconds } from '../midi/write';
import type { Expression } from '../features/expression';
import { render, type RenderedPerformance } from '../features/render';
import { analyzeScore, type ScoreAnalysis } from '../features/scoreFeatures';
import type { Style } from '../features/style';
import { jitterExpression } from './jitter';
import { rulesExpression } from './rules';

export const METHODS = ['rules', 'jitter', 'model'] as const;
export type Method = (typeof METHODS)[number];

export interface HumanizeOptions {
  method: Exclude<Method, 'model'>;
  style: Style;
  seed: number;
}

export interface Humanized {
  analysis: ScoreAnalysis;
  expression: Expression;
  rendered: RenderedPerformance;
  performance: MidiDoc;
}

/** Seconds of silence kept before the first note of a rendered performance. */
const LEAD_IN_SEC = 0.2;

export function expressionFor(a: ScoreAnalysis, opts: HumanizeOptions): Expression {
  switch (opts.method) {
    case 'rules':
      return rulesExpression(a, opts.style, opts.seed);
    case 'jitter':
      return jitterExpression(a, opts.style, opts.seed);
  }
}

export function humanize(score: MidiDoc, opts: HumanizeOptions): Humanized {
  const analysis = analyzeScore(score);
  const expression = expressionFor(analysis, opts);
  const rendered = separateRepeatedKeys(shiftToLeadIn(render(analysis, expression)));
  return { analysis, expression, rendered, performance: performanceDoc(rendered, score.source) };
}

/** Moves a rendered performance so its first event sits at LEAD_IN_SEC (never before time 0). */
export function shiftToLeadIn(r: RenderedPerformance): RenderedPerformance {
  const first = Math.min(...r.notes.map((n) => n.onsetSec), ...r.pedal.map((p) => p.sec));
  if (!Number.isFinite(first)) return r;
  const d = LEAD_IN_SEC - first;
  return {
    notes: r.notes.map((n) => ({ ...n, onsetSec: n.onsetSec + d, offsetSec: n.offsetSec + d })),
    pedal: r.pedal.map((p) => ({ ...p, sec: p.sec + d })),
    groupOnsetSec: r.groupOnsetSec.map((s) => s + d),
    tempoUsed: r.tempoUsed,
  };
}

/** A key must be released before it is struck again; shorten a note that would still sound. */
const REPEAT_GAP_SEC = 0.01;

export function separateRepeatedKeys(r: RenderedPerformance): RenderedPerformance {
  const notes = r.notes.map((n) => ({ ...n }));
  const byPitch = new Map<number, typeof notes>();
  for (const n of notes) byPitch.set(n.pitch, [...(byPitch.get(n.pitch) ?? []), n]);
  for (const same of byPitch.values()) {
    same.sort((x, y) => x.onsetSec - y.onsetSec);
    for (let k = 0; k + 1 < same.length; k++) {
      const cur = same[k]!;
      const next = same[k + 1]!;
      if (cur.offsetSec > next.onsetSec - REPEAT_GAP_SEC) {
        cur.offsetSec = Math.max(cur.onsetSec + REPEAT_GAP_SEC / 2, next.onsetSec - REPEAT_GAP_SEC);
      }
    }
  }
  return { ...r, notes };
}

/** A MAESTRO-style performance file: one tempo (120 BPM), 480 ticks per quarter, notes in seconds. */
export function performanceDoc(r: RenderedPerformance, source: string): MidiDoc {
  return docFromSeconds({
    source,
    notes: r.notes.map((n) => ({ pitch: n.pitch, velocity: n.velocity, onsetSec: n.onsetSec, offsetSec: n.offsetSec })),
    sustain: r.pedal,
  });
}
