// Test and bench helper: writes TensorBoard event records (TFRecord framing + Event protobuf) the
// way TF1/tensorboardX (simple_value) and TF2/torch new_style (scalar tensors with metadata) do.
// Deliberately a separate, tiny protobuf *encoder*: the decoder under test never checks itself.

import { maskedCrc32c } from '../../../server/metrics/crc32c';

type Bytes = number[];

function varint(out: Bytes, v: number | bigint): void {
  let x = BigInt.asUintN(64, BigInt(v));
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
}
const key = (out: Bytes, field: number, wire: number): void => varint(out, field * 8 + wire);
function lenField(out: Bytes, field: number, body: Bytes | Uint8Array): void {
  key(out, field, 2);
  varint(out, body.length);
  for (const b of body) out.push(b);
}
function f64(out: Bytes, field: number, v: number): void {
  key(out, field, 1);
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v, true);
  for (let i = 0; i < 8; i++) out.push(d.getUint8(i));
}
function f32(out: Bytes, field: number, v: number): void {
  key(out, field, 5);
  const d = new DataView(new ArrayBuffer(4));
  d.setFloat32(0, v, true);
  for (let i = 0; i < 4; i++) out.push(d.getUint8(i));
}
const str = (s: string): Uint8Array => new TextEncoder().encode(s);

export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_INT64 = 9;
export const DT_STRING = 7;
export const DT_HALF = 19;

export interface TensorSpec {
  dtype: number;
  /** Dimension sizes; [] = a scalar. */
  shape?: number[];
  floatVal?: number[];
  doubleVal?: number[];
  int64Val?: number[];
  halfVal?: number[];
  stringVal?: string[];
  /** Raw little-endian element bytes. */
  content?: Uint8Array;
}

export interface ValueSpec {
  tag: string;
  simpleValue?: number;
  tensor?: TensorSpec;
  /** plugin name and data class (1 = scalar) for SummaryMetadata. */
  metadata?: { pluginName?: string; dataClass?: number };
}

export interface EventSpec {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  values?: ValueSpec[];
}

function tensorBytes(t: TensorSpec): Bytes {
  const out: Bytes = [];
  key(out, 1, 0);
  varint(out, t.dtype);
  const shape: Bytes = [];
  for (const size of t.shape ?? []) {
    const dim: Bytes = [];
    key(dim, 1, 0);
    varint(dim, size);
    lenField(shape, 1, dim);
  }
  lenField(out, 2, shape);
  if (t.content) lenField(out, 4, t.content);
  const packed = (field: number, write: (b: Bytes, v: number) => void, vals?: number[]): void => {
    if (!vals?.length) return;
    const body: Bytes = [];
    vals.forEach((v) => write(body, v));
    lenField(out, field, body);
  };
  packed(5, (b, v) => {
    const d = new DataView(new ArrayBuffer(4));
    d.setFloat32(0, v, true);
    for (let i = 0; i < 4; i++) b.push(d.getUint8(i));
  }, t.floatVal);
  packed(6, (b, v) => {
    const d = new DataView(new ArrayBuffer(8));
    d.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) b.push(d.getUint8(i));
  }, t.doubleVal);
  for (const s of t.stringVal ?? []) lenField(out, 8, str(s));
  packed(10, (b, v) => varint(b, v), t.int64Val);
  packed(13, (b, v) => varint(b, v), t.halfVal);
  return out;
}

export function encodeEvent(e: EventSpec): Uint8Array {
  const out: Bytes = [];
  f64(out, 1, e.wallTime);
  if (e.step !== undefined) {
    key(out, 2, 0);
    varint(out, e.step);
  }
  if (e.fileVersion !== undefined) lenField(out, 3, str(e.fileVersion));
  if (e.values) {
    const summary: Bytes = [];
    for (const v of e.values) {
      const value: Bytes = [];
      lenField(value, 1, str(v.tag));
      if (v.simpleValue !== undefined) f32(value, 2, v.simpleValue);
      if (v.metadata) {
        const meta: Bytes = [];
        if (v.metadata.pluginName !== undefined) {
          const plugin: Bytes = [];
          lenField(plugin, 1, str(v.metadata.pluginName));
          lenField(meta, 1, plugin);
        }
        if (v.metadata.dataClass !== undefined) {
          key(meta, 4, 0);
          varint(meta, v.metadata.dataClass);
        }
        lenField(value, 9, meta);
      }
      if (v.tensor) lenField(value, 8, tensorBytes(v.tensor));
      lenField(summary, 1, value);
    }
    lenField(out, 5, summary);
  }
  return Uint8Array.from(out);
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length, true);
  v.setUint32(4, 0, true);
  v.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  v.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A whole event file: the file_version record a real writer starts with, then the events. */
export function eventFile(events: EventSpec[], wallTime0 = 1_700_000_000): Uint8Array {
  return concatBytes([frameRecord(encodeEvent({ wallTime: wallTime0, fileVersion: 'brain.Event:2' })), ...events.map((e) => frameRecord(encodeEvent(e)))]);
}
