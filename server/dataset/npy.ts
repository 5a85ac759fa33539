// NumPy .npy encoding and decoding (format 1.0 written; 1.0-3.0 read), so the Python trainer can numpy.load our arrays.
//
// Only little-endian, C-order arrays of a few plain dtypes: that is all the dataset needs, and anything else is
// rejected with a clear error rather than read wrongly.

import { endianness } from 'node:os';

export type NpyDtype = 'f4' | 'f8' | 'i4' | 'i8' | 'u1' | 'b1';
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** An n-dimensional array in C (row-major) order; `data.length` is the product of `shape`. */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
/** numpy pads the header so the data starts on a 64-byte boundary (ARRAY_ALIGN). */
const ALIGN = 64;

interface DtypeInfo {
  descr: string;
  bytes: number;
  typeName: string;
  make: (buf: ArrayBuffer, length: number) => NpyData;
  is: (data: NpyData) => boolean;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  f4: { descr: '<f4', bytes: 4, typeName: 'Float32Array', make: (b, n) => new Float32Array(b, 0, n), is: (d) => d instanceof Float32Array },
  f8: { descr: '<f8', bytes: 8, typeName: 'Float64Array', make: (b, n) => new Float64Array(b, 0, n), is: (d) => d instanceof Float64Array },
  i4: { descr: '<i4', bytes: 4, typeName: 'Int32Array', make: (b, n) => new Int32Array(b, 0, n), is: (d) => d instanceof Int32Array },
  i8: { descr: '<i8', bytes: 8, typeName: 'BigInt64Array', make: (b, n) => new BigInt64Array(b, 0, n), is: (d) => d instanceof BigInt64Array },
  u1: { descr: '|u1', bytes: 1, typeName: 'Uint8Array', make: (b, n) => new Uint8Array(b, 0, n), is: (d) => d instanceof Uint8Array },
  b1: { descr: '|b1', bytes: 1, typeName: 'Uint8Array', make: (b, n) => new Uint8Array(b, 0, n), is: (d) => d instanceof Uint8Array },
};

/** Maps a header `descr` (with the byte-order marks numpy may use for 1-byte types) back to our dtype. */
const DESCR_TO_DTYPE: Record<string, NpyDtype> = {
  '<f4': 'f4', '<f8': 'f8', '<i4': 'i4', '<i8': 'i8',
  '|u1': 'u1', '<u1': 'u1', '=u1': 'u1', 'u1': 'u1',
  '|b1': 'b1', '<b1': 'b1', '=b1': 'b1', 'b1': 'b1', '?': 'b1', '|?': 'b1',
};

export function isNpyDtype(s: string): s is NpyDtype {
  return Object.prototype.hasOwnProperty.call(DTYPES, s);
}

function assertLittleEndianHost(): void {
  // Typed arrays use host byte order; .npy files here are little-endian. Every platform Node ships for is LE today.
  if (endianness() !== 'LE') throw new Error('npy: big-endian hosts are not supported');
}

/** Throws unless `shape` is a list of non-negative safe integers whose product is `length`. */
export function checkShape(shape: readonly number[], length: number, what: string): void {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${what}: shape [${shape.join(', ')}] has an invalid dimension ${d}`);
    n *= d;
  }
  if (n !== length) throw new Error(`${what}: shape [${shape.join(', ')}] holds ${n} elements but data has ${length}`);
}

/** Bytes of the encoded file for this dtype and shape (header included), without encoding it. */
export function npyByteLength(dtype: NpyDtype, shape: readonly number[]): number {
  const count = shape.reduce((a, d) => a * d, 1);
  return headerBytes(dtype, shape).length + count * DTYPES[dtype].bytes;
}

function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`; // Python needs the trailing comma for a 1-tuple.
  return `(${shape.join(', ')})`;
}

function headerBytes(dtype: NpyDtype, shape: readonly number[]): Buffer {
  const dict = `{'descr': '${DTYPES[dtype].descr}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  const fixed = MAGIC.length + 2 + 2; // magic, version, uint16 header length
  const total = Math.ceil((fixed + dict.length + 1) / ALIGN) * ALIGN;
  const headerLen = total - fixed;
  if (headerLen > 0xffff) throw new Error(`npy: header for shape [${shape.join(', ')}] is too long for format 1.0`);
  const out = Buffer.alloc(total, 0x20); // padded with spaces, as numpy does
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(headerLen, 8);
  out.write(dict, fixed, 'latin1');
  out[total - 1] = 0x0a; // header ends with a newline
  return out;
}

/** Encodes an array as a complete .npy file (version 1.0, little-endian, C order). */
export function encodeNpy(arr: NpyArray): Buffer {
  assertLittleEndianHost();
  const info = DTYPES[arr.dtype];
  if (info === undefined) throw new Error(`npy: unsupported dtype '${String(arr.dtype)}'`);
  if (!info.is(arr.data)) throw new Error(`npy: dtype '${arr.dtype}' needs a ${info.typeName}, got ${arr.data.constructor.name}`);
  checkShape(arr.shape, arr.data.length, 'npy');
  if (arr.dtype === 'b1') {
    const bad = (arr.data as Uint8Array).findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) throw new Error(`npy: b1 array holds ${String(arr.data[bad])} at index ${bad}; booleans must be 0 or 1`);
  }
  const header = headerBytes(arr.dtype, arr.shape);
  const body = Buffer.from(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  return Buffer.concat([header, body]);
}

/** Decodes a .npy file; `source` names it in errors. Only the dtypes of `NpyDtype`, little-endian, C order. */
export function decodeNpy(buf: Buffer, source = '<buffer>'): NpyArray {
  assertLittleEndianHost();
  const fail = (problem: string): never => {
    throw new Error(`${source}: not a readable .npy file: ${problem}`);
  };
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) fail('missing the \\x93NUMPY magic');
  const major = buf[6];
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerStart = 10;
    headerLen = buf.readUInt16LE(8);
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) fail('truncated header');
    headerStart = 12;
    headerLen = buf.readUInt32LE(8);
  } else {
    return fail(`unsupported format version ${String(major)}.${String(buf[7])}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > buf.length) fail(`header claims ${headerLen} bytes but the file has ${buf.length - headerStart}`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataStart);

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  if (descr === undefined) return fail(`header has no 'descr': ${header.trim()}`);
  const dtype = DESCR_TO_DTYPE[descr];
  if (dtype === undefined) return fail(`dtype '${descr}' is not supported (only ${Object.values(DTYPES).map((d) => d.descr).join(', ')})`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) return fail(`header has no 'fortran_order': ${header.trim()}`);
  if (fortran === 'True') fail('Fortran-order arrays are not supported');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) return fail(`header has no 'shape': ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`bad shape entry '${s}'`)));

  const count = shape.reduce((a, d) => a * d, 1);
  if (!Number.isSafeInteger(count)) fail(`shape (${shape.join(', ')}) is too large`);
  const info = DTYPES[dtype];
  const byteLength = count * info.bytes;
  if (buf.length - dataStart !== byteLength) {
    fail(`shape (${shape.join(', ')}) of ${dtype} needs ${byteLength} data bytes but the file has ${buf.length - dataStart}`);
  }
  // Copy into a fresh ArrayBuffer: the data offset in `buf` need not be aligned for the typed array.
  const ab = new ArrayBuffer(byteLength);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + byteLength));
  const data = info.make(ab, count);
  if (dtype === 'b1') {
    const bad = (data as Uint8Array).findIndex((v) => v > 1);
    if (bad >= 0) fail(`boolean element ${bad} holds ${String(data[bad])}`);
  }
  return { dtype, shape, data };
}
