// Small builders for client tests: a RunInfo and a CheckpointInfo with every field set, overridable.

import type { CheckpointInfo, RunInfo } from '../../../server/protocol';

export function run(over: Partial<RunInfo> = {}): RunInfo {
  return {
    id: 'r1',
    name: 'tiny-cpu',
    kind: 'trainer',
    state: 'running',
    specPath: '/w/tiny.run.toml',
    runDir: '/w/runs/r1',
    pid: 123,
    device: 'cpu',
    usesGpu: false,
    step: 120,
    totalSteps: 1000,
    lastLoss: 0.23456,
    etaSec: 250,
    queuedAt: 1000,
    startedAt: 1001,
    endedAt: null,
    exitCode: null,
    signal: null,
    message: null,
    bestCheckpoint: null,
    bestExpressionScore: null,
    ...over,
  };
}

export function checkpoint(over: Partial<CheckpointInfo> = {}): CheckpointInfo {
  return {
    runId: 'r1',
    path: '/w/runs/r1/checkpoints/step-100',
    step: 100,
    valLoss: 1.23456,
    expressionScore: 0.512,
    velocityR: { '1': 0.3, '8': 0.61, '32': 0.7 },
    rubatoR: { '8': 0.41 },
    best: false,
    ...over,
  };
}
