// TensorBoard event files (`events.out.tfevents.*`) → MetricRow, one row per Event that carries
// scalars. Pure and incremental: the caller reads a growing file in arbitrary chunks and pushes
// them; a record cut at the end of what was read waits for the next push.
//
// Framing (TFRecord): uint64 LE length, uint32 masked CRC-32C of those 8 bytes, data, uint32 masked
// CRC-32C of the data. Data is an `Event` (tensorflow/core/util/event.proto): wall_time double = 1,
// step int64 = 2, file_version string = 3, summary Summary = 5. Summary.value (1) is a Value: tag 1,
// simple_value float 2 (TF1, tensorboardX, torch's default add_scalar), metadata SummaryMetadata 9,
// tensor TensorProto 8 (TF2 `tf.summary.scalar`, torch `add_scalar(..., new_style=True)`).
// A tensor counts as a scalar when it has exactly one element of a numeric dtype and its tag's
// metadata says scalars (plugin `scalars` or data class SCALAR) or says nothing; writers attach
// metadata only to a tag's first event in a file, so the verdict is remembered per tag.

import type { MetricRow } from '../protocol/runs';
import { maskedCrc32c } from './crc32c';
import { ProtoError, ProtoReader, WIRE } from './protobuf';

/** A framing error: the file is not (or no longer) a valid TFRecord stream at `offset`. */
export class TfEventsError extends Error {
  constructor(
    message: string,
    /** Absolute byte offset in the file of the record that failed. */
    readonly offset: number,
  ) {
    super(`${message} (record at byte ${offset})`);
  }
}

/** A longer record is refused as damage: scalars come in records of tens of bytes, images in MiBs. */
export const TFRECORD_MAX_BYTES = 64 * 1024 * 1024;
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;
const MAX_WARNINGS = 20;

// tensorflow/core/framework/types.proto
const DT = { float: 1, double: 2, int32: 3, uint8: 4, int16: 5, int8: 6, int64: 9, bfloat16: 14, half: 19 } as const;
const DATA_CLASS_SCALAR = 1; // tensorboard/compat/proto/summary.proto DataClass

export interface TfEventsDecoderOptions {
  /** Absolute offset of the first byte pushed (when resuming a file from a saved offset). */
  startOffset?: number;
  maxRecordBytes?: number;
}

export class TfEventsDecoder {
  /** Records decoded so far (with or without scalars). */
  records = 0;
  /** Records whose framing was sound but whose Event could not be decoded (see `warnings`). */
  skippedRecords = 0;
  /** The first few skipped-record reasons, each with its byte offset. */
  readonly warnings: string[] = [];

  private buf = new Uint8Array(0);
  private pos = 0;
  /** Absolute file offset of buf[0]. */
  private base: number;
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Bytes needed in buf (from pos) before parsing can go on. */
  private need = HEADER_BYTES;
  private failure: TfEventsError | undefined;
  private readonly maxRecordBytes: number;
  /** Per tag: whether its tensors are scalars to keep (from the first metadata seen). */
  private readonly tagIsScalar = new Map<string, boolean>();

  constructor(opts: TfEventsDecoderOptions = {}) {
    this.base = opts.startOffset ?? 0;
    this.maxRecordBytes = opts.maxRecordBytes ?? TFRECORD_MAX_BYTES;
  }

  /** Absolute offset just past the last complete record: where a resumed read can start. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes held that do not make a complete record yet (a partial tail). */
  get pendingBytes(): number {
    return this.buf.length - this.pos + this.queuedBytes;
  }

  /**
   * Decodes every complete record in what was pushed so far. Throws TfEventsError on a CRC
   * mismatch or an absurd length; after that the decoder stays failed (every push rethrows).
   */
  push(chunk: Uint8Array): MetricRow[] {
    if (this.failure) throw this.failure;
    if (chunk.length > 0) {
      this.queued.push(chunk);
      this.queuedBytes += chunk.length;
    }
    const rows: MetricRow[] = [];
    while (this.pendingBytes >= this.need) {
      this.compact();
      if (!this.parseRecords(rows)) break;
    }
    return rows;
  }

  /** Moves queued chunks behind the unparsed bytes of buf, in one buffer. */
  private compact(): void {
    if (this.queuedBytes === 0) return;
    const rest = this.buf.length - this.pos;
    const merged = new Uint8Array(rest + this.queuedBytes);
    merged.set(this.buf.subarray(this.pos), 0);
    let at = rest;
    for (const q of this.queued) {
      merged.set(q, at);
      at += q.length;
    }
    this.base += this.pos;
    this.buf = merged;
    this.pos = 0;
    this.queued = [];
    this.queuedBytes = 0;
  }

