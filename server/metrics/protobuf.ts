// A minimal protobuf wire-format reader: varints, fixed32/64, length-delimited fields, skipping.
// Enough for TensorBoard's Event / Summary / TensorProto (see tfevents.ts); every read is bounds-
// checked against the message's end, so a damaged message is a ProtoError, never an overrun.

export class ProtoError extends Error {}

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
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
    return this.view.getFloat64(this.need(8), true);
  }

  float(): number {
    return this.view.getFloat32(this.need(4), true);
  }

  fixed32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  /** A length-delimited field's [start, end) within buf. */
  bytes(): [number, number] {
    const len = this.varint();
    const at = this.need(len);
    return [at, at + len];
  }

  string(): string {
    const [s, e] = this.bytes();
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
