// Canonicalize on real folders: the dry run changes nothing; a real run replaces the duplicate with a link after
// verifying hashes and writes a manifest; undo restores a real copy with the same hashes; a full disk mid-run
// (ENOSPC injected through the fs interface) rolls everything back; the canonical copy is never touched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyPlan, canonicalize, planCanonicalize, readManifest, undoCanonicalize, verifySignature } from '../../../server/datasets/canonicalize';
import { nodeFs, type FsApi } from '../../../server/datasets/fsApi';

interface Fixture {
  root: string;
  state: string;
  corpus: string;
  copies: string[];
}

/** A corpus and two copies of it in two projects (a folder of arrays and a manifest), plus unrelated files. */
function fixture(t: { after: (f: () => void) => void }): Fixture {
  const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'rubato-ds-canon-')));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = path.join(base, 'work');
  const corpus = path.join(root, 'corpus', 'asap-cache');
  mkdirSync(path.join(corpus, 'items', 'a'), { recursive: true });
  writeFileSync(path.join(corpus, 'manifest.json'), '{"version":1}\n');
  writeFileSync(path.join(corpus, 'items', 'a', 'x.npy'), Buffer.alloc(200_000, 1));
  writeFileSync(path.join(corpus, 'items', 'y.npy'), Buffer.alloc(90_000, 2));
  writeFileSync(path.join(corpus, 'items', 'empty'), '');
  const copies = [path.join(root, 'projA', 'asap-cache'), path.join(root, 'projB', 'data', 'asap-cache')];
  for (const c of copies) {
    mkdirSync(path.dirname(c), { recursive: true });
    cpSync(corpus, c, { recursive: true });
  }
  writeFileSync(path.join(root, 'projA', 'train.py'), 'print(1)\n');
  return { root, state: path.join(base, 'state'), corpus, copies };
}

const signatureOf = async (dir: string): Promise<string> => (await verifySignature(dir, nodeFs))!.signature;

test('dry run plans the links and changes nothing', async (t) => {
  const f = fixture(t);
  const before = await signatureOf(f.root);
  const r = await canonicalize([f.root], { stateDir: f.state, preferCanonical: [path.join(f.root, 'corpus')] });
  assert.equal(r.dryRun, true);
  assert.deepEqual(r.actions.map((a) => [a.replace, a.canonical]).sort(), f.copies.map((c) => [c, f.corpus]));
  // corpus/ and projB/data/ hold the same tree too, but they hold folders already in the plan.
  assert.deepEqual(r.skipped.map((s) => s.folder), [path.join(f.root, 'projB', 'data')]);
  assert.equal(r.replaced, 0);
  assert.equal(r.manifest, null);
  assert.equal(await signatureOf(f.root), before);
  assert.equal(existsSync(f.state), false);
});

test('a real run links the copies to the canonical one, deletes only the trashed copies, and undo restores them', async (t) => {
  const f = fixture(t);
  const sig = await signatureOf(f.corpus);
  const corpusIno = statSync(path.join(f.corpus, 'items', 'a', 'x.npy')).ino;
  const r = await canonicalize([f.root], { dryRun: false, stateDir: f.state, preferCanonical: [path.join(f.root, 'corpus')] });
  assert.equal(r.rolledBack, undefined);
  assert.equal(r.replaced, 2);
  assert.equal(r.reclaimedBytes, 2 * (200_000 + 90_000 + 14));
  for (const c of f.copies) {
    assert.ok(lstatSync(c).isSymbolicLink());
    assert.equal(realpathSync(c), f.corpus);
    assert.deepEqual(readdirSync(path.dirname(c)).filter((n) => n.startsWith('.rubato-trash')), [], 'trash removed');
  }
  // The canonical copy is the same files, untouched.
  assert.equal(statSync(path.join(f.corpus, 'items', 'a', 'x.npy')).ino, corpusIno);
  assert.equal(await signatureOf(f.corpus), sig);
  const m = readManifest(readFileSync(r.manifest!, 'utf8'), r.manifest!);
  assert.deepEqual(m.entries.map((e) => [e.replace, e.state, e.signature]), f.copies.map((c) => [c, 'done', sig]));

  const u = await undoCanonicalize(r.manifest!);
  assert.deepEqual(u.failed, []);
  assert.deepEqual([...u.restored].sort(), [...f.copies].sort());
  for (const c of f.copies) {
    assert.ok(lstatSync(c).isDirectory() && !lstatSync(c).isSymbolicLink());
    assert.equal(await signatureOf(c), sig);
  }
  assert.deepEqual(readManifest(readFileSync(r.manifest!, 'utf8'), r.manifest!).entries.map((e) => e.state), ['restored', 'restored']);
  // A second undo finds nothing to do.
  assert.deepEqual((await undoCanonicalize(r.manifest!)).restored, []);
});