  private fail(message: string, at: number): never {
    this.failure = new TfEventsError(message, this.base + at);
    throw this.failure;
  }

  /** Parses complete records from buf; false when it stopped for lack of bytes. */
  private parseRecords(rows: MetricRow[]): boolean {
    const b = this.buf;
    for (;;) {
      const at = this.pos;
      if (b.length - at < HEADER_BYTES) {
        this.need = HEADER_BYTES;
        return false;
      }
      const lenLo = u32(b, at);
      const lenHi = u32(b, at + 4);
      if (maskedCrc32c(b, at, at + 8) !== u32(b, at + 8)) this.fail('tfevents: length checksum mismatch (not a TFRecord file, or damaged)', at);
      if (lenHi !== 0 || lenLo > this.maxRecordBytes) this.fail(`tfevents: record length ${lenHi * 2 ** 32 + lenLo} bytes is over the ${this.maxRecordBytes}-byte limit`, at);
      const total = HEADER_BYTES + lenLo + FOOTER_BYTES;
      if (b.length - at < total) {
        this.need = total;
        return false;
      }
      const dataStart = at + HEADER_BYTES;
      const dataEnd = dataStart + lenLo;
      if (maskedCrc32c(b, dataStart, dataEnd) !== u32(b, dataEnd)) this.fail('tfevents: data checksum mismatch (damaged record)', at);
      this.pos = at + total;
      this.records++;
      try {
        const row = this.decodeEvent(b, dataStart, dataEnd);
        if (row) rows.push(row);
      } catch (err) {
        if (!(err instanceof ProtoError)) throw err;
        this.skippedRecords++;
        if (this.warnings.length < MAX_WARNINGS) this.warnings.push(`record at byte ${this.base + at}: not a readable Event (${err.message}); skipped`);
      }
    }
  }

  private decodeEvent(buf: Uint8Array, start: number, end: number): MetricRow | undefined {
    const r = new ProtoReader(buf, start, end);
    let wallTime: number | null = null;
    let step = 0;
    const values: Record<string, number | null> = {};
    let any = false;
    while (!r.done()) {
      const { field, wire } = r.tag();
      if (field === 1 && wire === WIRE.fixed64) {
        const t = r.double();
        wallTime = Number.isFinite(t) ? t : null;
      } else if (field === 2 && wire === WIRE.varint) step = r.int64();
      else if (field === 5 && wire === WIRE.bytes) {
        const [s, e] = r.bytes();
        if (this.decodeSummary(buf, s, e, values)) any = true;
      } else r.skip(wire);
    }
    return any ? { step, wallTime, values } : undefined;
  }

  /** Adds the summary's scalars to `values`; true when it added any. */
  private decodeSummary(buf: Uint8Array, start: number, end: number, values: Record<string, number | null>): boolean {
    const r = new ProtoReader(buf, start, end);
    let any = false;
    while (!r.done()) {
      const { field, wire } = r.tag();
      if (field !== 1 || wire !== WIRE.bytes) {
        r.skip(wire);
        continue;
      }
      const [s, e] = r.bytes();
      const v = this.decodeValue(buf, s, e);
      if (v) {
        values[v.tag] = v.value;
        any = true;
      }
    }
    return any;
  }

  private decodeValue(buf: Uint8Array, start: number, end: number): { tag: string; value: number | null } | undefined {
    const r = new ProtoReader(buf, start, end);
    let tag = '';
    let nodeName = '';
    let simple: number | undefined;
    let tensor: [number, number] | undefined;
    let metadata: [number, number] | undefined;
    while (!r.done()) {
      const { field, wire } = r.tag();
      if (field === 1 && wire === WIRE.bytes) tag = r.string();
      else if (field === 7 && wire === WIRE.bytes) nodeName = r.string();
      else if (field === 2 && wire === WIRE.fixed32) simple = r.float();
      else if (field === 8 && wire === WIRE.bytes) tensor = r.bytes();
      else if (field === 9 && wire === WIRE.bytes) metadata = r.bytes();
      else r.skip(wire);
    }
    const name = tag !== '' ? tag : nodeName;
    if (name === '') return undefined;
    if (metadata && !this.tagIsScalar.has(name)) this.tagIsScalar.set(name, metadataSaysScalar(buf, metadata[0], metadata[1]));
    if (simple !== undefined) return { tag: name, value: Number.isFinite(simple) ? simple : null };
    if (tensor && this.tagIsScalar.get(name) !== false) {
      const v = scalarFromTensor(buf, tensor[0], tensor[1]);
      if (v !== undefined) return { tag: name, value: Number.isFinite(v) ? v : null };
    }
    return undefined;
  }
}

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** SummaryMetadata: plugin_data (1) { plugin_name (1) }, data_class (4). */
function metadataSaysScalar(buf: Uint8Array, start: number, end: number): boolean {
  const r = new ProtoReader(buf, start, end);
  let plugin = '';
  let dataClass = 0;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.bytes) {
      const [s, e] = r.bytes();
      const p = new ProtoReader(buf, s, e);
      while (!p.done()) {
        const t = p.tag();
        if (t.field === 1 && t.wire === WIRE.bytes) plugin = p.string();
        else p.skip(t.wire);
      }
    } else if (field === 4 && wire === WIRE.varint) dataClass = r.varint();
    else r.skip(wire);
  }
  return plugin === 'scalars' || dataClass === DATA_CLASS_SCALAR || (plugin === '' && dataClass === 0);
}

