// The cache builder with a fake extractor over temp folders: build, reuse, rebuild, removal, failures, refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDataset, buildExitCode, type BuildItem, type BuildOptions, type ExtractResult } from '../../../server/dataset/build';
import { LOCK_FILE } from '../../../server/dataset/cacheDir';
import { readManifest } from '../../../server/dataset/manifest';
import { decodeNpy } from '../../../server/dataset/npy';

interface Fixture {
  root: string;
  dataDir: string;
  outDir: string;
  items: BuildItem[];
  calls: string[];
  extract: (item: BuildItem) => ExtractResult;
}

/**
 * Three pieces (two of Bach, one of Chopin), two performances each. Each performance's input is a score file shared
 * by its piece plus its own file; the fake extractor turns the bytes into arrays so outputs follow the inputs.
 */
function makeFixture(): Fixture {
  const root = mkdtempSync(path.join(tmpdir(), 'rubato-build-'));
  const dataDir = path.join(root, 'data');
  const items: BuildItem[] = [];
  for (const [composer, piece] of [['Bach', 'fugue1'], ['Bach', 'fugue2'], ['Chopin', 'ballade1']] as const) {
    const dir = path.join(dataDir, composer, piece);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'score.txt'), `${piece}\n`);
    for (const perf of ['Ann', 'Bob']) {
      writeFileSync(path.join(dir, `${perf}.txt`), `${perf} plays ${piece}`);
      items.push({
        id: `${composer}/${piece}/${perf}`,
        group: `${composer}/${piece}`,
        composer,
        inputs: [path.join(dir, 'score.txt'), path.join(dir, `${perf}.txt`)],
      });
    }
  }
  const calls: string[] = [];
  const extract = (item: BuildItem): ExtractResult => {
    calls.push(item.id);
    const perf = readFileSync(item.inputs[1] as string);
    const n = perf.length;
    const features = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      features[2 * i] = perf[i] as number;
      features[2 * i + 1] = i / 2;
    }
    return {
      arrays: {
        features: { dtype: 'f4', shape: [n, 2], data: features },
        velocity: { dtype: 'u1', shape: [n], data: Uint8Array.from(perf) },
      },
      meta: { notes: n, source: path.basename(item.inputs[1] as string) },
    };
  };
  return { root, dataDir, outDir: path.join(root, 'cache'), items, calls, extract };
}

function opts(f: Fixture, extra: Partial<BuildOptions> = {}): BuildOptions {
  return {
    outDir: f.outDir,
    items: f.items,
    extract: f.extract,
    extractorVersion: 'fake-1',
    featureNames: { features: ['byte', 'halfIndex'] },
    concurrency: 2,
    ...extra,
  };
}

function withFixture(fn: (f: Fixture) => Promise<void>): () => Promise<void> {
  return async () => {
    const f = makeFixture();
    try {
      await fn(f);
    } finally {
      rmSync(f.root, { recursive: true, force: true });
    }
  };
}

test('a fresh build writes every item, its arrays, meta.json and a valid manifest', withFixture(async (f) => {
  const progress: [number, number, string, boolean][] = [];
  const report = await buildDataset(opts(f, { onProgress: (d, t, it, c) => progress.push([d, t, it.id, c]) }));
  assert.equal(report.built, 6);
  assert.equal(report.reused, 0);
  assert.deepEqual(report.failed, []);
  assert.equal(buildExitCode(report), 0);
  assert.equal(report.manifestPath, path.join(f.outDir, 'manifest.json'));
  assert.deepEqual(progress.map((p) => p[0]), [1, 2, 3, 4, 5, 6]);
  assert.ok(progress.every((p) => p[1] === 6 && !p[3]));

  const m = readManifest(report.manifestPath);
  assert.equal(m.extractorVersion, 'fake-1');
  assert.deepEqual(m.featureNames, { features: ['byte', 'halfIndex'] });
  assert.deepEqual(m.splitRatios, { train: 0.8, val: 0.1, test: 0.1 });
  assert.deepEqual(m.items.map((it) => it.id), [...f.items.map((it) => it.id)].sort());
  const ann = m.items.find((it) => it.id === 'Bach/fugue1/Ann');
  assert.ok(ann !== undefined);
  // "Ann plays fugue1" is 16 bytes.
  assert.deepEqual(ann.arrays.features, { dtype: 'f4', shape: [16, 2], file: `${ann.dir}/features.npy`, bytes: 128 + 16 * 2 * 4 });
  assert.match(ann.dir, /^items\/Bach_fugue1_Ann-[0-9a-f]{16}$/);
  assert.deepEqual(ann.meta, { notes: 16, source: 'Ann.txt' });
  assert.deepEqual(JSON.parse(readFileSync(path.join(f.outDir, ann.dir, 'meta.json'), 'utf8')), ann.meta);
  const vel = decodeNpy(readFileSync(path.join(f.outDir, ann.dir, 'velocity.npy')));
  assert.equal(Buffer.from(vel.data as Uint8Array).toString(), 'Ann plays fugue1');
  const feats = decodeNpy(readFileSync(path.join(f.outDir, ann.dir, 'features.npy')));
  assert.deepEqual([...feats.data.slice(0, 4)], [65, 0, 110, 0.5]); // 'A', 'n'

  // With three groups, every composer is small: all train (see split.ts). Both performances share the split.
  assert.ok(m.items.every((it) => it.split === 'train'));
  // Nothing temporary left behind, no lock.
  assert.deepEqual(readdirSync(f.outDir).sort(), ['.rubato-hash-cache.json', 'items', 'manifest.json']);
  assert.equal(readdirSync(path.join(f.outDir, 'items')).length, 6);
}));

