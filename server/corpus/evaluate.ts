// Evaluates a humanizer against every human performance of every score in a corpus.

import {
  aggregateMetrics,
  DEFAULT_EXPRESSION_WINDOW,
  DEFAULT_WINDOWS,
  distributionMetrics,
  expressionScore,
  performanceMetrics,
  sanityCheck,
  type CorrelationByWindow,
  type DistributionMetrics,
  type PerformanceNotes,
  type SanityFailure,
} from '../eval';
import type { Expression } from '../features/expression';
import type { Style } from '../features/style';
import { humanize, type Humanized } from '../humanize';
import { humanizeWithModel } from '../inference/modelHumanizer';
import type { MidiDoc } from '../midi/model';
import {
  foldersOfSplit,
  loadPerformance,
  loadScore,
  openCorpus,
  reasonOf,
  relativeTo,
  type CorpusError,
  type SplitChoice,
} from './load';
import { measuredExpression, renderedAsPerformance, sanityInputs } from './predicted';

export interface EvalOptions {
  dataDir: string;
  method: 'rules' | 'jitter' | 'model';
  /** The ONNX model for method 'model', and how strongly it applies (0..1). */
  modelPath?: string;
  strength?: number;
  /**
   * Humanize the scores with every velocity set to one value: the input people bring is often dead
   * flat, and a model must then still produce dynamics rather than copy notated ones.
   */
  flattenVelocity?: boolean;
  style: Style;
  seed: number;
  split: SplitChoice;
  windows?: readonly number[];
  expressionWindow?: number;
  onProgress?: (done: number, total: number) => void;
}

/** `js` / `intersection` as printed: one number per feature plus `overall`. */
export type DistanceRecord = Record<'velocity' | 'ioi' | 'duration' | 'pedal' | 'overall', number | null>;

export interface PerformanceEval {
  score: string;
  performance: string;
  alignment: 'match' | 'beats';
  matched_pct: number;
  velocity_r: CorrelationByWindow;
  rubato_r: CorrelationByWindow;
  expression_score: number | null;
  js: DistanceRecord;
  intersection: DistanceRecord;
  checks: { passed: boolean; failures: SanityFailure[] };
}

export interface EvalReport {
  method: string;
  model?: string;
  flatten_velocity: boolean;
  data: string;
  split: SplitChoice;
  seed: number;
  windows: number[];
  expression_window: number;
  aggregate: {
    performances: number;
    velocity_r: CorrelationByWindow;
    rubato_r: CorrelationByWindow;
    expression_score: number | null;
    js: DistanceRecord;
    intersection: DistanceRecord;
    checks_failed: number;
  };
  /** One entry per score: the mean over its performances. */
  pieces: PieceEval[];
  performances: PerformanceEval[];
  errors: CorpusError[];
}

export interface PieceEval {
  score: string;
  performances: number;
  velocity_r: CorrelationByWindow;
  rubato_r: CorrelationByWindow;
  expression_score: number | null;
}

/** The velocity a flattened score gets: the middle of the range, what DAWs default to. */
export const FLAT_VELOCITY = 64;

export function flattenVelocities(doc: MidiDoc): MidiDoc {
  return { ...doc, notes: doc.notes.map((n) => ({ ...n, velocity: FLAT_VELOCITY })) };
}

async function humanizeFor(opts: EvalOptions, score: MidiDoc): Promise<Humanized> {
  const input = opts.flattenVelocity ? flattenVelocities(score) : score;
  if (opts.method === 'model') {
    if (!opts.modelPath) throw new Error('eval: method "model" needs a model file');
    return humanizeWithModel(input, { modelPath: opts.modelPath, strength: opts.strength ?? 1, style: opts.style });
  }
  return humanize(input, { method: opts.method, style: opts.style, seed: opts.seed });
}

