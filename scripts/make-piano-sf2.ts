// Cuts the piano the piano roll plays (media/soundfont/piano.sf2) out of FluidR3_GM.sf2 (Debian's
// fluid-soundfont-gm, MIT licence): preset 0 bank 0 with its instrument, zones and samples, resampled
// 32,000 → 22,050 Hz and kept mono (the left channel), so the file is ~2.7 MB instead of 7.8 MB.
// The instrument's own filter keeps everything below ~6.7 kHz (initialFilterFc 12623 −
// modEnvToFilterFc 1000 cents), far under the new 11 kHz Nyquist, so resampling loses nothing audible.
// Mono takes one channel rather than mixing: L and R are spaced microphones (correlation ≈ 0.14), and
// an L+R mix would comb-filter. Stereo at 22,050 Hz would be 5.4 MB.
// Run (see media/soundfont/README.md for fetching the .deb):
//   npx tsx scripts/make-piano-sf2.ts /path/to/FluidR3_GM.sf2 [media/soundfont/piano.sf2]

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GEN, parseSf2, type Sf2File, type Sf2Gen, type Sf2Instrument, type Sf2Preset, type Sf2SampleHeader, type Sf2Zone } from '../webviews/pianoRoll/sf2Parse';

/** Zero points after each sample, as the SoundFont spec asks (interpolators may read past the end). */
const PAD_POINTS = 46;
const SINC_HALF_TAPS = 24;

/** A file with only the chosen preset, the instruments it uses and their samples, indices renumbered. */
export function cutPreset(src: Sf2File, preset: number, bank: number): Sf2File {
  const p = src.presets.find((x) => x.preset === preset && x.bank === bank);
  if (!p) throw new Error(`no preset ${preset} bank ${bank} among ${src.presets.length} presets`);
  const instMap = new Map<number, number>();
  const sampleMap = new Map<number, number>();
  const remap = (z: Sf2Zone, oper: number, map: Map<number, number>, onNew: (old: number) => void): Sf2Zone => ({
    mods: z.mods,
    gens: z.gens.map((g) => {
      if (g.oper !== oper) return g;
      if (!map.has(g.word)) {
        map.set(g.word, map.size);
        onNew(g.word);
      }
      return { oper, word: map.get(g.word)! };
    }),
  });
  const instruments: Sf2Instrument[] = [];
  const samples: Sf2SampleHeader[] = [];
  const zones = p.zones.map((z) =>
    remap(z, GEN.instrument, instMap, (old) => {
      const ins = src.instruments[old]!;
      instruments.push({ name: ins.name, zones: ins.zones.map((iz) => remap(iz, GEN.sampleID, sampleMap, (s) => samples.push({ ...src.samples[s]! }))) });
    }),
  );
  // Stereo links point at sample indices: renumber them. The type stays even when the link does not
  // resolve (FluidR3 leaves every link 0): it is what tells left from right.
  for (const [oldIdx, newIdx] of sampleMap) samples[newIdx]!.sampleLink = sampleMap.get(src.samples[oldIdx]!.sampleLink) ?? 0;
  const out: Sf2Preset = { ...p, zones };
  return { info: src.info, presets: [out], instruments, samples, pcm: src.pcm };
}

/**
 * Keeps one channel of every stereo pair: the right-hand zones go, the left-hand ones lose their pan
 * (centred) and their samples become mono; unused samples are dropped and the rest renumbered.
 */
export function leftChannelOnly(f: Sf2File): Sf2File {
  const sampleOf = (z: Sf2Zone): number | undefined => z.gens.find((g) => g.oper === GEN.sampleID)?.word;
  const isRight = (i: number): boolean => (f.samples[i]!.sampleType & 0x7fff) === 2;
  const used = new Map<number, number>();
  const instruments = f.instruments.map((ins) => ({
    name: ins.name,
    zones: ins.zones
      .filter((z) => {
        const s = sampleOf(z);
        return s === undefined || !isRight(s);
      })
      .map((z) => {
        const s = sampleOf(z);
        if (s === undefined) return z;
        if (!used.has(s)) used.set(s, used.size);
        return { mods: z.mods, gens: z.gens.filter((g) => g.oper !== GEN.pan).map((g) => (g.oper === GEN.sampleID ? { oper: g.oper, word: used.get(s)! } : g)) };
      }),
  }));
  const samples = [...used.keys()].map((i) => ({ ...f.samples[i]!, name: f.samples[i]!.name.replace(/\(L\)$/, ''), sampleType: 1, sampleLink: 0 }));
  return { ...f, instruments, samples };
}

