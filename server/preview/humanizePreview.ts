// Humanizes a score for the piano roll: the bundled model (per-note confidence) or the rules, with a
// strength that blends either toward the deadpan score, and the result as a drawable take.

import { existsSync } from 'node:fs';
import type { Expression } from '../features/expression';
import { render } from '../features/render';
import { analyzeScore, feature, type ScoreAnalysis } from '../features/scoreFeatures';
import { DEFAULT_STYLE, type Style } from '../features/style';
import { expressionFor, performanceDoc, separateRepeatedKeys, shiftToLeadIn, type Humanized } from '../humanize';
import { humanizeWithModel } from '../inference/modelHumanizer';
import { modelStyleDefaults } from '../inference/modelStyle';
import type { MidiDoc } from '../midi/model';
import type { PreviewMethod, RollTake } from '../protocol/preview';
import { defaultHumanizer } from '../models/bundled';
import { humanizedTake } from './humanizedTake';

/** The rules are seeded; the preview always uses one seed so a slider back where it was gives the same take. */
const RULES_SEED = 0;

export class PreviewError extends Error {}

/** The default humanizer (`rubato.defaultModel`, else the bundled model); `RUBATO_PREVIEW_MODEL` overrides it (tests, power users). */
export function previewModelPath(): string | undefined {
  const env = process.env.RUBATO_PREVIEW_MODEL;
  if (env !== undefined) return env === '' || !existsSync(env) ? undefined : env;
  return defaultHumanizer().path;
}

/** Slider defaults: the model's training-data style when it has one, else the rules' defaults. */
export async function defaultPreviewStyle(modelPath: string | undefined): Promise<Style> {
  return modelPath ? await modelStyleDefaults(modelPath) : { ...DEFAULT_STYLE };
}

export interface PreviewHumanized {
  humanized: Humanized;
  take: RollTake;
  method: 'model' | 'rules';
  provider: string | null;
}

export async function humanizePreview(score: MidiDoc, style: Style, strength: number, method: PreviewMethod, modelPath = previewModelPath()): Promise<PreviewHumanized> {
  if (score.notes.length === 0) throw new PreviewError(`${score.source}: the file has no notes to humanize`);
  if (!(strength >= 0 && strength <= 1)) throw new PreviewError(`strength must be within 0..1, got ${strength}`);
  if (method === 'model' && !modelPath) throw new PreviewError('no humanizer model is installed; choose the rules method');
  if (method !== 'rules' && modelPath) {
    const h = await humanizeWithModel(score, { modelPath, strength, style });
    return { humanized: h, take: humanizedTake(h, h.confidence), method: 'model', provider: h.provider };
  }
  const h = humanizeRules(score, style, strength);
  return { humanized: h, take: humanizedTake(h), method: 'rules', provider: null };
}

/** The rules humanizer, blended toward the deadpan score by `strength` exactly as the model's decoder does. */
export function humanizeRules(score: MidiDoc, style: Style, strength: number): Humanized {
  const analysis = analyzeScore(score);
  const expression = towardDeadpan(analysis, expressionFor(analysis, { method: 'rules', style, seed: RULES_SEED }), style, strength);
  const rendered = separateRepeatedKeys(shiftToLeadIn(render(analysis, expression)));
  return { analysis, expression, rendered, performance: performanceDoc(rendered, score.source) };
}

/**
 * s·expression + (1−s)·deadpan, where deadpan (as in server/inference/decode.ts) is: the score's
 * velocities, no asynchrony, notated durations, no pedal, and the style's overall tempo everywhere.
 */
export function towardDeadpan(a: ScoreAnalysis, e: Expression, style: Style, s: number): Expression {
  if (s === 1) return e;
  const mix = (x: number, dead: number): number => (Number.isFinite(x) ? s * x + (1 - s) * dead : x);
  const map = (xs: Float64Array, dead: (i: number) => number): Float64Array => xs.map((x, i) => mix(x, dead(i)));
  return {
    startSec: e.startSec,
    initTempo: mix(e.initTempo, style.tempo),
    tempo: map(e.tempo, () => style.tempo),
    velocity: map(e.velocity, (i) => feature(a, i, 'score_velocity')),
    asyncSec: map(e.asyncSec, () => 0),
    articulation: map(e.articulation, () => 0),
    pedalOnset: map(e.pedalOnset, () => 0),
    pedalOffset: map(e.pedalOffset, () => 0),
  };
}