export async function evaluateCorpus(opts: EvalOptions): Promise<EvalReport> {
  const windows = [...(opts.windows ?? DEFAULT_WINDOWS)];
  const ew = opts.expressionWindow ?? DEFAULT_EXPRESSION_WINDOW;
  if (!windows.includes(ew)) windows.push(ew);
  const listing = openCorpus(opts.dataDir);
  const errors: CorpusError[] = listing.errors.map((e) => ({ file: opts.dataDir, reason: e }));
  const folders = foldersOfSplit(listing, opts.split);
  const results: PerformanceEval[] = [];
  const predSet: PerformanceNotes[] = [];
  const humanSet: PerformanceNotes[] = [];
  const rel = (f: string): string => relativeTo(opts.dataDir, f);
  const total = folders.reduce((s, f) => s + f.performances.length, 0);
  let done = 0;

  for (const folder of folders) {
    let score;
    let predicted: { expression: Expression; notes: PerformanceNotes; checks: { passed: boolean; failures: SanityFailure[] } };
    try {
      score = loadScore(folder);
      const h = await humanizeFor(opts, score.doc);
      const measured = measuredExpression(h.analysis, h.rendered);
      const s = sanityInputs(h.analysis, h.rendered, measured);
      const report = sanityCheck(s.score, s.output);
      predicted = { expression: measured, notes: renderedAsPerformance(h.rendered), checks: { passed: report.passed, failures: report.failures } };
    } catch (err) {
      errors.push({ file: rel(folder.scorePath), reason: reasonOf(err) });
      done += folder.performances.length;
      opts.onProgress?.(done, total);
      continue;
    }
    for (const entry of folder.performances) {
      try {
        const perf = loadPerformance(score, entry);
        const human = perf.expression;
        const series = pairedSeries(predicted.expression, human);
        const m = performanceMetrics(series.pred, series.human, windows);
        const humanNotes = docAsPerformance(perf.doc);
        const d = distributionMetrics([predicted.notes], [humanNotes]);
        results.push({
          score: rel(folder.scorePath),
          performance: rel(entry.midiPath),
          alignment: perf.alignment.source,
          matched_pct: round(perf.alignment.stats.matchedPct, 2),
          velocity_r: m.velocity_r,
          rubato_r: m.rubato_r,
          expression_score: expressionScore(m, ew),
          ...distances(d),
          checks: predicted.checks,
        });
        predSet.push(predicted.notes);
        humanSet.push(humanNotes);
      } catch (err) {
        errors.push({ file: rel(entry.midiPath), reason: reasonOf(err) });
      }
      opts.onProgress?.(++done, total);
    }
  }

  const agg = aggregateMetrics(results, windows);
  const meanScore = mean(results.map((r) => r.expression_score));
  return {
    method: opts.method,
    ...(opts.modelPath ? { model: opts.modelPath } : {}),
    flatten_velocity: !!opts.flattenVelocity,
    data: opts.dataDir,
    split: opts.split,
    seed: opts.seed,
    windows,
    expression_window: ew,
    aggregate: {
      performances: results.length,
      velocity_r: agg.velocity_r,
      rubato_r: agg.rubato_r,
      expression_score: meanScore,
      ...distances(distributionMetrics(predSet, humanSet)),
      checks_failed: results.filter((r) => !r.checks.passed).length,
    },
    pieces: piecesOf(results, windows),
    performances: results,
    errors,
  };
}

function piecesOf(results: readonly PerformanceEval[], windows: number[]): PieceEval[] {
  const byScore = new Map<string, PerformanceEval[]>();
  for (const r of results) byScore.set(r.score, [...(byScore.get(r.score) ?? []), r]);
  return [...byScore].map(([score, rs]) => {
    const agg = aggregateMetrics(rs, windows);
    return { score, performances: rs.length, velocity_r: agg.velocity_r, rubato_r: agg.rubato_r, expression_score: mean(rs.map((r) => r.expression_score)) };
  });
}

/**
 * Velocity per note and local tempo per group where both the prediction and the human have a value,
 * in score order (unplayed notes and groups without a tempo drop out of both series together).
 */
export function pairedSeries(pred: Expression, human: Expression): { pred: { velocity: number[]; tempo: number[] }; human: { velocity: number[]; tempo: number[] } } {
  const out = { pred: { velocity: [] as number[], tempo: [] as number[] }, human: { velocity: [] as number[], tempo: [] as number[] } };
  for (let i = 0; i < human.velocity.length; i++) {
    const h = human.velocity[i]!;
    const p = pred.velocity[i]!;
    if (Number.isFinite(h) && Number.isFinite(p)) {
      out.pred.velocity.push(p);
      out.human.velocity.push(h);
    }
  }
  for (let g = 0; g < human.tempo.length; g++) {
    const h = human.tempo[g]!;
    const p = pred.tempo[g]!;
    if (Number.isFinite(h) && Number.isFinite(p)) {
      out.pred.tempo.push(p);
      out.human.tempo.push(h);
    }
  }
  return out;
}

function docAsPerformance(doc: { notes: { onsetSec: number; offsetSec: number; velocity: number }[]; sustain: { sec: number; value: number }[] }): PerformanceNotes {
  return {
    onsetSec: doc.notes.map((n) => n.onsetSec),
    offsetSec: doc.notes.map((n) => n.offsetSec),
    velocity: doc.notes.map((n) => n.velocity),
    pedal: doc.sustain.map((p) => ({ sec: p.sec, value: p.value })),
  };
}

function distances(d: DistributionMetrics): { js: DistanceRecord; intersection: DistanceRecord } {
  const pick = (k: 'js' | 'intersection'): DistanceRecord => ({
    velocity: d.velocity[k],
    ioi: d.ioiMs[k],
    duration: d.durationMs[k],
    pedal: d.pedal[k],
    overall: d.overall[k],
  });
  return { js: pick('js'), intersection: pick('intersection') };
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