/** Windowed-sinc (Blackman) resampling with the cut-off below the lower Nyquist; `at(k)` reads input point k. */
function resample(at: (k: number) => number, outLength: number, ratio: number): Int16Array {
  const cutoff = 0.95 * Math.min(1, ratio) * 0.5; // cycles per input sample
  const out = new Int16Array(outLength);
  for (let n = 0; n < outLength; n++) {
    const t = n / ratio;
    const k0 = Math.floor(t);
    let acc = 0;
    for (let k = k0 - SINC_HALF_TAPS + 1; k <= k0 + SINC_HALF_TAPS; k++) {
      const x = t - k;
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / SINC_HALF_TAPS) + 0.08 * Math.cos((2 * Math.PI * x) / SINC_HALF_TAPS);
      const h = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
      acc += at(k) * h * w;
    }
    out[n] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return out;
}

/**
 * Resamples every sample to `rate` and packs them into fresh PCM (each followed by PAD_POINTS zeros).
 * Input points past the loop end are read from the loop start, so a looped sample stays seamless.
 */
export function resampleAll(f: Sf2File, rate: number): Sf2File {
  for (const ins of f.instruments)
    for (const z of ins.zones)
      for (const g of z.gens)
        if (g.oper <= GEN.startAddrsCoarseOffset || g.oper === GEN.endAddrsCoarseOffset || g.oper === GEN.startloopAddrsCoarseOffset || g.oper === GEN.endloopAddrsCoarseOffset)
          if (g.word !== 0) throw new Error(`instrument "${ins.name}" has sample address offset generator ${g.oper}; resampling those is not supported`);
  const parts: Int16Array[] = [];
  let total = 0;
  const samples = f.samples.map((s) => {
    const ratio = rate / s.sampleRate;
    const len = s.end - s.start;
    const loopLen = s.endLoop - s.startLoop;
    const looped = loopLen > 0 && s.startLoop >= s.start && s.endLoop <= s.end;
    const at = (k: number): number => {
      if (k < 0) return 0;
      let i = s.start + k;
      if (looped && i >= s.endLoop) i = s.startLoop + ((i - s.endLoop) % loopLen);
      return i < s.end ? f.pcm[i]! : 0;
    };
    const outLen = Math.round(len * ratio);
    const data = resample(at, outLen, ratio);
    const start = total;
    parts.push(data, new Int16Array(PAD_POINTS));
    total += outLen + PAD_POINTS;
    const startLoop = start + Math.round((s.startLoop - s.start) * ratio);
    const endLoop = start + Math.round((s.endLoop - s.start) * ratio);
    return { ...s, start, end: start + outLen, startLoop, endLoop: Math.min(endLoop, start + outLen), sampleRate: rate };
  });
  const pcm = new Int16Array(total);
  let p = 0;
  for (const part of parts) {
    pcm.set(part, p);
    p += part.length;
  }
  return { ...f, samples, pcm };
}

// ---- writing

