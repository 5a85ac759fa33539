// Builds Standard MIDI File bytes by hand for tests, including deliberately broken ones.

/** A variable-length quantity (no 4-byte limit, so tests can make illegal ones). */
export function vlq(value: number): number[] {
  const groups = [value % 128];
  let v = Math.floor(value / 128);
  while (v > 0) {
    groups.unshift((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  return groups;
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** A chunk; `length` overrides the length field (to make it lie). */
export function chunk(tag: string, body: number[], length = body.length): number[] {
  return [...ascii(tag), ...u32(length), ...body];
}

export function header(format: number, ntrks: number, division: number): number[] {
  return chunk('MThd', [format >> 8, format & 0xff, ntrks >> 8, ntrks & 0xff, (division >> 8) & 0xff, division & 0xff]);
}

/** Event helpers: each returns delta + event bytes. */
export const ev = {
  on: (delta: number, pitch: number, velocity: number, channel = 0): number[] => [...vlq(delta), 0x90 | channel, pitch, velocity],
  off: (delta: number, pitch: number, channel = 0): number[] => [...vlq(delta), 0x80 | channel, pitch, 64],
  cc: (delta: number, controller: number, value: number, channel = 0): number[] => [...vlq(delta), 0xb0 | channel, controller, value],
  tempo: (delta: number, us: number): number[] => [...vlq(delta), 0xff, 0x51, 3, (us >> 16) & 0xff, (us >> 8) & 0xff, us & 0xff],
  timeSig: (delta: number, num: number, denPower: number): number[] => [...vlq(delta), 0xff, 0x58, 4, num, denPower, 24, 8],
  keySig: (delta: number, sharps: number, minor: boolean): number[] => [...vlq(delta), 0xff, 0x59, 2, sharps & 0xff, minor ? 1 : 0],
  name: (delta: number, text: string): number[] => [...vlq(delta), 0xff, 0x03, ...vlq(text.length), ...ascii(text)],
  eot: (delta = 0): number[] => [...vlq(delta), 0xff, 0x2f, 0x00],
};

/** A whole file from track bodies (End-of-Track is NOT added: tests choose). */
export function smf(tracks: number[][], opts: { format?: number; ppq?: number; ntrks?: number } = {}): Uint8Array {
  const bytes = header(opts.format ?? 1, opts.ntrks ?? tracks.length, opts.ppq ?? 480);
  for (const t of tracks) bytes.push(...chunk('MTrk', t));
  return Uint8Array.from(bytes);
}
