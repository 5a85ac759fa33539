// Tree views are projections of the client models: ids are stable and unique, parents resolve, and
// what each row says comes from the model (runs, checkpoints, datasets), with no I/O anywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectCheckpoints, headlineR, checkpointNodeId } from '../../../client/checkpoints/checkpointNodes';
import { CheckpointsModel } from '../../../client/checkpoints/checkpointsModel';
import { projectDatasets, isUnder } from '../../../client/datasets/datasetNodes';
import { DatasetsModel } from '../../../client/datasets/datasetsModel';
import { formatBytes, formatEta, formatNumber } from '../../../client/format';
import { projectRuns, runDescription } from '../../../client/runs/runNodes';
import { RunsModel } from '../../../client/runs/runsModel';
import { runIdFromArg } from '../../../client/runs/resolveRun';
import { NodeIndex } from '../../../client/tree/node';
import type { DupesResult, GitScanResult, RunState, ScanResult } from '../../../server/protocol';
import { checkpoint, run } from './fixtures';

test('formats: ETA, numbers and bytes', () => {
  const cases: [string, string][] = [
    [formatEta(12.4), '12s'],
    [formatEta(250), '4m 10s'],
    [formatEta(7500), '2h 05m'],
    [formatEta(null), ''],
    [formatEta(-1), ''],
    [formatNumber(0.23456), '0.2346'],
    [formatNumber(1234.5678), '1235'],
    [formatNumber(0.00001234), '1.23e-5'],
    [formatNumber(null), '–'],
    [formatNumber(Number.NaN), '–'],
    [formatBytes(512), '512 B'],
    [formatBytes(1536), '1.5 KiB'],
    [formatBytes(5 * 1024 ** 3), '5.0 GiB'],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
});

test('a run row shows state icon, step/total, loss, ETA and device; its context value carries the state', () => {
  const icons: Record<RunState, string> = { queued: 'clock', starting: 'loading~spin', running: 'sync~spin', stopping: 'loading~spin', finished: 'pass', failed: 'error', stopped: 'debug-stop' };
  for (const [state, icon] of Object.entries(icons) as [RunState, string][]) {
    const [node] = projectRuns([run({ state })]);
    assert.equal(node!.icon?.id, icon, state);
    assert.equal(node!.contextValue, `rubato.run.${state}`);
    assert.equal(node!.id, 'run:r1', 'the id does not depend on the state');
  }
  assert.equal(runDescription(run()), '120/1000 · loss 0.2346 · ETA 4m 10s · cpu');
  assert.equal(runDescription(run({ state: 'finished', etaSec: 3, device: 'cuda:0' })), '120/1000 · loss 0.2346 · cuda:0', 'no ETA once finished');
  assert.equal(runDescription(run({ state: 'queued', step: null, lastLoss: null, etaSec: null, device: 'unknown' })), 'queued');
  assert.equal(runDescription(run({ totalSteps: null })), 'step 120 · loss 0.2346 · ETA 4m 10s · cpu');
  const failed = projectRuns([run({ state: 'failed', message: 'CUDA out of memory' })])[0]!;
  assert.match(failed.tooltip ?? '', /CUDA out of memory/);
  assert.deepEqual(failed.command?.args, ['r1'], 'clicking a run opens its curves');
});

test('the runs model lists active runs first, newest first, and follows the most recently started live run', () => {
  const m = new RunsModel();
  let changes = 0;
  let listChanges = 0;
  const updated: string[] = [];
  m.changed.on(() => changes++);
  m.listChanged.on(() => listChanges++);
  m.updated.on((r) => updated.push(r.id));
  m.setAll([run({ id: 'old', state: 'finished', queuedAt: 1 }), run({ id: 'a', state: 'running', queuedAt: 5, startedAt: 6 }), run({ id: 'b', state: 'finished', queuedAt: 9 })]);
  assert.deepEqual(m.list().map((r) => r.id), ['a', 'b', 'old']);
  assert.equal(m.activeRun()?.id, 'a');
  m.upsert(run({ id: 'c', state: 'starting', queuedAt: 10, startedAt: 11 }));
  assert.equal(m.activeRun()?.id, 'c');
  m.upsert(run({ id: 'c', state: 'failed', queuedAt: 10, startedAt: 11 }));
  assert.equal(m.activeRun()?.id, 'a');
  assert.deepEqual(m.list().map((r) => r.id), ['a', 'c', 'b', 'old']);
  assert.deepEqual([changes, listChanges, updated], [3, 2, ['c']], 'a new run changes the list, a known one is an update');
  // "The current run" for Open Loss Curves: the one training, else the newest still in the queue.
  const q = new RunsModel();
  q.setAll([run({ id: 'done', state: 'finished', queuedAt: 1 }), run({ id: 'q1', state: 'queued', queuedAt: 2 }), run({ id: 'q2', state: 'queued', queuedAt: 3 })]);
  assert.equal(q.activeRun(), null);
  assert.equal(q.currentRun()?.id, 'q2');
  q.upsert(run({ id: 'q1', state: 'running', queuedAt: 2, startedAt: 4 }));
  assert.equal(q.currentRun()?.id, 'q1');
  assert.equal(runIdFromArg('run:abc'), 'abc');
  assert.equal(runIdFromArg('abc'), 'abc');
  assert.equal(runIdFromArg(undefined), null);
});

test('checkpoints are grouped by run, newest first, the best starred; descriptions use the w=8 correlations', () => {
  const m = new CheckpointsModel();
  m.setAll([
    checkpoint({ step: 100 }),
    checkpoint({ step: 200, path: '/w/runs/r1/checkpoints/step-200', best: true, expressionScore: 0.6 }),
    checkpoint({ runId: 'r2', step: 50, path: '/w/runs/r2/checkpoints/step-50', velocityR: { '1': 0.2, '32': 0.5 }, rubatoR: {} }),
  ]);
  const runs = new Map([['r1', run()]]);
  const nodes = projectCheckpoints(m.runIds(), (id) => m.forRun(id), (id) => runs.get(id));
  const index = new NodeIndex(nodes);
  const groups = index.children(null);
  assert.deepEqual(groups.map((g) => [g.label, g.description]), [['tiny-cpu', '2 checkpoints · best 0.6'], ['r2', '1 checkpoint']]);
  const r1 = index.children(groups[0]!.id);
  assert.deepEqual(r1.map((n) => [n.label, n.icon?.id, n.contextValue]), [['step 200', 'star-full', 'rubato.checkpoint.best'], ['step 100', 'package', 'rubato.checkpoint']]);
  assert.equal(r1[1]!.description, 'score 0.512 · vel r 0.61 · rubato r 0.41 · val 1.235');
  assert.equal(index.children(groups[1]!.id)[0]!.description, 'score 0.512 · vel r 0.2 · rubato r – · val 1.235', 'without w=8 the smallest window is shown');
  for (const n of nodes) if (n.parentId) assert.ok(index.node(n.parentId), `${n.id} has its parent`);
  assert.equal(headlineR({}), null);
  assert.equal(checkpointNodeId(checkpoint()), 'ckpt:r1:100:/w/runs/r1/checkpoints/step-100');
  m.setForRun('r2', []);
  assert.deepEqual(m.runIds(), ['r1'], 'a run without checkpoints has no group');
});

test('duplicate node ids are refused (ids must be stable and unique)', () => {
  assert.throws(() => new NodeIndex(projectRuns([run(), run()])), /duplicate tree node id run:r1/);
});

test('datasets: roots alone before a scan; sizes, largest folders, duplicates, git bloat and problems after', () => {
  const m = new DatasetsModel();
  m.setRoots(['/data/asap', '/data/maestro', '', '/data/asap']);
  assert.deepEqual(m.roots, ['/data/asap', '/data/maestro'], 'blank and repeated roots dropped');
  const bare = projectDatasets(m.roots, m.reports);
  assert.deepEqual(bare.map((n) => [n.id, n.label, n.collapsible]), [['root:/data/asap', 'asap', 'none'], ['root:/data/maestro', 'maestro', 'none']]);

  const usage = (p: string, depth: number, allocatedBytes: number) => ({ path: p, depth, apparentBytes: allocatedBytes, allocatedBytes, files: 10, dirs: 1 });
  const scan = {
    roots: [{ ...usage('/data/asap', 0, 3 * 1024 ** 3), reachedThrough: [] }, { ...usage('/data/maestro', 0, 1024), reachedThrough: [] }],
    folders: [],
    largestFiles: [],
    largestFolders: [usage('/data/asap', 0, 3 * 1024 ** 3), usage('/data/asap/Bach', 1, 2 * 1024 ** 3), usage('/data/maestro/2018', 1, 1000)],
    hardLinks: [],
    links: [],
    problems: [{ kind: 'permission', path: '/data/asap/secret', code: 'EACCES', message: 'permission denied' }],
    totals: { files: 20, dirs: 2, symlinks: 0, hardLinkedPaths: 0, apparentBytes: 0, allocatedBytes: 0 },
    seconds: 0.1,
  } as ScanResult;
  const dupes = {
    groups: [{ sizeBytes: 100, hash: 'aa', files: ['/data/asap/a.mid', '/data/asap/b.mid'], canonical: '/data/asap/a.mid', reclaimableBytes: 100 }],
    folderGroups: [{ sizeBytes: 5000, files: 3, signature: 'ff', folders: ['/data/asap/x', '/data/asap/y', '/data/asap/z'], canonical: '/data/asap/x', reclaimableBytes: 10000, datasetCache: true }],
    reclaimableBytes: 10100,
    stats: { filesScanned: 0, distinctFiles: 0, sizeCandidates: 0, partialHashed: 0, fullHashed: 0, bytesHashed: 0, cacheHits: 0 },
    problems: [],
    seconds: 0,
  } as DupesResult;
  const objects = { looseObjects: 0, looseBytes: 0, packs: 1, packedObjects: 9, packBytes: 2048, garbageBytes: 0, totalBytes: 2048 };
  const git = {
    repos: [
      { path: '/data/maestro', gitDir: '/data/maestro/.git', objects, unreachable: { objects: 3, diskBytes: 1024 }, reflogOrIndexOnly: { objects: 0, diskBytes: 0 }, largestBlobs: [], refs: 2, warnings: ['1.0 KiB of unreachable objects'] },
      { path: '/data/asap', gitDir: '/data/asap/.git', objects, unreachable: { objects: 0, diskBytes: 0 }, reflogOrIndexOnly: { objects: 0, diskBytes: 0 }, largestBlobs: [], refs: 1, warnings: [] },
    ],
    problems: [],
    seconds: 0,
  } as GitScanResult;
  m.setReports({ scan, dupes, git });
  m.markChanged(['/data/maestro/2018']);
  const index = new NodeIndex(projectDatasets(m.roots, m.reports));
  const [asap, maestro] = index.children(null);
  assert.equal(asap!.description, '3.0 GiB · 10 files');
  assert.equal(maestro!.description, '1.0 KiB · 10 files · changed since the scan');
  assert.deepEqual(index.children(asap!.id).map((n) => [n.label, n.description]), [
    ['Largest folders', '1'],
    ['Duplicates', '2 groups · 9.9 KiB reclaimable'],
    ['Unreadable entries', '1'],
  ]);
  const dupeGroups = index.children(index.children(asap!.id)[1]!.id);
  assert.deepEqual(dupeGroups.map((n) => n.description), ['3 copies · 9.8 KiB reclaimable · dataset cache', '2 copies · 100 B reclaimable'], 'largest reclaim first');
  assert.deepEqual(index.children(dupeGroups[0]!.id).map((n) => n.description), ['canonical', '', '']);
  const gitGroup = index.children(maestro!.id).find((n) => n.label === 'Git bloat')!;
  assert.deepEqual(index.children(gitGroup.id).map((n) => n.label), ['maestro'], 'a repository without warnings is not listed');
  assert.equal(index.children(index.children(gitGroup.id)[0]!.id)[0]!.label, '1.0 KiB of unreachable objects');
  assert.ok(isUnder('/data/asap/x', '/data/asap/') && !isUnder('/data/asapx', '/data/asap'));
  m.setRoots(['/other']);
  assert.equal(m.reports.scan, null, 'new roots drop the old reports');
});