test('with keepTrash the copies stay beside the links and undo renames them back', async (t) => {
  const f = fixture(t);
  const r = await canonicalize([f.root], { dryRun: false, stateDir: f.state, keepTrash: true, preferCanonical: [path.join(f.root, 'corpus')] });
  assert.equal(r.replaced, 2);
  const m = readManifest(readFileSync(r.manifest!, 'utf8'), r.manifest!);
  const trashInodes = m.entries.map((e) => statSync(e.trash!).ino);
  const u = await undoCanonicalize(r.manifest!);
  assert.equal(u.restored.length, 2);
  assert.deepEqual(m.entries.map((e) => statSync(e.replace).ino), trashInodes, 'the kept copies themselves came back');
});

test('ENOSPC on the second link rolls back the first replacement; nothing is lost', async (t) => {
  const f = fixture(t);
  const before = await signatureOf(f.root);
  let links = 0;
  const fs: FsApi = {
    ...nodeFs,
    symlink: (target, p, type) => {
      links += 1;
      if (links === 2) return Promise.reject(Object.assign(new Error(`ENOSPC: no space left on device, symlink '${p}'`), { code: 'ENOSPC' }));
      return nodeFs.symlink(target, p, type);
    },
  };
  const r = await canonicalize([f.root], { fs, dryRun: false, stateDir: f.state, preferCanonical: [path.join(f.root, 'corpus')] });
  assert.match(r.rolledBack?.error ?? '', /ENOSPC/);
  assert.equal(r.rolledBack?.restored, 2);
  assert.equal(r.replaced, 0);
  for (const c of f.copies) assert.ok(lstatSync(c).isDirectory());
  assert.equal(await signatureOf(f.root), before, 'every file back, byte for byte, no trash left');
  assert.deepEqual(readManifest(readFileSync(r.manifest!, 'utf8'), r.manifest!).entries.map((e) => e.state), ['rolled-back', 'rolled-back']);
});

test('ENOSPC while undo copies the folder back leaves the link and removes the partial copy', async (t) => {
  const f = fixture(t);
  const r = await canonicalize([f.root], { dryRun: false, stateDir: f.state, preferCanonical: [path.join(f.root, 'corpus')] });
  const fs: FsApi = {
    ...nodeFs,
    cp: async (_from, to) => {
      mkdirSync(to);
      writeFileSync(path.join(to, 'partial'), 'x');
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
  const u = await undoCanonicalize(r.manifest!, { fs });
  assert.equal(u.restored.length, 0);
  assert.deepEqual(u.failed.map((x) => x.reason), ['not enough disk space for the copy; the link stays', 'not enough disk space for the copy; the link stays']);
  for (const c of f.copies) {
    assert.ok(lstatSync(c).isSymbolicLink());
    assert.deepEqual(readdirSync(path.dirname(c)).filter((n) => n.includes('rubato-restore')), []);
  }
  // Later, with space, the undo succeeds.
  assert.equal((await undoCanonicalize(r.manifest!)).restored.length, 2);
});

test('a copy that changed between the plan and the replacement is left alone', async (t) => {
  const f = fixture(t);
  const opts = { dryRun: false, stateDir: f.state, preferCanonical: [path.join(f.root, 'corpus')] };
  const plan = await planCanonicalize([f.root], opts);
  assert.equal(plan.actions.length, 2);
  // Same size, new bytes: only re-hashing from disk (no cache) can tell.
  writeFileSync(path.join(f.copies[0]!, 'items', 'y.npy'), Buffer.alloc(90_000, 7));
  const r = await applyPlan([f.root], plan, opts);
  assert.equal(r.replaced, 1);
  assert.ok(lstatSync(f.copies[0]!).isDirectory() && !lstatSync(f.copies[0]!).isSymbolicLink());
  assert.deepEqual(r.skipped.map((s) => s.folder).filter((x) => x === f.copies[0]), [f.copies[0]]);
  assert.ok(lstatSync(f.copies[1]!).isSymbolicLink());
});
