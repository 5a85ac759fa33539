// Writes test/vectors/metrics.json: fixed-seed inputs and the expected outputs of every metric in server/eval.
//
// Usage: `npx tsx scripts/make-metric-vectors.ts` rewrites the file; `--check` only compares and exits 1
// when the committed file is stale. The Python trainer checks its own metrics against the same file
// (schema in test/vectors/README.md), and test/unit/eval/vectors.test.ts checks both directions in TS.
//
// Inputs are generated with integer arithmetic and basic IEEE operations only (no Math.log/sin), so the
// inputs are bit-identical on every platform; only expected outputs may differ in the last ulp between
// JS engines, which the comparison tolerance absorbs.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  aggregateMetrics,
  BIN_SPECS,
  DISTRIBUTION_FEATURES,
  distributionMetrics,
  expressionScore,
  pearson,
  performanceMetrics,
  smooth,
  type DistributionMetrics,
  type ExpressionSeries,
  type PerformanceMetrics,
  type PerformanceNotes,
} from '../server/eval';
import { mulberry32 as prng } from '../server/prng';

export const METRIC_VECTORS_PATH = path.resolve(__dirname, '../test/vectors/metrics.json');
export const VECTOR_TOLERANCE = { relative: 1e-12, absolute: 1e-14 } as const;
const SEED = 20240611;


type Rand = () => number;
const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
/** Roughly normal (Irwin–Hall of 4), rounded to 1e-6 so the JSON stays short and exact. */
const bell = (rand: Rand, mean: number, spread: number): number =>
  Math.round((mean + spread * (rand() + rand() + rand() + rand() - 2)) * 1e6) / 1e6;
const series = (rand: Rand, n: number, mean: number, spread: number): number[] =>
  Array.from({ length: n }, () => bell(rand, mean, spread));
const velocities = (rand: Rand, n: number): number[] => Array.from({ length: n }, () => int(rand, 20, 110));
/** `human` plus noise: a prediction correlated with it by an amount set by `noise`. */
const noisy = (rand: Rand, human: readonly number[], noise: number): number[] =>
  human.map((h) => Math.round((h + noise * (rand() + rand() - 1)) * 1e6) / 1e6);

interface SmoothCase {
  id: string;
  x: number[];
  w: number;
  expected: number[];
}
interface PearsonCase {
  id: string;
  a: number[];
  b: number[];
  expected: number | null;
}
interface PerformanceCase {
  id: string;
  pred: ExpressionSeries;
  human: ExpressionSeries;
  windows: number[];
  expressionWindow: number;
  expected: PerformanceMetrics;
  expectedExpressionScore: number | null;
}
interface AggregateCase {
  id: string;
  perPerformance: PerformanceMetrics[];
  windows: number[];
  expressionWindow: number;
  expected: ReturnType<typeof aggregateMetrics>;
  expectedExpressionScore: number | null;
}
interface DistributionCase {
  id: string;
  pred: PerformanceNotes[];
  human: PerformanceNotes[];
  expected: DistributionMetrics;
}

export interface MetricVectors {
  version: 1;
  generator: string;
  seed: number;
  tolerance: typeof VECTOR_TOLERANCE;
  binEdges: Record<string, { edges: readonly number[]; underflow: boolean; overflow: boolean }>;
  smooth: SmoothCase[];
  pearson: PearsonCase[];
  performance: PerformanceCase[];
  aggregate: AggregateCase[];
  distribution: DistributionCase[];
}

function smoothCases(rand: Rand): SmoothCase[] {
  const inputs: [string, number[], number][] = [
    ['empty', [], 8],
    ['single-w1', [0.25], 1],
    ['single-w32', [64], 32],
    ['short-w1-identity', series(rand, 5, 0, 0.2), 1],
    ['w2-even', series(rand, 10, 64, 20), 2],
    ['w3-odd', series(rand, 11, 0, 0.3), 3],
    ['w8', series(rand, 40, 64, 30), 8],
    ['w32', series(rand, 120, 0.05, 0.4), 32],
    ['window-longer-than-series', series(rand, 7, 70, 10), 32],
    ['integer-velocities-w8', velocities(rand, 200), 8],
    ['large-offset-w8', series(rand, 60, 1e6, 1e-3), 8],
  ];
  return inputs.map(([id, x, w]) => ({ id, x, w, expected: smooth(x, w) }));
}

