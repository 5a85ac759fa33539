import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartOf, isEvalMetric, orderCharts, runColour, RUN_PALETTE } from '../../../../webviews/lossCurves/metricGroups';
import { DEFAULT_STATE, restoreState } from '../../../../webviews/lossCurves/viewState';

test('eval metrics share one chart, losses another, the rest one each', () => {
  for (const m of ['expression_score', 'velocity_r/8', 'rubato_r/32', 'velocity_r']) assert.ok(isEvalMetric(m), m);
  for (const m of ['train_loss', 'lr', 'notes_per_sec']) assert.ok(!isEvalMetric(m), m);
  assert.equal(chartOf('train_loss'), chartOf('val_loss'));
  assert.equal(chartOf('velocity_r/1'), chartOf('expression_score'));
  assert.notEqual(chartOf('lr'), chartOf('notes_per_sec'));
  assert.deepEqual(orderCharts([chartOf('velocity_r/8'), chartOf('lr'), chartOf('train_loss')]), ['loss', 'metric:lr', 'eval']);
});

test('a run keeps its colour; colours come from the palette', () => {
  assert.equal(runColour('run-2024-01-01'), runColour('run-2024-01-01'));
  assert.ok(RUN_PALETTE.includes(runColour('x')));
  const colours = new Set(Array.from({ length: 64 }, (_, i) => runColour(`run-${i}`)));
  assert.ok(colours.size > 8, 'ids spread over the palette');
});

test('restoreState turns anything into a valid state', () => {
  assert.deepEqual(restoreState(undefined), DEFAULT_STATE);
  assert.deepEqual(restoreState({ selectedRuns: ['a'], metrics: ['lr'], smoothing: 0.9, logScale: true, xAxis: 'wall' }), {
    selectedRuns: ['a'],
    metrics: ['lr'],
    smoothing: 0.9,
    logScale: true,
    xAxis: 'wall',
  });
  const bad = restoreState({ selectedRuns: [1], metrics: 'lr', smoothing: 2, logScale: 'yes', xAxis: 'time' });
  assert.deepEqual(bad, DEFAULT_STATE);
});
