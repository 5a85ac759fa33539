// A minimal protobuf wire-format reader: varints, fixed32/64, length-delimited fields, skipping.
// Enough for TensorBoard's Event / Summary / TensorProto (see tfevents.ts); every read is bounds-
// checked against the message's end, so a damaged message is a ProtoError, never an overrun.

export class ProtoError extends Error {}

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export class ProtoReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** Copies n little-endian bytes into the scratch buffer (no DataView per read: that showed up in profiles). */
  private scratch(n: number): void {
    const at = this.need(n);
    if (LITTLE_ENDIAN) for (let i = 0; i < n; i++) SCRATCH[i] = this.buf[at + i]!;
    else for (let i = 0; i < n; i++) SCRATCH[n - 1 - i] = this.buf[at + i]!;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) throw new ProtoError(`field number 0 at byte ${this.pos}`);
    return { field, wire: key % 8 };
  }

  /** Unsigned varint as a number (exact up to 2^53). */
  varint(): number {
    // Fast path: keys, lengths and small values fit in 4 bytes (28 bits); no object is made.
    const b = this.buf;
    let v = 0;
    for (let i = 0, p = this.pos; i < 4 && p < this.end; i++, p++) {
      const x = b[p]!;
      v |= (x & 0x7f) << (7 * i);
      if ((x & 0x80) === 0) {
        this.pos = p + 1;
        return v >>> 0;
      }
    }
    const { lo, hi } = this.varint64();
    return hi * 0x100000000 + lo;
  }

  /** int64 / int32 varint (two's complement: negatives take 10 bytes). */
  int64(): number {
    const { lo, hi } = this.varint64();
    return hi >= 0x80000000 ? (hi - 0x100000000) * 0x100000000 + lo : hi * 0x100000000 + lo;
  }

  private varint64(): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('varint runs past the end of the message');
      const b = this.buf[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  private need(n: number): number {
    const at = this.pos;
    if (n > this.end - at) throw new ProtoError(`field of ${n} bytes runs past the end of the message`);
    this.pos += n;
    return at;
  }

  double(): number {
    this.scratch(8);
    return SCRATCH_F64[0]!;
  }

  float(): number {
    this.scratch(4);
    return SCRATCH_F32[0]!;
  }

  fixed32(): number {
    this.scratch(4);
    return SCRATCH_U32[0]!;
  }

  /** A length-delimited field's [start, end) within buf. */
  bytes(): [number, number] {
    const len = this.varint();
    const at = this.need(len);
    return [at, at + len];
  }

  string(): string {
    const [s, e] = this.bytes();
    // Tags are short ASCII: building them directly is several times faster than TextDecoder.
    if (e - s <= 64) {
      let out = '';
      for (let i = s; i < e; i++) {
        const c = this.buf[i]!;
        if (c >= 0x80) return utf8.decode(this.buf.subarray(s, e));
        out += String.fromCharCode(c);
      }
      return out;
    }
    return utf8.decode(this.buf.subarray(s, e));
  }

  skip(wire: number): void {
    if (wire === WIRE.varint) this.varint64();
    else if (wire === WIRE.fixed64) this.need(8);
    else if (wire === WIRE.bytes) this.bytes();
    else if (wire === WIRE.fixed32) this.need(4);
    else throw new ProtoError(`unsupported wire type ${wire}`);
  }
}

const utf8 = new TextDecoder('utf-8');
// Typed arrays use the platform's byte order; the wire is little-endian (bytes are reversed on big-endian hosts).
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const SCRATCH = new Uint8Array(8);
const SCRATCH_F64 = new Float64Array(SCRATCH.buffer);
const SCRATCH_F32 = new Float32Array(SCRATCH.buffer, 0, 1);
const SCRATCH_U32 = new Uint32Array(SCRATCH.buffer, 0, 1);
