// The watcher reports the folders whose entries changed, including folders created after it started, and stops
// cleanly; a link loop in the tree does not make it loop.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchDatasets } from '../../../server/datasets/watch';

/** Resolves with the first batch that satisfies `want` (rejects after 10 s: events never came). */
function nextChange(batches: string[][], want: (dirs: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const hit = batches.find(want);
      if (hit) {
        clearInterval(poll);
        resolve(hit);
      } else if (Date.now() - started > 10_000) {
        clearInterval(poll);
        reject(new Error(`no matching change; got ${JSON.stringify(batches)}`));
      }
    }, 20);
  });
}

test('changes in existing and new folders are reported by folder; close stops it', async (t) => {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'rubato-ds-watch-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  symlinkSync('..', path.join(dir, 'a', 'up'));
  const batches: string[][] = [];
  const w = await watchDatasets([dir], (dirs) => batches.push(dirs), { debounceMs: 50 });
  t.after(() => w.close());
  assert.equal(w.size, 3, 'root, a, a/b; the link is not followed');

  writeFileSync(path.join(dir, 'a', 'b', 'x.npy'), 'x');
  await nextChange(batches, (d) => d.includes(path.join(dir, 'a', 'b')));

  mkdirSync(path.join(dir, 'new'));
  await nextChange(batches, (d) => d.includes(dir));
  // Wait until the new folder is watched, then change something inside it.
  const started = Date.now();
  while (w.size < 4 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
  assert.equal(w.size, 4);
  writeFileSync(path.join(dir, 'new', 'y.npy'), 'y');
  await nextChange(batches, (d) => d.includes(path.join(dir, 'new')));

  w.close();
  assert.equal(w.size, 0);
});
