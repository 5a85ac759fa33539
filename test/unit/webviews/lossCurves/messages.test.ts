import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunInfo } from '../../../../server/protocol/runs';
import { checkHostToView, checkViewToHost } from '../../../../server/protocol/webview/lossCurves';

const run: RunInfo = {
  id: 'r1', name: 'tiny', kind: 'trainer', state: 'running', specPath: '/x.run.toml', runDir: '/runs/r1', pid: 1, device: 'cpu',
  usesGpu: false, step: 3, totalSteps: 10, lastLoss: 1.2, etaSec: null, queuedAt: 1, startedAt: 2, endedAt: null, exitCode: null,
  signal: null, message: null, bestCheckpoint: null, bestExpressionScore: null,
};
const rows = [{ step: 1, wallTime: 0.5, values: { train_loss: 2, val_loss: null } }];

/** [message, null when valid or a substring of the expected problem]. */
const hostCases: [unknown, string | null][] = [
  [{ kind: 'runs', runs: [run] }, null],
  [{ kind: 'runUpdated', run }, null],
  [{ kind: 'backfill', runId: 'r1', fromOffset: 0, nextOffset: 40, complete: false, rows }, null],
  [{ kind: 'appended', runId: 'r1', fromOffset: 40, nextOffset: 80, rows }, null],
  [{ kind: 'backfillFailed', runId: 'r1', fromOffset: 0, message: 'gone' }, null],
  [{ kind: 'focusRun', runId: 'r1' }, null],
  [null, 'object'],
  [{ kind: 'nope' }, 'unknown message kind'],
  [{ kind: 'runs', runs: [{ ...run, state: 'exploded' }] }, 'state'],
  [{ kind: 'runs', runs: [{ ...run, id: '../etc' }] }, 'run id'],
  [{ kind: 'appended', runId: 'r1', fromOffset: 40, nextOffset: 30, rows }, 'nextOffset'],
  [{ kind: 'appended', runId: 'r1', fromOffset: -1, nextOffset: 30, rows }, 'fromOffset'],
  [{ kind: 'appended', runId: 'r1', fromOffset: 0, nextOffset: 30, rows: [{ step: 'one', wallTime: null, values: {} }] }, 'rows[0]'],
  [{ kind: 'appended', runId: 'r1', fromOffset: 0, nextOffset: 30, rows: [{ step: 1, wallTime: null, values: { a: 'x' } }] }, 'value "a"'],
  [{ kind: 'backfill', runId: 'r1', fromOffset: 0, nextOffset: 40, rows }, 'complete'],
];

test('host → view messages are validated', () => {
  for (const [m, want] of hostCases) {
    const got = checkHostToView(m);
    if (want === null) assert.equal(got, null, JSON.stringify(m));
    else assert.ok(got?.includes(want), `${JSON.stringify(m)} → ${got}`);
  }
});

test('view → host messages are validated', () => {
  assert.equal(checkViewToHost({ kind: 'ready' }), null);
  assert.equal(checkViewToHost({ kind: 'backfill', runId: 'r1', fromOffset: 120 }), null);
  assert.equal(checkViewToHost({ kind: 'selectRuns', runIds: ['r1', 'r2'] }), null);
  assert.match(checkViewToHost({ kind: 'backfill', runId: 'r1', fromOffset: 1.5 }) ?? '', /fromOffset/);
  assert.match(checkViewToHost({ kind: 'selectRuns', runIds: ['a b'] }) ?? '', /runIds\[0\]/);
  assert.match(checkViewToHost({ kind: 'compare' }) ?? '', /unknown message kind/);
});
