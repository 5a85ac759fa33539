// Sessions are cached per file version; missing, foreign and mismatched model files get errors naming the file.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearModelCache, defaultProviders, loadModel, ModelFileError } from '../../../server/inference/onnxSession';
import { scanModelProto } from '../../../server/inference/onnxMetadata';
import { tinyModel } from './fixture';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rubato-onnx-'));
after(async () => {
  await clearModelCache();
  rmSync(tmp, { recursive: true, force: true });
});

async function rejectsNaming(p: Promise<unknown>, file: string, problem: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.equal(e.file, path.resolve(file));
    assert.ok(e.message.startsWith(path.resolve(file) + ': '), e.message);
    assert.match(e.message, problem);
    return true;
  });
}

test('providers: CUDA first, DirectML only on Windows, CPU last', () => {
  assert.deepEqual(defaultProviders('linux'), ['cuda', 'cpu']);
  assert.deepEqual(defaultProviders('win32'), ['cuda', 'dml', 'cpu']);
});

test('the same unchanged file reuses its session; a changed file gets a new one', async () => {
  const copy = path.join(tmp, 'cached.onnx');
  copyFileSync(tinyModel, copy);
  const a = await loadModel(copy);
  const b = await loadModel(path.relative(process.cwd(), copy));
  assert.equal(a, b);
  assert.equal(a.session, b.session);
  // Without CUDA libraries (as here and on CI) the probe falls through to the CPU provider and says so.
  assert.ok(['cuda', 'cpu'].includes(a.provider), a.provider);
  const later = new Date(Date.now() + 5000);
  utimesSync(copy, later, later);
  const c = await loadModel(copy);
  assert.notEqual(c, a);
  assert.equal(await loadModel(copy), c);
});

test('a missing model file is an error naming it', async () => {
  const missing = path.join(tmp, 'nope.onnx');
  await rejectsNaming(loadModel(missing), missing, /not found/);
});

test('a file that is not ONNX is an error naming it', async () => {
  const text = path.join(tmp, 'notes.onnx');
  writeFileSync(text, 'this is a text file, not a model\n');
  await rejectsNaming(loadModel(text), text, /not an ONNX model/);
  const midi = path.resolve(__dirname, '../../../examples/minuet-g-major.mid');
  await rejectsNaming(loadModel(midi), midi, /not an ONNX model/);
  const truncated = path.join(tmp, 'truncated.onnx');
  writeFileSync(truncated, readFileSync(tinyModel).subarray(0, 5000));
  await rejectsNaming(loadModel(truncated), truncated, /not an ONNX model/);
  // A failed load is not cached: fixing the file makes it load.
  copyFileSync(tinyModel, text);
  const later = new Date(Date.now() + 10000);
  utimesSync(text, later, later);
  assert.equal((await loadModel(text)).metadata.featureSchemaVersion, 'record-v1');
});

test('a model for another feature schema is refused, naming the file and both versions', async () => {
  const bytes = Buffer.from(readFileSync(tinyModel));
  const at = bytes.indexOf('record-v1');
  assert.ok(at > 0 && bytes.indexOf('record-v1', at + 1) < 0);
  bytes.write('record-v9', at); // same length: the protobuf stays valid
  const old = path.join(tmp, 'old-schema.onnx');
  writeFileSync(old, bytes);
  assert.equal(scanModelProto(bytes, old).feature_schema_version, 'record-v9');
  await rejectsNaming(loadModel(old), old, /feature_schema_version is "record-v9" but this Rubato computes "record-v1"/);
});

test('an ONNX model without Rubato metadata is refused', async () => {
  const foreign = path.join(tmp, 'foreign.onnx');
  writeFileSync(foreign, Uint8Array.from([0x08, 0x08, 0x3a, 0x00])); // ir_version 8, an empty graph
  await rejectsNaming(loadModel(foreign), foreign, /not a Rubato model/);
});
