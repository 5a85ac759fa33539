// Shared metric vectors: every committed case recomputes to its expected output, and the file is not stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  aggregateMetrics,
  BIN_SPECS,
  distributionMetrics,
  expressionScore,
  pearson,
  performanceMetrics,
  smooth,
} from '../../../server/eval';
import {
  buildMetricVectors,
  firstDifference,
  METRIC_VECTORS_PATH,
  numbersAgree,
  VECTOR_TOLERANCE,
  type MetricVectors,
} from '../../../scripts/make-metric-vectors';

// The file is our own output, read back; its shape is checked by recomputation and the staleness test.
const committed = JSON.parse(readFileSync(METRIC_VECTORS_PATH, 'utf8')) as MetricVectors;

const agrees = (actual: unknown, expected: unknown, label: string): void => {
  const diff = firstDifference(actual, expected);
  assert.equal(diff, null, `${label}: ${String(diff)}`);
};

test('tolerance helper: relative 1e-12 with a 1e-14 floor near zero', () => {
  assert.deepEqual(committed.tolerance, VECTOR_TOLERANCE);
  assert.ok(numbersAgree(1, 1 + 5e-13));
  assert.ok(!numbersAgree(1, 1 + 5e-12));
  assert.ok(numbersAgree(0, 5e-15));
  assert.ok(!numbersAgree(0, 1e-13));
  assert.match(String(firstDifference({ a: [1, null] }, { a: [1, 0] })), /\$\.a\[1\]/);
});

test('committed bin edges are the bins in use', () => {
  agrees(committed.binEdges, JSON.parse(JSON.stringify(BIN_SPECS)), 'binEdges');
});

test('smooth vectors', () => {
  assert.ok(committed.smooth.length >= 5);
  for (const c of committed.smooth) agrees(smooth(c.x, c.w), c.expected, `smooth ${c.id}`);
});

test('pearson vectors', () => {
  assert.ok(committed.pearson.some((c) => c.expected === null));
  for (const c of committed.pearson) agrees(pearson(c.a, c.b), c.expected, `pearson ${c.id}`);
});

test('performance metrics and expression score vectors', () => {
  for (const c of committed.performance) {
    const m = performanceMetrics(c.pred, c.human, c.windows);
    agrees(m, c.expected, `performance ${c.id}`);
    agrees(expressionScore(m, c.expressionWindow), c.expectedExpressionScore, `expression ${c.id}`);
  }
  for (const c of committed.aggregate) {
    const agg = aggregateMetrics(c.perPerformance, c.windows);
    agrees(agg, c.expected, `aggregate ${c.id}`);
    agrees(expressionScore(agg, c.expressionWindow), c.expectedExpressionScore, `aggregate expression ${c.id}`);
  }
});

test('distribution vectors (histogram counts, JS, intersection, overall)', () => {
  for (const c of committed.distribution) agrees(distributionMetrics(c.pred, c.human), c.expected, `distribution ${c.id}`);
});

test('the committed file is what the generator writes now', () => {
  const diff = firstDifference(JSON.parse(JSON.stringify(buildMetricVectors())), committed);
  assert.equal(diff, null, `test/vectors/metrics.json is stale (${String(diff)}); run npx tsx scripts/make-metric-vectors.ts`);
});