test('a warm rebuild reuses everything without calling the extractor', withFixture(async (f) => {
  await buildDataset(opts(f));
  const before = readFileSync(path.join(f.outDir, 'manifest.json'), 'utf8');
  f.calls.length = 0;
  const cachedFlags: boolean[] = [];
  const report = await buildDataset(opts(f, { onProgress: (_d, _t, _it, c) => cachedFlags.push(c) }));
  assert.deepEqual(f.calls, []);
  assert.equal(report.built, 0);
  assert.equal(report.reused, 6);
  assert.deepEqual(cachedFlags, [true, true, true, true, true, true]);
  const after = readManifest(report.manifestPath);
  const strip = (s: string): unknown => ({ ...(JSON.parse(s) as object), updatedAt: null });
  assert.deepEqual(strip(JSON.stringify(after)), strip(before));
}));

test('changing one input rebuilds only the items that read it', withFixture(async (f) => {
  const first = readManifest((await buildDataset(opts(f))).manifestPath);
  const oldBob = first.items.find((it) => it.id === 'Chopin/ballade1/Bob');
  assert.ok(oldBob !== undefined);
  f.calls.length = 0;
  writeFileSync(path.join(f.dataDir, 'Chopin', 'ballade1', 'Bob.txt'), 'Bob plays ballade1 again');
  const report = await buildDataset(opts(f));
  assert.deepEqual(f.calls, ['Chopin/ballade1/Bob']);
  assert.equal(report.built, 1);
  assert.equal(report.reused, 5);
  const m = readManifest(report.manifestPath);
  const bob = m.items.find((it) => it.id === 'Chopin/ballade1/Bob');
  assert.ok(bob !== undefined);
  assert.notEqual(bob.key, oldBob.key);
  assert.notEqual(bob.dir, oldBob.dir);
  assert.deepEqual(bob.arrays.velocity?.shape, [24]);
  assert.equal(existsSync(path.join(f.outDir, oldBob.dir)), false, 'the old version is removed after the manifest moved on');

  // A shared input (the score) invalidates both performances of that piece.
  f.calls.length = 0;
  writeFileSync(path.join(f.dataDir, 'Bach', 'fugue2', 'score.txt'), 'fugue2 revised\n');
  await buildDataset(opts(f));
  assert.deepEqual([...f.calls].sort(), ['Bach/fugue2/Ann', 'Bach/fugue2/Bob']);
}));

test('a new extractorVersion rebuilds every item', withFixture(async (f) => {
  await buildDataset(opts(f));
  f.calls.length = 0;
  const report = await buildDataset(opts(f, { extractorVersion: 'fake-2' }));
  assert.equal(report.built, 6);
  assert.equal(f.calls.length, 6);
  assert.equal(readdirSync(path.join(f.outDir, 'items')).length, 6, 'old versions were removed');
}));

test('an item whose output files went missing or were truncated is rebuilt', withFixture(async (f) => {
  const m = readManifest((await buildDataset(opts(f))).manifestPath);
  const [a, b] = m.items;
  assert.ok(a !== undefined && b !== undefined);
  rmSync(path.join(f.outDir, a.dir, 'velocity.npy'));
  writeFileSync(path.join(f.outDir, b.dir, 'features.npy'), 'truncated');
  f.calls.length = 0;
  const report = await buildDataset(opts(f));
  assert.deepEqual([...f.calls].sort(), [a.id, b.id].sort());
  assert.equal(report.reused, 4);
  const again = readManifest(report.manifestPath);
  const b2 = again.items.find((it) => it.id === b.id);
  assert.ok(b2 !== undefined);
  assert.equal(decodeNpy(readFileSync(path.join(f.outDir, b2.dir, 'features.npy'))).shape[1], 2);
}));

