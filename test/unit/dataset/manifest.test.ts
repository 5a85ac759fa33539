// Manifest validation: a good manifest reads back unchanged; each kind of corruption is an error naming file and field.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readManifest, serializeManifest, validateManifest, type Manifest } from '../../../server/dataset/manifest';

const KEY = 'a'.repeat(64);

function good(): Manifest {
  return {
    format: 'rubato-dataset',
    version: 1,
    extractorVersion: 'x-1',
    createdAt: '2025-01-02T03:04:05.000Z',
    updatedAt: '2025-01-02T03:05:00.000Z',
    splitRatios: { train: 0.8, val: 0.1, test: 0.1 },
    featureNames: { features: ['pitch', 'durationBeats'] },
    items: [
      {
        id: 'Bach/p/A',
        group: 'Bach/p',
        composer: 'Bach',
        split: 'train',
        key: KEY,
        dir: 'items/Bach_p_A-0123456789abcdef',
        arrays: { features: { dtype: 'f4', shape: [10, 2], file: 'items/Bach_p_A-0123456789abcdef/features.npy', bytes: 208 } },
        meta: { notes: 10 },
      },
    ],
    failed: [{ id: 'Bach/p/B', reason: 'no alignment', files: ['/data/B.mid'] }],
  };
}

const DELETE = Symbol('delete');

/** A copy of the good manifest, as plain JSON, with the value at `at` replaced (or deleted). */
function broken(at: (string | number)[], value: unknown): unknown {
  const m = JSON.parse(JSON.stringify(good())) as unknown;
  let node = m as Record<string | number, unknown>;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = at[at.length - 1] as string | number;
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return m;
}

test('a valid manifest reads back equal, through the file too', () => {
  assert.deepEqual(validateManifest(JSON.parse(serializeManifest(good())), 'm.json'), good());
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-manifest-'));
  try {
    const file = path.join(dir, 'manifest.json');
    writeFileSync(file, serializeManifest(good()));
    assert.deepEqual(readManifest(file), good());
    assert.ok(readFileSync(file, 'utf8').endsWith('}\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each kind of damage is reported with the file and the field', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [], /top level must be an object/],
    ['foreign format', broken(['format'], 'other'), /format must be 'rubato-dataset', got "other"/],
    ['newer version', broken(['version'], 2), /version is 2; this Rubato reads version 1/],
    ['no extractorVersion', broken(['extractorVersion'], DELETE), /manifest\.extractorVersion must be a string, got undefined/],
    ['bad date', broken(['createdAt'], 'yesterday'), /createdAt is not an ISO date: 'yesterday'/],
    ['ratios', broken(['splitRatios', 'test'], 0.5), /splitRatios split ratios must sum to 1/],
    ['featureNames', broken(['featureNames', 'features'], [1, 2]), /featureNames\.features must be an array of strings/],
    ['split', broken(['items', 0, 'split'], 'holdout'), /items\[0\]\.split must be train, val or test, got 'holdout'/],
    ['key', broken(['items', 0, 'key'], 'abc'), /items\[0\]\.key must be a 64-digit hex SHA-256/],
    ['dtype', broken(['items', 0, 'arrays', 'features', 'dtype'], 'f2'), /items\[0\]\.arrays\.features\.dtype is not a supported dtype: 'f2'/],
    ['shape', broken(['items', 0, 'arrays', 'features', 'shape'], [10, -2]), /items\[0\]\.arrays\.features\.shape must hold non-negative integers/],
    ['bytes', broken(['items', 0, 'arrays', 'features', 'bytes'], DELETE), /items\[0\]\.arrays\.features\.bytes must be a non-negative integer/],
    ['escaping path', broken(['items', 0, 'arrays', 'features', 'file'], '../../etc/passwd'), /features\.file must be a relative path inside the cache folder, got '\.\.\/\.\.\/etc\/passwd'/],
    ['absolute dir', broken(['items', 0, 'dir'], '/tmp/x'), /items\[0\]\.dir must be a relative path inside the cache folder/],
    ['duplicate id', broken(['items', 1], good().items[0]), /items\[1\]\.id 'Bach\/p\/A' appears twice/],
    ['meta', broken(['items', 0, 'meta'], 3), /items\[0\]\.meta must be an object/],
    ['failed files', broken(['failed', 0, 'files'], 'x'), /failed\[0\]\.files must be an array/],
  ];
  for (const [name, value, re] of cases) {
    assert.throws(() => validateManifest(value, '/c/manifest.json'), (e: Error) => {
      assert.match(e.message, /^\/c\/manifest\.json: invalid Rubato dataset manifest: /, name);
      assert.match(e.message, re, name);
      return true;
    });
  }
});

test('unreadable and non-JSON files are errors naming the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-manifest-'));
  try {
    const file = path.join(dir, 'manifest.json');
    assert.throws(() => readManifest(file), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read the dataset manifest`));
    writeFileSync(file, '{"format": "rubato-dataset",');
    assert.throws(() => readManifest(file), /manifest\.json: dataset manifest is not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the JSON Schema requires exactly the fields we write', () => {
  const schemaPath = path.resolve(__dirname, '../../../server/dataset/manifest.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as {
    required: string[];
    properties: Record<string, unknown>;
    $defs: { item: { required: string[]; properties: { arrays: { additionalProperties: { required: string[] } } } } };
  };
  const m = good();
  const item = m.items[0];
  assert.ok(item !== undefined);
  assert.deepEqual([...schema.required].sort(), Object.keys(m).sort());
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(m).sort());
  assert.deepEqual([...schema.$defs.item.required].sort(), Object.keys(item).sort());
  assert.deepEqual([...schema.$defs.item.properties.arrays.additionalProperties.required].sort(), Object.keys(item.arrays.features ?? {}).sort());
});
