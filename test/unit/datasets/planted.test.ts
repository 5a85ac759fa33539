// The datasets tools on a generated tree with known answers: exactly the planted duplicate groups (hard links of one
// file are one file), the duplicated dataset cache as one folder group, the hard links, the link loops, du's sizes,
// and the same groups as jdupes when it is installed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inodeKey, makePlantedTree, type PlantedTree } from '../../../scripts/datasetsTree';
import { findDuplicates } from '../../../server/datasets/dupes';
import { scanDatasets } from '../../../server/datasets/scan';

function planted(t: { after: (f: () => void) => void }): PlantedTree {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-ds-planted-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return makePlantedTree(path.join(dir, 'tree'), { files: 1200, meanKiB: 24 });
}

const truthGroups = (tree: PlantedTree): string[] => tree.dupGroups.map((g) => inodeKey(g.flat())).sort();

test('dupes finds exactly the planted groups, one path per distinct file', async (t) => {
  const tree = planted(t);
  const r = await findDuplicates([tree.root]);
  assert.deepEqual(r.groups.map((g) => inodeKey(g.files)).sort(), truthGroups(tree));
  for (const g of r.groups) {
    assert.equal(new Set(g.files.map((f) => inodeKey([f]))).size, g.files.length, 'a hard link listed twice in one group');
    assert.ok(g.files.includes(g.canonical));
    assert.equal(g.reclaimableBytes, g.sizeBytes * (g.files.length - 1));
  }
  assert.equal(r.reclaimableBytes, r.groups.reduce((s, g) => s + g.reclaimableBytes, 0));
  // The dataset cache copied into two projects is one folder group, recognised by its manifest.
  assert.equal(r.folderGroups.length, 1);
  assert.deepEqual(r.folderGroups[0]!.folders, [...tree.folderCopies[0]!].sort());
  assert.equal(r.folderGroups[0]!.datasetCache, true);
  assert.deepEqual(r.problems, []);
});

test('scan reports the planted hard links and loops and matches du byte for byte', async (t) => {
  const tree = planted(t);
  const r = await scanDatasets([tree.root]);
  assert.deepEqual(r.hardLinks.map((g) => g.paths).sort((a, b) => a[0]!.localeCompare(b[0]!)), tree.hardLinks);
  assert.deepEqual(r.links.filter((l) => l.loop).map((l) => l.path), tree.loops);
  const kinds = Object.fromEntries(r.links.map((l) => [path.basename(l.path), l.kind]));
  assert.deepEqual(kinds, { 'a-file': 'file', corpus: 'dir', dangling: 'dangling', 'loop-a': 'loop', 'loop-b': 'loop', up: 'loop' });
  assert.equal(r.totals.files, tree.files);
  assert.equal(r.roots.length, 1, 'the link to the corpus inside the root must not add a root');
  const du = spawnSync('du', ['-s', '-B1', tree.root], { encoding: 'utf8' });
  const duApparent = spawnSync('du', ['-s', '-B1', '--apparent-size', tree.root], { encoding: 'utf8' });
  if (du.status !== 0 || duApparent.status !== 0) return t.skip('GNU du is not available');
  assert.equal(r.roots[0]!.allocatedBytes, Number(du.stdout.split('\t')[0]));
  assert.equal(r.roots[0]!.apparentBytes, Number(duApparent.stdout.split('\t')[0]));
});

test('the groups are those jdupes -r finds', async (t) => {
  const tree = planted(t);
  const j = spawnSync('jdupes', ['-r', '-q', tree.root], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (j.error || j.status !== 0) return t.skip('jdupes is not installed');
  const jGroups = j.stdout.trim().split(/\n\s*\n/).map((b) => inodeKey(b.split('\n').filter(Boolean)));
  const ours = (await findDuplicates([tree.root])).groups.map((g) => inodeKey(g.files));
  assert.deepEqual([...new Set(ours)].sort(), [...new Set(jGroups)].sort());
});

test('CLI: dupes --json has groups [{size, files}] and reclaimable_bytes', (t) => {
  const tree = planted(t);
  const cli = path.resolve(__dirname, '../../../server/cli/main.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'datasets', 'dupes', tree.root, '--json', '--no-cache'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { groups: { size: number; files: string[] }[]; reclaimable_bytes: number; folder_groups: unknown[] };
  assert.deepEqual(out.groups.map((g) => inodeKey(g.files)).sort(), truthGroups(tree));
  assert.ok(out.groups.every((g) => typeof g.size === 'number' && g.files.every((f) => path.isAbsolute(f))));
  assert.equal(out.reclaimable_bytes, out.groups.reduce((s, g) => s + g.size * (g.files.length - 1), 0));
  assert.equal(out.folder_groups.length, 1);
});
