// Input hashing: the stat cache skips re-reading unchanged files, yet the content hash alone decides the key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileHasher, itemKey } from '../../../server/dataset/fileHash';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

test('hashes are content hashes; the stat cache avoids re-reading unchanged files', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-hash-'));
  try {
    const a = path.join(dir, 'a.mid');
    const b = path.join(dir, 'b.mid');
    writeFileSync(a, 'alpha');
    writeFileSync(b, 'beta');
    const fixedSec = 1_700_000_000; // whole seconds, so restoring the mtime below is exact
    utimesSync(b, fixedSec, fixedSec);
    const cache = path.join(dir, 'cache.json');

    const h1 = new FileHasher(cache);
    assert.equal(await h1.hash(a), sha('alpha'));
    assert.equal(await h1.hash(a), sha('alpha'));
    assert.equal(await h1.hash(b), sha('beta'));
    assert.equal(h1.rehashed, 2, 'a file used twice in one run is read once');
    h1.save();

    const h2 = new FileHasher(cache);
    assert.equal(await h2.hash(a), sha('alpha'));
    assert.equal(h2.rehashed, 0, 'unchanged files are not read again');

    // Same size, new content, mtime forced back: ctime still moved, so the file is read again.
    const before = statSync(b);
    writeFileSync(b, 'BETA');
    utimesSync(b, fixedSec, fixedSec);
    assert.equal(statSync(b).mtimeMs, before.mtimeMs);
    assert.equal(statSync(b).size, before.size);
    const h3 = new FileHasher(cache);
    assert.equal(await h3.hash(b), sha('BETA'));
    assert.equal(h3.rehashed, 1);

    // Touching a file without changing it re-reads it but gives the same hash.
    h3.save();
    const future = new Date(Date.now() + 60_000);
    utimesSync(a, future, future);
    const h4 = new FileHasher(cache);
    assert.equal(await h4.hash(a), sha('alpha'));
    assert.equal(h4.rehashed, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt stat cache only costs a re-hash; a missing input names the file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-hash-'));
  try {
    const cache = path.join(dir, 'cache.json');
    writeFileSync(cache, '{not json');
    const a = path.join(dir, 'a.mid');
    writeFileSync(a, 'alpha');
    const h = new FileHasher(cache);
    assert.equal(await h.hash(a), sha('alpha'));
    await assert.rejects(h.hash(path.join(dir, 'nope.mid')), /nope\.mid: input file cannot be read: ENOENT/);
    await assert.rejects(h.hash(dir), /input is not a regular file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('item keys depend on extractor version, content and order of inputs', () => {
  const k = itemKey('v1', [sha('a'), sha('b')]);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(itemKey('v1', [sha('a'), sha('b')]), k);
  assert.notEqual(itemKey('v2', [sha('a'), sha('b')]), k);
  assert.notEqual(itemKey('v1', [sha('b'), sha('a')]), k);
  assert.notEqual(itemKey('v1', [sha('a')]), k);
});
