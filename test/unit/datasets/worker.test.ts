// The datasets worker thread: the same answers as the same code run in the calling thread (an injected FsApi keeps
// a job there), progress messages come through, and an abort terminates the job with the cancelled error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makePlantedTree, type PlantedTree } from '../../../scripts/datasetsTree';
import { findDuplicates } from '../../../server/datasets/dupes';
import { nodeFs, type FsApi } from '../../../server/datasets/fsApi';
import { scanDatasets } from '../../../server/datasets/scan';
import type { DatasetsProgress } from '../../../server/datasets/types';

function planted(t: { after: (f: () => void) => void }, files: number): PlantedTree {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-ds-worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return makePlantedTree(path.join(dir, 'tree'), { files, meanKiB: 24 });
}

// A copy of the node file system is not `nodeFs` itself: jobs given it run in this thread.
const inThread: FsApi = { ...nodeFs };

test('scan and dupes give the same results in the worker and in the calling thread', async (t) => {
  const tree = planted(t, 1500);
  const noTime = <T extends { seconds: number }>(r: T): Omit<T, 'seconds'> => ({ ...r, seconds: 0 });
  assert.deepEqual(noTime(await scanDatasets([tree.root])), noTime(await scanDatasets([tree.root], { fs: inThread })));
  const viaWorker = await findDuplicates([tree.root]);
  const here = await findDuplicates([tree.root], { fs: inThread });
  assert.ok(viaWorker.groups.length > 0);
  assert.deepEqual(noTime(viaWorker), noTime(here));
});

test('progress comes back from the worker, and an abort rejects with the cancelled error', async (t) => {
  const tree = planted(t, 3000);
  const seen: DatasetsProgress[] = [];
  await findDuplicates([tree.root], { onProgress: (p) => seen.push(p) });
  // Progress is throttled (every 100 ms at most): the first message always passes.
  assert.equal(seen[0]?.phase, 'scan', JSON.stringify(seen.slice(0, 3)));

  const ac = new AbortController();
  const run = findDuplicates([tree.root], { signal: ac.signal });
  setImmediate(() => ac.abort());
  await assert.rejects(run, { name: 'AbortError' });
  // The next job starts a fresh worker and still works.
  assert.equal((await scanDatasets([tree.root])).totals.files, tree.files);
});