class Bytes {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  private room(n: number): DataView {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    return new DataView(this.buf.buffer, this.length, n);
  }
  u8(v: number): this {
    this.room(1).setUint8(0, v);
    this.length += 1;
    return this;
  }
  u16(v: number): this {
    this.room(2).setUint16(0, v, true);
    this.length += 2;
    return this;
  }
  i8(v: number): this {
    this.room(1).setInt8(0, v);
    this.length += 1;
    return this;
  }
  u32(v: number): this {
    this.room(4).setUint32(0, v, true);
    this.length += 4;
    return this;
  }
  raw(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** A fixed 20-byte, zero-padded name. */
  name20(s: string): this {
    const b = new Uint8Array(20);
    for (let i = 0; i < Math.min(19, s.length); i++) b[i] = s.charCodeAt(i) & 0x7f;
    return this.raw(b);
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
function chunk(id: string, body: Uint8Array): Uint8Array {
  const b = new Bytes().raw(ascii(id)).u32(body.length).raw(body);
  if (body.length & 1) b.u8(0);
  return b.bytes();
}
function list(kind: string, parts: Uint8Array[]): Uint8Array {
  const body = new Bytes().raw(ascii(kind));
  for (const p of parts) body.raw(p);
  return chunk('LIST', body.bytes());
}

/** Serializes `f` as a SoundFont 2 file (bags, generators and modulators laid out as the spec asks). */
export function writeSf2(f: Sf2File): Uint8Array {
  const hydraFor = (zonesOf: Sf2Zone[][], terminal: number) => {
    const bag = new Bytes();
    const gen = new Bytes();
    const mod = new Bytes();
    let g = 0;
    let m = 0;
    const firstBag: number[] = [];
    let b = 0;
    for (const zones of zonesOf) {
      firstBag.push(b);
      for (const z of zones) {
        bag.u16(g).u16(m);
        b++;
        // keyRange must come first and velRange second, the terminal generator (instrument/sampleID) last.
        const order = (x: Sf2Gen): number => (x.oper === GEN.keyRange ? 0 : x.oper === GEN.velRange ? 1 : x.oper === terminal ? 3 : 2);
        for (const x of [...z.gens].sort((p, q) => order(p) - order(q))) {
          gen.u16(x.oper).u16(x.word);
          g++;
        }
        for (const x of z.mods) {
          mod.raw(x);
          m++;
        }
      }
    }
    firstBag.push(b);
    bag.u16(g).u16(m);
    gen.u32(0);
    mod.raw(new Uint8Array(10));
    return { bag: bag.bytes(), gen: gen.bytes(), mod: mod.bytes(), firstBag };
  };
  const ph = hydraFor(f.presets.map((p) => p.zones), GEN.instrument);
  const ih = hydraFor(f.instruments.map((i) => i.zones), GEN.sampleID);
  const phdr = new Bytes();
  f.presets.forEach((p, i) => phdr.name20(p.name).u16(p.preset).u16(p.bank).u16(ph.firstBag[i]!).u32(p.library).u32(p.genre).u32(p.morphology));
  phdr.name20('EOP').u16(0).u16(0).u16(ph.firstBag[f.presets.length]!).u32(0).u32(0).u32(0);
  const inst = new Bytes();
  f.instruments.forEach((x, i) => inst.name20(x.name).u16(ih.firstBag[i]!));
  inst.name20('EOI').u16(ih.firstBag[f.instruments.length]!);
  const shdr = new Bytes();
  for (const s of f.samples) shdr.name20(s.name).u32(s.start).u32(s.end).u32(s.startLoop).u32(s.endLoop).u32(s.sampleRate).u8(s.originalPitch).i8(s.pitchCorrection).u16(s.sampleLink).u16(s.sampleType);
  shdr.name20('EOS').u32(0).u32(0).u32(0).u32(0).u32(0).u8(0).i8(0).u16(0).u16(0);

  const pcmBytes = new Uint8Array(f.pcm.buffer, f.pcm.byteOffset, f.pcm.byteLength);
  const body = new Bytes()
    .raw(ascii('sfbk'))
    .raw(list('INFO', f.info.map((c) => chunk(c.id, c.bytes))))
    .raw(list('sdta', [chunk('smpl', pcmBytes)]))
    .raw(
      list('pdta', [
        chunk('phdr', phdr.bytes()),
        chunk('pbag', ph.bag),
        chunk('pmod', ph.mod),
        chunk('pgen', ph.gen),
        chunk('inst', inst.bytes()),
        chunk('ibag', ih.bag),
        chunk('imod', ih.mod),
        chunk('igen', ih.gen),
        chunk('shdr', shdr.bytes()),
      ]),
    );
  return chunk('RIFF', body.bytes());
}

/** An INFO string chunk: zero-terminated, padded to an even length. */
const infoText = (id: string, text: string): { id: string; bytes: Uint8Array } => {
  const b = ascii(text + '\0');
  return { id, bytes: b.length & 1 ? Uint8Array.from([...b, 0]) : b };
};

export function makePianoSf2(src: Sf2File, rate: number): Sf2File {
  const cut = resampleAll(leftChannelOnly(cutPreset(src, 0, 0)), rate);
  const keep = new Set(['ifil', 'isng', 'ICRD', 'IENG', 'ICOP']);
  const info = [
    ...cut.info.filter((c) => keep.has(c.id)),
    infoText('INAM', 'Rubato piano (FluidR3 GM preset 0)'),
    infoText('ICMT', `Licensed under the MIT License. Cut from Fluid R3 GM (Debian fluid-soundfont-gm): preset 0 bank 0 only, left channel, resampled to ${rate} Hz by scripts/make-piano-sf2.ts.`),
    infoText('ISFT', 'Rubato make-piano-sf2'),
  ];
  // ifil, isng and INAM are required, ifil first.
  info.sort((a, b) => (a.id === 'ifil' ? -1 : b.id === 'ifil' ? 1 : 0));
  return { ...cut, info };
}

function main(): void {
  const [input, output = 'media/soundfont/piano.sf2'] = process.argv.slice(2);
  if (!input) {
    console.error('usage: npx tsx scripts/make-piano-sf2.ts /path/to/FluidR3_GM.sf2 [media/soundfont/piano.sf2]');
    process.exit(2);
  }
  if (!existsSync(input)) {
    console.error(`${input}: no such file (see media/soundfont/README.md for fetching fluid-soundfont-gm)`);
    process.exit(2);
  }
  const src = parseSf2(new Uint8Array(readFileSync(input)), input);
  const bytes = writeSf2(makePianoSf2(src, 22050));
  parseSf2(bytes, output); // the written file must read back
  const tmp = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, output);
  console.log(`${output}: ${bytes.length} bytes`);
}

if (require.main === module) main();
