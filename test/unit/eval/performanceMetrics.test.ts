// Velocity and rubato correlations, their aggregate over a set, and the expression score.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateMetrics,
  expressionScore,
  performanceMetrics,
  rubatoCorrelation,
  velocityCorrelation,
  type PerformanceMetrics,
} from '../../../server/eval';

const close = (actual: number | null | undefined, expected: number): void => {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= 1e-15, `${String(actual)} vs ${expected}`);
};

const pred = { velocity: [1, 2, 3, 4], tempo: [0, 0.1, -0.1, 0.2] };
const human = { velocity: [1, 3, 2, 4], tempo: [0, 0.2, -0.2, 0.4] };

test('velocity r at w=1 is plain Pearson, at w=2 Pearson of the smoothed series', () => {
  close(velocityCorrelation(pred.velocity, human.velocity, 1), 0.8);
  // w=2: pred → [1.5, 2.5, 3.5, 4], human → [2, 2.5, 3, 4]; both means 23/8.
  // Deviations ×8: pred [-11,-3,5,9], human [-7,-3,1,9];
  // Σ products = 77+9+5+81 = 172, Σpred² = 121+9+25+81 = 236, Σhuman² = 49+9+1+81 = 140,
  // r = 172 / sqrt(236·140) = 43 / sqrt(2065).
  close(velocityCorrelation(pred.velocity, human.velocity, 2), 43 / Math.sqrt(2065));
});

test('rubato r uses the local tempo series', () => {
  close(rubatoCorrelation(pred.tempo, human.tempo, 1), 1);
  assert.throws(() => rubatoCorrelation([0, 1, 2], [0, 1], 1), /local tempi/);
});

test('performanceMetrics keys by window and gives null where the window swallows the series', () => {
  const m = performanceMetrics(pred, human, [1, 2, 32]);
  assert.deepEqual(Object.keys(m.velocity_r), ['1', '2', '32']);
  close(m.velocity_r['1'], 0.8);
  close(m.velocity_r['2'], 43 / Math.sqrt(2065));
  // w=32 over 4 items: every smoothed value is the series mean → constant → null.
  assert.equal(m.velocity_r['32'], null);
  assert.equal(m.rubato_r['32'], null);
  close(m.rubato_r['1'], 1);
});

test('default windows are 1, 8 and 32', () => {
  const m = performanceMetrics(pred, human);
  assert.deepEqual(Object.keys(m.rubato_r), ['1', '8', '32']);
});

test('unequal series lengths and bad windows are RangeErrors', () => {
  assert.throws(() => performanceMetrics({ velocity: [1, 2, 3], tempo: [] }, { velocity: [1, 2], tempo: [] }), /velocities/);
  assert.throws(() => performanceMetrics(pred, human, [0]), RangeError);
});

test('expression score is the mean of velocity and rubato r at the window', () => {
  const m = performanceMetrics(pred, human, [1, 8]);
  close(expressionScore(m, 1), (0.8 + 1) / 2);
  // At w=8 both 4-item series are constant after smoothing.
  assert.equal(expressionScore(m), null);
  assert.throws(() => expressionScore(m, 32), /window 32 was not computed/);
  const oneNull: PerformanceMetrics = { velocity_r: { '8': 0.4 }, rubato_r: { '8': null } };
  assert.equal(expressionScore(oneNull), null);
});

test('aggregate skips nulls, reports how many were used, and feeds the expression score', () => {
  const runs: PerformanceMetrics[] = [
    { velocity_r: { '1': 0.5, '8': 0.2 }, rubato_r: { '1': 0.1, '8': null } },
    { velocity_r: { '1': 0.25, '8': null }, rubato_r: { '1': 0.3, '8': null } },
    { velocity_r: { '1': -0.75, '8': 0.6 }, rubato_r: { '1': 0.2, '8': 0.5 } },
  ];
  const agg = aggregateMetrics(runs, [1, 8]);
  assert.equal(agg.performances, 3);
  close(agg.velocity_r['1'], 0); // (0.5 + 0.25 - 0.75) / 3
  close(agg.velocity_r['8'], 0.4); // (0.2 + 0.6) / 2
  assert.deepEqual(agg.velocity_used, { '1': 3, '8': 2 });
  close(agg.rubato_r['8'], 0.5);
  assert.deepEqual(agg.rubato_used, { '1': 3, '8': 1 });
  close(expressionScore(agg), 0.45); // (0.4 + 0.5) / 2
});

test('aggregate of nothing, or of only nulls, is null with zero used', () => {
  const empty = aggregateMetrics([]);
  assert.equal(empty.performances, 0);
  assert.deepEqual(empty.velocity_r, { '1': null, '8': null, '32': null });
  assert.deepEqual(empty.rubato_used, { '1': 0, '8': 0, '32': 0 });
  assert.equal(expressionScore(empty), null);
  const nulls = aggregateMetrics([{ velocity_r: { '8': null }, rubato_r: { '8': null } }], [8]);
  assert.equal(nulls.velocity_r['8'], null);
  assert.equal(nulls.velocity_used['8'], 0);
  assert.equal(expressionScore(nulls), null);
});

test('aggregate at a window a performance lacks is a RangeError', () => {
  assert.throws(() => aggregateMetrics([{ velocity_r: { '8': 0.1 }, rubato_r: { '8': 0.2 } }], [8, 32]), /performance 0 has no velocity_r at window 32/);
});