function pearsonCases(rand: Rand): PearsonCase[] {
  const a50 = series(rand, 50, 0, 1);
  const a100 = series(rand, 100, 64, 25);
  const big = series(rand, 80, 1e6, 1);
  const inputs: [string, number[], number[]][] = [
    ['empty', [], []],
    ['two-points', [1, 2], [2, 1]],
    ['three-points-perfect', [1, 2, 3], [2, 4, 6]],
    ['hand-0.8', [1, 2, 3, 4], [1, 3, 2, 4]],
    ['constant-side', [5, 5, 5, 5, 5], series(rand, 5, 0, 1)],
    ['rounding-constant-side', new Array<number>(30).fill(0.1), series(rand, 30, 0, 1)],
    ['near-constant-side', Array.from({ length: 20 }, (_, i) => 1 + (i % 2) * 1e-13), series(rand, 20, 0, 1)],
    ['independent', a50, series(rand, 50, 0, 1)],
    ['correlated', a100, noisy(rand, a100, 30)],
    ['anti-correlated', a50, noisy(rand, a50.map((v) => -v), 1)],
    ['large-offset', big, noisy(rand, big, 1)],
  ];
  return inputs.map(([id, a, b]) => ({ id, a, b, expected: pearson(a, b) }));
}

function performanceCase(
  id: string,
  pred: ExpressionSeries,
  human: ExpressionSeries,
  windows: number[] = [1, 8, 32],
  expressionWindow = 8,
): PerformanceCase {
  const expected = performanceMetrics(pred, human, windows);
  return { id, pred, human, windows, expressionWindow, expected, expectedExpressionScore: expressionScore(expected, expressionWindow) };
}

function performanceCases(rand: Rand): PerformanceCase[] {
  const humanVel = velocities(rand, 150);
  const humanTempo = series(rand, 90, 0, 0.15);
  const shortVel = velocities(rand, 5);
  const shortTempo = series(rand, 4, 0, 0.1);
  const midVel = velocities(rand, 64);
  const midTempo = series(rand, 40, 0, 0.2);
  return [
    performanceCase('good-prediction', { velocity: noisy(rand, humanVel, 20), tempo: noisy(rand, humanTempo, 0.1) }, { velocity: humanVel, tempo: humanTempo }),
    performanceCase('poor-prediction', { velocity: velocities(rand, 150), tempo: series(rand, 90, 0, 0.15) }, { velocity: humanVel, tempo: humanTempo }),
    performanceCase('short-series', { velocity: noisy(rand, shortVel, 10), tempo: noisy(rand, shortTempo, 0.05) }, { velocity: shortVel, tempo: shortTempo }),
    performanceCase('constant-velocity', { velocity: new Array<number>(64).fill(64), tempo: noisy(rand, midTempo, 0.2) }, { velocity: midVel, tempo: midTempo }),
    performanceCase('empty', { velocity: [], tempo: [] }, { velocity: [], tempo: [] }),
    performanceCase(
      'custom-windows',
      { velocity: noisy(rand, midVel, 40), tempo: noisy(rand, midTempo, 0.3) },
      { velocity: midVel, tempo: midTempo },
      [1, 2, 4, 16],
      4,
    ),
  ];
}

function aggregateCases(performance: readonly PerformanceCase[]): AggregateCase[] {
  const make = (id: string, perPerformance: PerformanceMetrics[], windows: number[], expressionWindow: number): AggregateCase => {
    const expected = aggregateMetrics(perPerformance, windows);
    return { id, perPerformance, windows, expressionWindow, expected, expectedExpressionScore: expressionScore(expected, expressionWindow) };
  };
  const defaults = performance.filter((c) => c.windows.join() === '1,8,32').map((c) => c.expected);
  const custom = performance.filter((c) => c.windows.join() !== '1,8,32').map((c) => c.expected);
  return [
    make('default-window-cases', defaults, [1, 8, 32], 8),
    make('custom-windows', custom, [1, 2, 4, 16], 4),
    make('empty-set', [], [1, 8, 32], 8),
  ];
}

/** A performance on a 0.1 ms grid: onsets, durations and pedal times are integers / 1e4 (exact doubles). */
function performanceNotes(rand: Rand, n: number, opts: { chords?: boolean; pedal?: boolean; fractionalVelocity?: boolean } = {}): PerformanceNotes {
  const onsetSec: number[] = [];
  const offsetSec: number[] = [];
  const velocity: number[] = [];
  let tick = int(rand, 0, 5000);
  for (let i = 0; i < n; i++) {
    if (i > 0 && !(opts.chords && rand() < 0.3)) tick += int(rand, 50, 8000) * (rand() < 0.05 ? 20 : 1);
    const durationTicks = int(rand, 0, 12000) * (rand() < 0.05 ? 10 : 1);
    onsetSec.push(tick / 1e4);
    offsetSec.push((tick + durationTicks) / 1e4);
    velocity.push(opts.fractionalVelocity ? int(rand, 4, 508) / 4 : int(rand, 1, 127));
  }
  const pedal: PerformanceNotes['pedal'] = [];
  if (opts.pedal) {
    const events = int(rand, 2, 12);
    for (let e = 0; e < events; e++) {
      // Some events fall exactly on a note onset to exercise the "sec <= onset" rule.
      const sec = rand() < 0.3 && n > 0 ? (onsetSec[int(rand, 0, n - 1)] as number) : int(rand, 0, tick + 5000) / 1e4;
      pedal.push({ sec, value: int(rand, 0, 127) });
    }
  }
  return { onsetSec, offsetSec, velocity, pedal };
}