test('items that no longer exist are dropped; files the builder did not make are kept', withFixture(async (f) => {
  const first = readManifest((await buildDataset(opts(f))).manifestPath);
  const gone = first.items.find((it) => it.id === 'Bach/fugue1/Bob');
  assert.ok(gone !== undefined);
  writeFileSync(path.join(f.outDir, 'NOTES.md'), 'mine');
  writeFileSync(path.join(f.outDir, 'items', 'README'), 'mine too');
  mkdirSync(path.join(f.outDir, 'items', 'my-folder'));
  const report = await buildDataset(opts(f, { items: f.items.filter((it) => it.id !== gone.id) }));
  assert.equal(report.reused, 5);
  const m = readManifest(report.manifestPath);
  assert.equal(m.items.some((it) => it.id === gone.id), false);
  assert.equal(existsSync(path.join(f.outDir, gone.dir)), false);
  assert.equal(readFileSync(path.join(f.outDir, 'NOTES.md'), 'utf8'), 'mine');
  assert.equal(readFileSync(path.join(f.outDir, 'items', 'README'), 'utf8'), 'mine too');
  assert.ok(existsSync(path.join(f.outDir, 'items', 'my-folder')));
}));

test('failing items are reported with reason and files; the others are built', withFixture(async (f) => {
  const missing = path.join(f.dataDir, 'Bach', 'fugue1', 'Gone.txt');
  const items = [...f.items, { id: 'Bach/fugue1/Gone', group: 'Bach/fugue1', composer: 'Bach', inputs: [missing] }];
  const extract = (item: BuildItem): ExtractResult => {
    if (item.id === 'Chopin/ballade1/Ann') throw new Error('alignment failed: no matching notes');
    if (item.id === 'Bach/fugue2/Ann') return { arrays: { features: { dtype: 'f4', shape: [3, 3], data: new Float32Array(9) } }, meta: {} };
    if (item.id === 'Bach/fugue2/Bob') return { arrays: { x: { dtype: 'f4', shape: [2], data: new Float32Array(3) } }, meta: {} };
    return f.extract(item);
  };
  const report = await buildDataset(opts(f, { items, extract }));
  assert.equal(report.built, 3);
  assert.equal(buildExitCode(report), 0);
  const reasons = new Map(report.failed.map((x) => [x.id, x]));
  assert.deepEqual([...reasons.keys()], ['Bach/fugue1/Gone', 'Bach/fugue2/Ann', 'Bach/fugue2/Bob', 'Chopin/ballade1/Ann']);
  assert.match(reasons.get('Bach/fugue1/Gone')?.reason ?? '', new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: input file cannot be read: ENOENT`));
  assert.deepEqual(reasons.get('Bach/fugue1/Gone')?.files, [missing]);
  assert.equal(reasons.get('Chopin/ballade1/Ann')?.reason, 'alignment failed: no matching notes');
  assert.deepEqual(reasons.get('Chopin/ballade1/Ann')?.files, items.find((it) => it.id === 'Chopin/ballade1/Ann')?.inputs);
  assert.match(reasons.get('Bach/fugue2/Ann')?.reason ?? '', /array 'features' has shape \[3, 3\] but featureNames.features lists 2 columns/);
  assert.match(reasons.get('Bach/fugue2/Bob')?.reason ?? '', /array 'x': npy: shape \[2\] holds 2 elements but data has 3/);
  const m = readManifest(report.manifestPath);
  assert.equal(m.items.length, 3);
  assert.deepEqual(m.failed, report.failed);

  // When nothing at all can be built, the CLI is told to fail.
  const none = await buildDataset(opts(f, { outDir: path.join(f.root, 'cache2'), extract: () => { throw new Error('boom'); } }));
  assert.equal(none.built + none.reused, 0);
  assert.equal(none.failed.length, 6);
  assert.equal(buildExitCode(none), 1);
}));

test('refuses an output folder it does not own, and leaves it untouched', withFixture(async (f) => {
  const foreign = path.join(f.root, 'photos');
  mkdirSync(foreign);
  writeFileSync(path.join(foreign, 'cat.jpg'), 'meow');
  await assert.rejects(buildDataset(opts(f, { outDir: foreign })), /photos: folder is not empty \(cat\.jpg\) and is not a Rubato dataset cache; refusing/);
  assert.deepEqual(readdirSync(foreign), ['cat.jpg']);

  const otherTool = path.join(f.root, 'other');
  mkdirSync(otherTool);
  writeFileSync(path.join(otherTool, 'manifest.json'), '{"format": "something-else"}');
  await assert.rejects(buildDataset(opts(f, { outDir: otherTool })), /other: not a Rubato dataset cache \(manifest\.json has no "format": "rubato-dataset" marker\)/);
  assert.deepEqual(readdirSync(otherTool), ['manifest.json']);

  const file = path.join(f.root, 'afile');
  writeFileSync(file, 'x');
  await assert.rejects(buildDataset(opts(f, { outDir: file })), /afile: the dataset output path exists and is not a folder/);

  const corrupt = path.join(f.root, 'corrupt');
  mkdirSync(corrupt);
  writeFileSync(path.join(corrupt, 'manifest.json'), '{"format": "rubato-dataset", "version": 1}');
  await assert.rejects(buildDataset(opts(f, { outDir: corrupt })), /corrupt\/manifest\.json: invalid Rubato dataset manifest: manifest\.extractorVersion must be a string/);

  // An empty existing folder is fine.
  const empty = path.join(f.root, 'empty');
  mkdirSync(empty);
  assert.equal((await buildDataset(opts(f, { outDir: empty }))).built, 6);
}));

test('invalid options are rejected before anything is written', withFixture(async (f) => {
  const dup = [...f.items, f.items[0] as BuildItem];
  await assert.rejects(buildDataset(opts(f, { items: dup })), /item id 'Bach\/fugue1\/Ann' appears twice/);
  await assert.rejects(buildDataset(opts(f, { extractorVersion: '' })), /extractorVersion is required/);
  await assert.rejects(buildDataset(opts(f, { splitRatios: { train: 1, val: 1, test: 0 } })), /must sum to 1/);
  await assert.rejects(buildDataset(opts(f, { items: [{ id: 'a', group: 'g', composer: 'C', inputs: [] }] })), /item 'a' lists no input files/);
  assert.equal(existsSync(f.outDir), false);
}));

test('leftovers of a killed build are cleaned up; a live lock refuses, a stale one is taken over', withFixture(async (f) => {
  await buildDataset(opts(f));
  const tmpItem = path.join(f.outDir, 'items', 'Bach_fugue1_Ann-0123456789abcdef.tmp-4242-abcdef12');
  mkdirSync(tmpItem);
  writeFileSync(path.join(tmpItem, 'features.npy'), 'half');
  const orphan = path.join(f.outDir, 'items', 'Old_item-fedcba9876543210');
  mkdirSync(orphan);
  const tmpManifest = path.join(f.outDir, 'manifest.json.tmp-4242-abcdef12');
  writeFileSync(tmpManifest, '{');

  const lock = path.join(f.outDir, LOCK_FILE);
  writeFileSync(lock, `${process.pid}\n`); // a live process holds it
  await assert.rejects(buildDataset(opts(f)), /another dataset build \(pid \d+\) is writing this cache/);
  writeFileSync(lock, '2147483646\n'); // no such process
  const report = await buildDataset(opts(f));
  assert.equal(report.reused, 6);
  assert.equal(existsSync(lock), false);
  assert.equal(existsSync(tmpItem), false);
  assert.equal(existsSync(orphan), false);
  assert.equal(existsSync(tmpManifest), false);
}));

test('a split follows groups through the builder and stays stable across rebuilds', withFixture(async (f) => {
  // Ten Bach pieces with two performances each: 8/1/1 groups.
  const items: BuildItem[] = [];
  for (let g = 0; g < 10; g++) {
    for (const perf of ['Ann', 'Bob']) {
      const file = path.join(f.dataDir, `p${g}-${perf}.txt`);
      writeFileSync(file, `${perf}${g}`);
      items.push({ id: `Bach/p${g}/${perf}`, group: `Bach/p${g}`, composer: 'Bach', inputs: [file, file] });
    }
  }
  const m1 = readManifest((await buildDataset(opts(f, { items }))).manifestPath);
  const groupsIn = (s: string): Set<string> => new Set(m1.items.filter((it) => it.split === s).map((it) => it.group));
  assert.deepEqual([groupsIn('train').size, groupsIn('val').size, groupsIn('test').size], [8, 1, 1]);
  for (const it of m1.items) assert.equal(it.split, m1.items.find((o) => o.group === it.group && o.id !== it.id)?.split);
  const m2 = readManifest((await buildDataset(opts(f, { items: [...items].reverse() }))).manifestPath);
  assert.deepEqual(m2.items.map((it) => [it.id, it.split]), m1.items.map((it) => [it.id, it.split]));
}));

test('python3 numpy loads the cache through the manifest as the trainer will', async (t) => {
  if (spawnSync('python3', ['-c', 'import numpy']).status !== 0) {
    t.skip('python3 with numpy not found; skipping the trainer-side load check');
    return;
  }
  await withFixture(trainerLoads)();
});

async function trainerLoads(f: Fixture): Promise<void> {
  const report = await buildDataset(opts(f));
  const script = [
    'import json, os, sys, numpy as np',
    'root = sys.argv[1]',
    'm = json.load(open(os.path.join(root, "manifest.json")))',
    'out = []',
    'for it in m["items"]:',
    '    for name, a in sorted(it["arrays"].items()):',
    '        x = np.load(os.path.join(root, a["file"]), allow_pickle=False)',
    '        assert list(x.shape) == a["shape"] and x.dtype.str.endswith(a["dtype"]), (it["id"], name)',
    '        out.append([it["id"], name, x.dtype.str, list(x.shape), float(x.sum())])',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, path.dirname(report.manifestPath)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as [string, string, string, number[], number][];
  assert.equal(rows.length, 12);
  // "Ann plays fugue1": velocity sums to its byte sum; features column 1 sums 0 + 0.5 + ... + 7.5 = 60.
  const bytesSum = [...Buffer.from('Ann plays fugue1')].reduce((a, b) => a + b, 0);
  assert.deepEqual(rows.find((x) => x[0] === 'Bach/fugue1/Ann' && x[1] === 'velocity'), ['Bach/fugue1/Ann', 'velocity', '|u1', [16], bytesSum]);
  assert.deepEqual(rows.find((x) => x[0] === 'Bach/fugue1/Ann' && x[1] === 'features'), ['Bach/fugue1/Ann', 'features', '<f4', [16, 2], bytesSum + 60]);
}

test('a build killed mid-way leaves the previous manifest and all its files intact', withFixture(async (f) => {
  await buildDataset(opts(f));
  for (const it of f.items) writeFileSync(it.inputs[1] as string, `${readFileSync(it.inputs[1] as string, 'utf8')} (take 2)`);

  // A child process rebuilds with concurrency 1 and announces each item; the third one never finishes, and we
  // SIGKILL the child as soon as it says so, so two new item folders are already written but not the manifest.
  const child = path.join(f.root, 'child.ts');
  const buildModule = path.resolve(__dirname, '../../../server/dataset/build');
  writeFileSync(child, [
    `import { buildDataset } from ${JSON.stringify(buildModule)};`,
    `const items = JSON.parse(process.argv[2] ?? '[]');`,
    'let n = 0;',
    'void buildDataset({ outDir: process.argv[3] ?? "", items, extractorVersion: "fake-1", concurrency: 1,',
    '  featureNames: { features: ["byte", "halfIndex"] },',
    '  extract: async () => {',
    '    n += 1;',
    '    process.stdout.write(`extracting ${n}\\n`);',
    '    if (n === 3) await new Promise((r) => setTimeout(r, 600_000));',
    '    return { arrays: { features: { dtype: "f4", shape: [1, 2], data: new Float32Array(2) } }, meta: {} };',
    '  } });',
  ].join('\n'));
  const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(f.items), f.outDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('extracting 3')) proc.kill('SIGKILL');
    });
    proc.on('exit', () => (seen.includes('extracting 3') ? resolve() : reject(new Error(`child exited early: ${seen}`))));
  });

  const m = readManifest(path.join(f.outDir, 'manifest.json'));
  assert.equal(m.items.length, 6);
  for (const it of m.items) {
    for (const a of Object.values(it.arrays)) {
      const arr = decodeNpy(readFileSync(path.join(f.outDir, a.file)), a.file);
      assert.deepEqual(arr.shape, a.shape);
    }
  }
  assert.ok(existsSync(path.join(f.outDir, LOCK_FILE)), 'the killed build left its lock');
  assert.equal(readdirSync(path.join(f.outDir, 'items')).length, 8, 'six old folders plus two new ones not yet in a manifest');

  // The next build takes over the stale lock, rebuilds everything and removes the orphans.
  f.calls.length = 0;
  const report = await buildDataset(opts(f));
  assert.equal(report.built, 6);
  assert.equal(readdirSync(path.join(f.outDir, 'items')).length, 6);
  assert.equal(existsSync(path.join(f.outDir, LOCK_FILE)), false);
}));
