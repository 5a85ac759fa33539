// Bad cases are reported in the results, never a crash: permission denied, files vanishing mid-scan (injected through
// the fs interface), link loops, a tree 2,000 folders deep, names that are not UTF-8.

import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findDuplicates } from '../../../server/datasets/dupes';
import { nodeFs, type FsApi } from '../../../server/datasets/fsApi';
import { scanDatasets } from '../../../server/datasets/scan';
import { canonicalize } from '../../../server/datasets/canonicalize';

function tmp(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-ds-bad-'));
  t.after(() => {
    // Undo chmod 000 before removing.
    try {
      chmodSync(path.join(dir, 'locked'), 0o755);
    } catch {
      // not created by this test
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Node's rmSync recurses and overflows on the 2,000-deep tree if that test failed before its own cleanup.
      spawnSync('rm', ['-rf', dir]);
    }
  });
  return dir;
}

test('a folder we may not read is reported as permission denied and the rest is scanned', async (t) => {
  const dir = tmp(t);
  mkdirSync(path.join(dir, 'locked'));
  writeFileSync(path.join(dir, 'locked', 'secret'), 'x');
  writeFileSync(path.join(dir, 'open.txt'), 'hello');
  chmodSync(path.join(dir, 'locked'), 0o000);
  let readable = false;
  try {
    readdirSync(path.join(dir, 'locked'));
    readable = true;
  } catch {
    // denied, as wanted
  }
  if (readable) return t.skip('running as root (or with CAP_DAC_READ_SEARCH): chmod 000 does not deny reading here');
  const r = await scanDatasets([dir]);
  assert.deepEqual(r.problems.map((p) => [p.kind, p.path, p.code]), [['permission', path.join(dir, 'locked'), 'EACCES']]);
  assert.equal(r.totals.files, 1);
});