/** Number of elements of a TensorShapeProto (dim (1) { size (1) }), or -1 for an unknown rank. */
function elementCount(buf: Uint8Array, start: number, end: number): number {
  const r = new ProtoReader(buf, start, end);
  let n = 1;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.bytes) {
      const [s, e] = r.bytes();
      const d = new ProtoReader(buf, s, e);
      let size = 0;
      while (!d.done()) {
        const t = d.tag();
        if (t.field === 1 && t.wire === WIRE.varint) size = d.int64();
        else d.skip(t.wire);
      }
      n *= size;
    } else if (field === 3 && wire === WIRE.varint) {
      if (r.varint() !== 0) return -1;
    } else r.skip(wire);
  }
  return n;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloat16ToFloat(h: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, (h & 0xffff) << 16);
  return v.getFloat32(0);
}

/** The value of a one-element numeric TensorProto, or undefined when it is not one. */
function scalarFromTensor(buf: Uint8Array, start: number, end: number): number | undefined {
  const r = new ProtoReader(buf, start, end);
  let dtype = 0;
  let count = 1; // no tensor_shape = rank 0 = one element
  let content: [number, number] | undefined;
  let first: number | undefined; // first element of the typed repeated field
  const firstOf = (wire: number, packedWire: number, read: (p: ProtoReader) => number): void => {
    if (wire === WIRE.bytes && packedWire !== WIRE.bytes) {
      const [s, e] = r.bytes();
      if (first === undefined && e > s) first = read(new ProtoReader(buf, s, e));
    } else if (wire === packedWire) {
      const v = read(r);
      if (first === undefined) first = v;
    } else r.skip(wire);
  };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.varint) dtype = r.varint();
    else if (field === 2 && wire === WIRE.bytes) {
      const [s, e] = r.bytes();
      count = elementCount(buf, s, e);
    } else if (field === 4 && wire === WIRE.bytes) content = r.bytes();
    else if (field === 5) firstOf(wire, WIRE.fixed32, (p) => p.float());
    else if (field === 6) firstOf(wire, WIRE.fixed64, (p) => p.double());
    else if (field === 7 || field === 10 || field === 13) firstOf(wire, WIRE.varint, (p) => p.int64());
    else r.skip(wire);
  }
  if (count !== 1) return undefined;
  if (content && content[1] > content[0]) {
    const view = new DataView(buf.buffer, buf.byteOffset + content[0], content[1] - content[0]);
    const size = { [DT.float]: 4, [DT.double]: 8, [DT.half]: 2, [DT.bfloat16]: 2, [DT.int32]: 4, [DT.int64]: 8 }[dtype];
    if (size === undefined || view.byteLength !== size) return undefined;
    if (dtype === DT.float) return view.getFloat32(0, true);
    if (dtype === DT.double) return view.getFloat64(0, true);
    if (dtype === DT.half) return halfToFloat(view.getUint16(0, true));
    if (dtype === DT.bfloat16) return bfloat16ToFloat(view.getUint16(0, true));
    if (dtype === DT.int32) return view.getInt32(0, true);
    return Number(view.getBigInt64(0, true));
  }
  if (first === undefined) return undefined; // e.g. the hparams plugin's empty placeholder tensor
  if (dtype === DT.float || dtype === DT.double) return first;
  if (dtype === DT.half) return halfToFloat(first);
  if (dtype === DT.bfloat16) return bfloat16ToFloat(first);
  if (dtype === DT.int32 || dtype === DT.int64 || dtype === DT.int16 || dtype === DT.int8 || dtype === DT.uint8) return first;
  return undefined;
}
