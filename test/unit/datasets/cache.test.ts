// The persisted hash cache: a rescan of an unchanged tree reads no file bytes; a changed file is re-read, alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findDuplicates } from '../../../server/datasets/dupes';
import { HASH_CACHE_VERSION, HashCache } from '../../../server/datasets/hashCache';

function tree(t: { after: (f: () => void) => void }): { dir: string; cacheFile: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'rubato-ds-cache-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = path.join(base, 'data');
  for (const p of ['a', 'b']) {
    mkdirSync(path.join(dir, p), { recursive: true });
    writeFileSync(path.join(dir, p, 'big.bin'), Buffer.alloc(300_000, 7));
    writeFileSync(path.join(dir, p, 'small.txt'), 'same text');
    writeFileSync(path.join(dir, p, `own-${p}.bin`), Buffer.alloc(300_000, p === 'a' ? 1 : 2));
  }
  return { dir, cacheFile: path.join(base, 'cache', 'hashes.json') };
}

test('a rescan of an unchanged tree with the saved cache hashes nothing and finds the same groups', async (t) => {
  const { dir, cacheFile } = tree(t);
  const c1 = HashCache.load(cacheFile);
  const first = await findDuplicates([dir], { cache: c1 });
  c1.save([dir]);
  assert.ok(first.stats.bytesHashed > 600_000);
  assert.equal(first.groups.length, 2);

  const second = await findDuplicates([dir], { cache: HashCache.load(cacheFile) });
  assert.equal(second.stats.bytesHashed, 0);
  assert.ok(second.stats.cacheHits > 0);
  assert.deepEqual(second.groups, first.groups);
});

test('a changed file is re-hashed and regrouped; unchanged ones come from the cache', async (t) => {
  const { dir, cacheFile } = tree(t);
  const c1 = HashCache.load(cacheFile);
  await findDuplicates([dir], { cache: c1 });
  c1.save([dir]);
  // Same size, new content: only the mtime (and content) tells.
  writeFileSync(path.join(dir, 'b', 'big.bin'), Buffer.alloc(300_000, 9));
  const c2 = HashCache.load(cacheFile);
  const r = await findDuplicates([dir], { cache: c2 });
  assert.equal(r.groups.length, 1, 'big.bin no longer has a twin');
  // The changed file is read in full, nothing else is (the others' hashes are cached).
  assert.ok(r.stats.bytesHashed > 0 && r.stats.bytesHashed <= 300_000 + 32 * 1024, `read ${r.stats.bytesHashed} bytes`);
});

test('a damaged cache file is ignored (costs a re-hash, never an error)', async (t) => {
  const { dir, cacheFile } = tree(t);
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, '{"version":1,"entries":{"x":[1,"2"');
  const c = HashCache.load(cacheFile);
  const r = await findDuplicates([dir], { cache: c });
  assert.equal(r.groups.length, 2);
  c.save([dir]);
  assert.equal((JSON.parse(readFileSync(cacheFile, 'utf8')) as { version: number }).version, HASH_CACHE_VERSION);
});