test('permission denied injected through the fs interface (works as root too)', async (t) => {
  const dir = tmp(t);
  mkdirSync(path.join(dir, 'locked'));
  writeFileSync(path.join(dir, 'locked', 'secret'), 'x');
  writeFileSync(path.join(dir, 'a'), 'same');
  writeFileSync(path.join(dir, 'b'), 'same');
  const fs: FsApi = {
    ...nodeFs,
    readdir: (d) => {
      if (String(d).endsWith('locked')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return nodeFs.readdir(d);
    },
  };
  const r = await findDuplicates([dir], { fs });
  assert.deepEqual(r.problems.map((p) => [p.kind, p.path]), [['permission', path.join(dir, 'locked')]]);
  assert.equal(r.groups.length, 1);
});

test('files vanishing between listing and lstat, and between lstat and hashing, are reported and left out', async (t) => {
  const dir = tmp(t);
  for (const n of ['a', 'b', 'c', 'gone-early', 'gone-late']) writeFileSync(path.join(dir, n), 'same content');
  const enoent = (p: unknown): never => {
    throw Object.assign(new Error(`ENOENT: no such file or directory, '${String(p)}'`), { code: 'ENOENT' });
  };
  const fs: FsApi = {
    ...nodeFs,
    lstat: (p) => (String(p).endsWith('gone-early') ? enoent(p) : nodeFs.lstat(p)),
    open: (p) => (String(p).endsWith('gone-late') ? enoent(p) : nodeFs.open(p)),
  };
  const r = await findDuplicates([dir], { fs });
  assert.deepEqual(r.problems.map((p) => [p.kind, path.basename(p.path)]).sort(), [['vanished', 'gone-early'], ['vanished', 'gone-late']]);
  assert.deepEqual(r.groups.map((g) => g.files.map((f) => path.basename(f))), [['a', 'b', 'c']]);
});

test('link loops are reported, never followed; a link to a folder outside the roots is walked once at its real path', async (t) => {
  const dir = tmp(t);
  const root = path.join(dir, 'root');
  const corpus = path.join(dir, 'corpus');
  mkdirSync(path.join(root, 'p1'), { recursive: true });
  mkdirSync(path.join(root, 'p2'));
  mkdirSync(corpus);
  writeFileSync(path.join(corpus, 'data.bin'), Buffer.alloc(5000, 3));
  symlinkSync(corpus, path.join(root, 'p1', 'corpus'));
  symlinkSync(corpus, path.join(root, 'p2', 'corpus'));
  symlinkSync('self', path.join(root, 'self'));
  symlinkSync(root, path.join(root, 'p1', 'back-to-root'));
  symlinkSync(path.join(root, 'p2', 'corpus'), path.join(corpus, 'back-into-p2'));
  const r = await scanDatasets([root]);
  assert.deepEqual(r.roots.map((x) => [x.path, x.reachedThrough]), [
    [root, []],
    [corpus, [path.join(root, 'p1', 'corpus'), path.join(root, 'p2', 'corpus')]],
  ]);
  assert.equal(r.totals.files, 1, 'the corpus is counted once');
  assert.deepEqual(r.links.filter((l) => l.loop).map((l) => l.path), [path.join(corpus, 'back-into-p2'), path.join(root, 'p1', 'back-to-root'), path.join(root, 'self')]);
});

test('a tree 2,000 folders deep is walked without recursion (no stack overflow)', async (t) => {
  const dir = tmp(t);
  const parts = Array.from({ length: 2000 }, () => 'd');
  const deepest = path.join(dir, ...parts);
  mkdirSync(deepest, { recursive: true });
  writeFileSync(path.join(deepest, 'bottom.txt'), 'deep');
  writeFileSync(path.join(dir, 'top.txt'), 'deep');
  const r = await findDuplicates([dir]);
  assert.deepEqual(r.problems, []);
  assert.equal(r.stats.filesScanned, 2);
  assert.deepEqual(r.groups.map((g) => g.files.length), [2]);
  const s = await scanDatasets([dir]);
  assert.equal(s.roots[0]!.dirs, 2000);
  // Node's own rmSync recurses and overflows at this depth: remove the chain bottom-up, in a loop.
  const chain = parts.map((_, i) => path.join(dir, ...parts.slice(0, i + 1))).reverse();
  rmSync(path.join(deepest, 'bottom.txt'));
  for (const d of chain) rmdirSync(d);
});

test('names that are not valid UTF-8 are scanned, hashed, reported with \\xNN escapes and never canonicalized', { skip: process.platform !== 'linux' && 'only Linux file systems store arbitrary name bytes' }, async (t) => {
  const dir = tmp(t);
  const raw = Buffer.concat([Buffer.from(dir + '/caf'), Buffer.from([0xe9]), Buffer.from('-copy')]);
  mkdirSync(raw);
  mkdirSync(path.join(dir, 'cafe'));
  for (const d of [raw, Buffer.from(path.join(dir, 'cafe'))]) {
    writeFileSync(Buffer.concat([d, Buffer.from('/data.bin')]), Buffer.alloc(70_000, 5));
    writeFileSync(Buffer.concat([d, Buffer.from([0x2f, 0x6e, 0xff])]), 'odd name, same content');
  }
  const shown = `${dir}/caf\\xe9-copy`;
  const r = await findDuplicates([dir]);
  assert.deepEqual(r.groups.map((g) => g.files).sort(), [
    [`${shown}/data.bin`, path.join(dir, 'cafe', 'data.bin')],
    [`${shown}/n\\xff`, `${dir}/cafe/n\\xff`],
  ]);
  assert.ok(r.problems.every((p) => p.kind === 'non-utf8-name'));
  assert.deepEqual(r.problems.map((p) => p.path).sort(), [shown, `${shown}/n\\xff`, `${dir}/cafe/n\\xff`]);
  assert.deepEqual(r.folderGroups.map((g) => g.folders), [[shown, path.join(dir, 'cafe')]]);
  const c = await canonicalize([dir], { dryRun: true });
  assert.ok(c.actions.every((a) => a.replace !== shown && a.canonical !== shown), JSON.stringify(c.actions));
});
