// .npy encode/decode: byte-exact headers, round trips for every dtype, clear errors, and numpy reading our files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeNpy, encodeNpy, npyByteLength, type NpyArray } from '../../../server/dataset/npy';

const SAMPLES: NpyArray[] = [
  { dtype: 'f4', shape: [2, 3], data: new Float32Array([0, 1.5, -2.25, 3e10, Number.NaN, -0]) },
  { dtype: 'f8', shape: [3], data: new Float64Array([Math.PI, -1e-300, Number.POSITIVE_INFINITY]) },
  { dtype: 'i4', shape: [2, 2], data: new Int32Array([1, -2, 2147483647, -2147483648]) },
  { dtype: 'i8', shape: [2, 1], data: new BigInt64Array([9007199254740993n, -5n]) },
  { dtype: 'u1', shape: [4], data: new Uint8Array([0, 1, 128, 255]) },
  { dtype: 'b1', shape: [1, 3], data: new Uint8Array([1, 0, 1]) },
  { dtype: 'f4', shape: [0, 5], data: new Float32Array(0) },
  { dtype: 'f8', shape: [], data: new Float64Array([42]) },
];

test('header is the one numpy writes, padded to 64 bytes', () => {
  const buf = encodeNpy({ dtype: 'f4', shape: [3, 4], data: new Float32Array(12) });
  assert.deepEqual([...buf.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLen = buf.readUInt16LE(8);
  assert.equal((10 + headerLen) % 64, 0);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  assert.equal(header.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }");
  assert.ok(header.endsWith('\n'));
  assert.equal(buf.length, 10 + headerLen + 48);
  assert.equal(npyByteLength('f4', [3, 4]), buf.length);
});

test('1-d shapes get the Python 1-tuple comma, 0-d the empty tuple', () => {
  const one = encodeNpy({ dtype: 'u1', shape: [5], data: new Uint8Array(5) }).toString('latin1');
  assert.match(one, /'descr': '\|u1'.*'shape': \(5,\), \}/);
  const zero = encodeNpy({ dtype: 'i8', shape: [], data: new BigInt64Array(1) }).toString('latin1');
  assert.match(zero, /'shape': \(\), \}/);
});

test('round trip keeps dtype, shape and every value for every dtype', () => {
  for (const a of SAMPLES) {
    const buf = encodeNpy(a);
    assert.equal(buf.length, npyByteLength(a.dtype, a.shape));
    const back = decodeNpy(buf);
    assert.equal(back.dtype, a.dtype);
    assert.deepEqual(back.shape, a.shape);
    assert.equal(back.data.constructor, a.data.constructor);
    assert.deepEqual([...back.data], [...a.data], `${a.dtype} [${a.shape.join(',')}]`);
  }
});

test('decode accepts an unaligned view of a larger buffer', () => {
  const inner = encodeNpy({ dtype: 'f8', shape: [2], data: new Float64Array([1.25, -7]) });
  const outer = Buffer.concat([Buffer.from([9, 9, 9]), inner]);
  assert.deepEqual([...decodeNpy(outer.subarray(3)).data], [1.25, -7]);
});

test('encode rejects a shape that disagrees with the data, a wrong typed array and non-boolean b1', () => {
  assert.throws(() => encodeNpy({ dtype: 'f4', shape: [2, 2], data: new Float32Array(3) }), /shape \[2, 2\] holds 4 elements but data has 3/);
  assert.throws(() => encodeNpy({ dtype: 'f4', shape: [-1], data: new Float32Array(0) }), /invalid dimension -1/);
  assert.throws(() => encodeNpy({ dtype: 'f4', shape: [1.5], data: new Float32Array(1) }), /invalid dimension 1.5/);
  assert.throws(() => encodeNpy({ dtype: 'f8', shape: [1], data: new Float32Array(1) }), /dtype 'f8' needs a Float64Array, got Float32Array/);
  assert.throws(() => encodeNpy({ dtype: 'b1', shape: [2], data: new Uint8Array([1, 2]) }), /b1 array holds 2 at index 1/);
});

