// The "model" humanizer: a trained PerformanceNet (ONNX) predicts the expression of a score.

import type { MidiDoc } from '../midi/model';
import type { Expression } from '../features/expression';
import { render } from '../features/render';
import { analyzeScore, SCORE_FEATURE_NAMES, type ScoreAnalysis } from '../features/scoreFeatures';
import { STYLE_NAMES, type Style } from '../features/style';
import { performanceDoc, separateRepeatedKeys, shiftToLeadIn, type Humanized } from '../humanize';
import { decodeExpression } from './decode';
import { ModelFileError, TARGET_NAMES } from './onnxMetadata';
import { loadModel, runModel, type LoadedModel, type Provider } from './onnxSession';
import { predictWindowed } from './windowing';

export interface ModelHumanizeOptions {
  modelPath: string;
  /** 0 = deadpan score at the style's tempo, 1 = the model's full expression. */
  strength: number;
  /** Predicted pedal values at or above this put the pedal down (default 0.5). */
  pedalThreshold?: number;
  /** Execution providers to try, in order (default: CUDA, DirectML on Windows, CPU). */
  providers?: readonly Provider[];
}

export interface ModelExpression {
  expression: Expression;
  /** Per note, 0..1, from the predicted log-variance (see decode.ts). */
  confidence: Float64Array;
  /** The execution provider that ran the model. */
  provider: string;
}

/** Windows per onnxruntime call: bounds memory on long pieces while keeping calls few. */
const WINDOWS_PER_RUN = 16;

/** Deterministic for a given analysis, style, strength and model file. */
export async function modelExpression(analysis: ScoreAnalysis, style: Style, opts: ModelHumanizeOptions): Promise<ModelExpression> {
  if (!(opts.strength >= 0 && opts.strength <= 1)) throw new RangeError(`strength must be within 0..1, got ${opts.strength}`);
  const model = await loadModel(opts.modelPath, opts.providers);
  const N = analysis.doc.notes.length;
  const K = TARGET_NAMES.length;
  const stitched = await predictWindowed(N, 2 * K, (starts, length) => predictWindows(model, analysis, style, starts, length));
  const mean = new Float64Array(N * K);
  const logvar = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < K; k++) {
      mean[i * K + k] = stitched[i * 2 * K + k]!;
      logvar[i * K + k] = stitched[i * 2 * K + K + k]!;
    }
  }
  const bad = [...mean, ...logvar].findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new ModelFileError(model.file, `the model produced a non-finite output (note ${Math.floor((bad % (N * K)) / K)})`);
  const { expression, confidence } = decodeExpression(analysis, style, mean, logvar, opts.strength, opts.pedalThreshold);
  return { expression, confidence, provider: model.provider };
}

/** One [length × 12] array per window: the 6 means then the 6 log-variances of each note. */
async function predictWindows(
  model: LoadedModel,
  a: ScoreAnalysis,
  style: Style,
  starts: readonly number[],
  length: number,
): Promise<Float32Array[]> {
  const F = SCORE_FEATURE_NAMES.length;
  const K = TARGET_NAMES.length;
  const styleRow = STYLE_NAMES.map((n) => style[n]);
  const out: Float32Array[] = [];
  for (let b0 = 0; b0 < starts.length; b0 += WINDOWS_PER_RUN) {
    const batch = starts.slice(b0, b0 + WINDOWS_PER_RUN);
    const B = batch.length;
    const features = new Float32Array(B * length * F);
    batch.forEach((start, b) => features.set(a.features.subarray(start * F, (start + length) * F), b * length * F));
    const styles = new Float32Array(B * styleRow.length);
    for (let b = 0; b < B; b++) styles.set(styleRow, b * styleRow.length);
    // Every window is full: the plan never pads.
    const mask = new Uint8Array(B * length).fill(1);
    const { mean, logvar } = await runModel(model, features, styles, mask, B, length);
    for (let b = 0; b < B; b++) {
      const w = new Float32Array(length * 2 * K);
      for (let j = 0; j < length; j++) {
        const src = (b * length + j) * K;
        w.set(mean.subarray(src, src + K), j * 2 * K);
        w.set(logvar.subarray(src, src + K), j * 2 * K + K);
      }
      out.push(w);
    }
  }
  return out;
}

export interface ModelHumanized extends Humanized {
  confidence: Float64Array;
  provider: string;
}

/** Score MIDI -> performance MIDI through the model; the same shape and post-processing as `humanize()`. */
export async function humanizeWithModel(score: MidiDoc, opts: ModelHumanizeOptions & { style: Style }): Promise<ModelHumanized> {
  const analysis = analyzeScore(score);
  const { expression, confidence, provider } = await modelExpression(analysis, opts.style, opts);
  const rendered = separateRepeatedKeys(shiftToLeadIn(render(analysis, expression)));
  return { analysis, expression, rendered, performance: performanceDoc(rendered, score.source), confidence, provider };
}