function distributionCases(rand: Rand): DistributionCase[] {
  const make = (id: string, pred: PerformanceNotes[], human: PerformanceNotes[]): DistributionCase => ({
    id,
    pred,
    human,
    expected: distributionMetrics(pred, human),
  });
  const humanSet = [performanceNotes(rand, 60, { pedal: true, chords: true }), performanceNotes(rand, 45, { pedal: true })];
  return [
    make('mixed-sets', [performanceNotes(rand, 50, { chords: true }), performanceNotes(rand, 30, { pedal: true }), performanceNotes(rand, 20, { fractionalVelocity: true })], humanSet),
    make('identical-sets', humanSet, humanSet),
    make('empty-pred', [], humanSet),
    make('both-empty', [], []),
    make('single-note-performances', [performanceNotes(rand, 1, { pedal: true })], [performanceNotes(rand, 1)]),
    make('all-chord', [performanceNotes(rand, 6, { chords: true, pedal: true })], [performanceNotes(rand, 8, { chords: true, pedal: true })]),
  ];
}

export function buildMetricVectors(): MetricVectors {
  const rand = prng(SEED);
  const performance = performanceCases(rand);
  const binEdges: MetricVectors['binEdges'] = {};
  for (const f of DISTRIBUTION_FEATURES) binEdges[f] = { ...BIN_SPECS[f] };
  return {
    version: 1,
    generator: 'scripts/make-metric-vectors.ts',
    seed: SEED,
    tolerance: VECTOR_TOLERANCE,
    binEdges,
    smooth: smoothCases(rand),
    pearson: pearsonCases(rand),
    performance,
    aggregate: aggregateCases(performance),
    distribution: distributionCases(rand),
  };
}

/** JSON with arrays of plain values on one line, so the file stays short and diffs stay readable. */
function format(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function renderMetricVectors(vectors: MetricVectors = buildMetricVectors()): string {
  return format(vectors, '') + '\n';
}

/** True when two numbers agree within the vector tolerance (|a−b| ≤ abs + rel·max(|a|,|b|)). */
export function numbersAgree(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= VECTOR_TOLERANCE.absolute + VECTOR_TOLERANCE.relative * Math.max(Math.abs(a), Math.abs(b));
}

/** First difference between two JSON values (numbers within tolerance), as "path: why"; null when they agree. */
export function firstDifference(actual: unknown, expected: unknown, at = '$'): string | null {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return numbersAgree(actual, expected) ? null : `${at}: ${actual} != ${expected}`;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return `${at}: length ${actual.length} != ${expected.length}`;
    for (let i = 0; i < actual.length; i++) {
      const d = firstDifference(actual[i], expected[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (actual !== null && expected !== null && typeof actual === 'object' && typeof expected === 'object' && !Array.isArray(actual) && !Array.isArray(expected)) {
    const ka = Object.keys(actual).sort();
    const ke = Object.keys(expected).sort();
    if (ka.join('\u0000') !== ke.join('\u0000')) return `${at}: keys [${ka.join(', ')}] != [${ke.join(', ')}]`;
    for (const k of ka) {
      const d = firstDifference((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return actual === expected ? null : `${at}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`;
}

function main(): void {
  const text = renderMetricVectors();
  if (process.argv.includes('--check')) {
    const committed: unknown = JSON.parse(readFileSync(METRIC_VECTORS_PATH, 'utf8'));
    const diff = firstDifference(JSON.parse(text), committed);
    if (diff) {
      console.error(`${METRIC_VECTORS_PATH} is stale (${diff}); run npx tsx scripts/make-metric-vectors.ts`);
      process.exit(1);
    }
    console.log(`${METRIC_VECTORS_PATH} is up to date`);
    return;
  }
  writeFileSync(METRIC_VECTORS_PATH, text);
  console.log(`wrote ${METRIC_VECTORS_PATH} (${text.length} bytes)`);
}

if (require.main === module) main();