test('decode errors name the source and the problem', () => {
  const good = encodeNpy({ dtype: 'i4', shape: [2], data: new Int32Array([1, 2]) });
  assert.throws(() => decodeNpy(Buffer.from('hello world'), 'x.npy'), /^Error: x\.npy: not a readable \.npy file: missing the/);
  assert.throws(() => decodeNpy(good.subarray(0, good.length - 1), 'cut.npy'), /cut\.npy: .*needs 8 data bytes but the file has 7/);
  const bigEndian = Buffer.from(good.toString('latin1').replace("'<i4'", "'>i4'"), 'latin1');
  assert.throws(() => decodeNpy(bigEndian, 'be.npy'), /be\.npy: .*dtype '>i4' is not supported/);
  const fortran = Buffer.from(good.toString('latin1').replace('False', 'True '), 'latin1');
  assert.throws(() => decodeNpy(fortran, 'f.npy'), /f\.npy: .*Fortran-order/);
  const v9 = Buffer.from(good);
  v9[6] = 9;
  assert.throws(() => decodeNpy(v9, 'v9.npy'), /unsupported format version 9\.0/);
});

function numpyAvailable(): boolean {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

test('python3 numpy.load reads our files with the same dtypes, shapes and values', (t) => {
  if (!numpyAvailable()) {
    t.skip('python3 with numpy not found; skipping the numpy interoperability check');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-npy-'));
  try {
    const expected: Record<string, { dtype: string; shape: number[]; values: string[] }> = {};
    const names: string[] = [];
    SAMPLES.forEach((a, i) => {
      const name = `a${i}`;
      names.push(name);
      writeFileSync(path.join(dir, `${name}.npy`), encodeNpy(a));
      expected[name] = { dtype: a.dtype, shape: a.shape, values: [...a.data].map((v) => String(v)) };
    });
    // numpy prints its own view; we compare dtype.str, shape and each value as text (repr of float64/int).
    const script = [
      'import json, sys, numpy as np',
      'out = {}',
      'for n in sys.argv[2:]:',
      '    a = np.load(f"{sys.argv[1]}/{n}.npy", allow_pickle=False)',
      '    flat = a.reshape(-1)',
      '    vals = [repr(float(v)) if a.dtype.kind == "f" else str(int(v)) for v in flat]',
      '    out[n] = {"dtype": a.dtype.str, "shape": list(a.shape), "values": vals, "c": bool(a.flags.c_contiguous)}',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, dir, ...names], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Record<string, { dtype: string; shape: number[]; values: string[]; c: boolean }>;
    const numpyDescr: Record<string, string> = { f4: '<f4', f8: '<f8', i4: '<i4', i8: '<i8', u1: '|u1', b1: '|b1' };
    const pyFloat = (s: string): number => (s === 'nan' ? Number.NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
    for (const n of names) {
      const e = expected[n];
      const g = got[n];
      assert.ok(e !== undefined && g !== undefined);
      assert.equal(g.dtype, numpyDescr[e.dtype], n);
      assert.deepEqual(g.shape, e.shape, n);
      assert.equal(g.c, true);
      if (e.dtype === 'f4' || e.dtype === 'f8') {
        // float32 values widen exactly to float64, so the numbers must be identical (NaN and -0 included).
        const sample = SAMPLES[names.indexOf(n)];
        assert.ok(sample !== undefined);
        assert.deepEqual(g.values.map(pyFloat), [...sample.data], n);
      } else {
        assert.deepEqual(g.values, e.values, n);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('numpy-written files decode to the same values', (t) => {
  if (!numpyAvailable()) {
    t.skip('python3 with numpy not found; skipping the numpy interoperability check');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-npy-'));
  try {
    const script = [
      'import sys, numpy as np',
      'd = sys.argv[1]',
      'np.save(f"{d}/f.npy", np.arange(6, dtype="<f4").reshape(2, 3) / 4)',
      'np.save(f"{d}/b.npy", np.array([True, False, True]))',
      'np.save(f"{d}/q.npy", np.array([[-3], [2**40]], dtype="<i8"))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const read = (n: string): NpyArray => decodeNpy(readFileSync(path.join(dir, n)), n);
    const f = read('f.npy');
    assert.equal(f.dtype, 'f4');
    assert.deepEqual(f.shape, [2, 3]);
    assert.deepEqual([...f.data], [0, 0.25, 0.5, 0.75, 1, 1.25]);
    const b = read('b.npy');
    assert.equal(b.dtype, 'b1');
    assert.deepEqual([...b.data], [1, 0, 1]);
    const q = read('q.npy');
    assert.deepEqual(q.shape, [2, 1]);
    assert.deepEqual([...q.data], [-3n, 1099511627776n]);
    // Re-encoding gives numpy's exact bytes, header padding included.
    for (const [n, a] of [['f.npy', f], ['b.npy', b], ['q.npy', q]] as const) {
      assert.ok(encodeNpy(a).equals(readFileSync(path.join(dir, n))), `${n} re-encodes byte for byte`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
