// Git bloat on a real repository: planted unreachable loose objects (an accidental `git add -A` of a dataset whose
// blobs were never committed: `git hash-object -w`), a commit that only the reflog keeps, a staged-only blob and real
// commits. The report counts each kind exactly; gc needs confirmation, removes exactly the unreachable ones and
// keeps every ref, HEAD and the reflog-only objects (git's own rule, reported honestly).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gitGc, refSnapshot, scanGit } from '../../../server/datasets/git';

const hasGit = spawnSync('git', ['--version']).status === 0;
const PLANTED = 150;

function repo(t: { after: (f: () => void) => void }): string {
  const base = mkdtempSync(path.join(tmpdir(), 'rubato-ds-git-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = path.join(base, 'projects', 'model1');
  mkdirSync(dir, { recursive: true });
  // Real dates: gc expires unreachable reflog entries older than 30 days, and this test checks that it keeps newer ones.
  const g = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  g('init', '-q', '-b', 'main');
  g('config', 'user.email', 't@example.com');
  g('config', 'user.name', 'test');
  for (let i = 1; i <= 3; i++) {
    writeFileSync(path.join(dir, 'train.py'), `# version ${i}\n`);
    g('add', 'train.py');
    g('commit', '-q', '-m', `commit ${i}`);
  }
  g('tag', '-a', 'v1', '-m', 'first release');
  const data = path.join(base, 'dataset');
  mkdirSync(data);
  for (let i = 0; i < PLANTED; i++) writeFileSync(path.join(data, `x${i}.npy`), `array ${i} `.repeat(400));
  g('hash-object', '-w', ...Array.from({ length: PLANTED }, (_, i) => path.join(data, `x${i}.npy`)));
  writeFileSync(path.join(dir, 'lost.txt'), 'reset away\n');
  g('add', 'lost.txt');
  g('commit', '-q', '-m', 'lost');
  g('reset', '-q', '--hard', 'HEAD~1');
  writeFileSync(path.join(dir, 'staged.txt'), 'staged, never committed\n');
  g('add', 'staged.txt');
  return dir;
}

test('the report counts planted unreachable objects exactly, apart from reflog- and index-only ones', { skip: !hasGit && 'git is not installed' }, async (t) => {
  const dir = repo(t);
  const r = await scanGit([path.dirname(path.dirname(dir))]);
  assert.equal(r.repos.length, 1);
  const x = r.repos[0]!;
  assert.equal(x.path, dir);
  assert.equal(x.unreachable.objects, PLANTED);
  // The reset commit, its tree and blob (reflog), and the staged blob (index).
  assert.equal(x.reflogOrIndexOnly.objects, 4);
  assert.equal(x.objects.looseObjects, PLANTED + 4 + 3 * 3 + 1);
  assert.equal(x.largestBlobs[0]!.path, 'train.py');
  assert.ok(x.warnings.some((w) => w.includes(`${PLANTED} unreachable objects`)), x.warnings.join('; '));
});

test('gc needs confirmation, removes the unreachable objects and keeps every ref, HEAD and reflog-only object', { skip: !hasGit && 'git is not installed' }, async (t) => {
  const dir = repo(t);
  await assert.rejects(gitGc(dir, { confirm: false }), /explicit confirmation/);
  const refs = await refSnapshot(dir);
  const r = await gitGc(dir, { confirm: true });
  assert.equal(r.refsVerified, refs.size);
  assert.ok(r.freedBytes > 0 && r.after.totalBytes < r.before.totalBytes);
  assert.deepEqual(await refSnapshot(dir), refs);
  const after = (await scanGit([dir])).repos[0]!;
  assert.equal(after.unreachable.objects, 0);
  assert.equal(after.reflogOrIndexOnly.objects, 4, 'gc --prune=now keeps what reflogs and the index reach');
  assert.equal(execFileSync('git', ['log', '--format=%s', 'main'], { cwd: dir, encoding: 'utf8' }), 'commit 3\ncommit 2\ncommit 1\n');
});

test('CLI: git --gc without --yes refuses (exit 2) and changes nothing', { skip: !hasGit && 'git is not installed' }, async (t) => {
  const dir = repo(t);
  const cli = path.resolve(__dirname, '../../../server/cli/main.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'datasets', 'git', dir, '--gc'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--yes/);
  assert.equal((await scanGit([dir])).repos[0]!.unreachable.objects, PLANTED);
});
