// Reads a SoundFont 2 file (RIFF 'sfbk': INFO, sdta/smpl 16-bit PCM, pdta hydra) into plain data close
// to the file: presets and instruments with their zones' raw generators and modulators, sample headers
// and the PCM. Pure (bytes in, data out) so the webview's player, the extraction script
// (scripts/make-piano-sf2.ts) and the tests share one reader. Every length is checked against the bytes
// left; bad input is an Error naming the file and the chunk, never a crash or a silent misread.

/** One generator as stored: its operator and the raw 16-bit word (signed amount or lo/hi range bytes). */
export interface Sf2Gen {
  oper: number;
  word: number;
}

export interface Sf2Zone {
  gens: Sf2Gen[];
  /** Raw 10-byte modulator records, kept so a cut file carries them verbatim (the player ignores them). */
  mods: Uint8Array[];
}

export interface Sf2Preset {
  name: string;
  preset: number;
  bank: number;
  library: number;
  genre: number;
  morphology: number;
  zones: Sf2Zone[];
}

export interface Sf2Instrument {
  name: string;
  zones: Sf2Zone[];
}

export interface Sf2SampleHeader {
  name: string;
  /** Offsets in sample points into `pcm`. */
  start: number;
  end: number;
  startLoop: number;
  endLoop: number;
  sampleRate: number;
  originalPitch: number;
  /** Cents, signed. */
  pitchCorrection: number;
  sampleLink: number;
  sampleType: number;
}

export interface Sf2File {
  /** INFO sub-chunks in file order (ifil, isng, INAM, ...), raw bytes. */
  info: { id: string; bytes: Uint8Array }[];
  presets: Sf2Preset[];
  instruments: Sf2Instrument[];
  samples: Sf2SampleHeader[];
  /** All sample data (mono, 16-bit). */
  pcm: Int16Array;
}

/** Generator operators the player and the cutter use (SoundFont 2.04, section 8.1.2). */
export const GEN = {
  startAddrsOffset: 0,
  endAddrsOffset: 1,
  startloopAddrsOffset: 2,
  endloopAddrsOffset: 3,
  startAddrsCoarseOffset: 4,
  initialFilterFc: 8,
  initialFilterQ: 9,
  modEnvToFilterFc: 11,
  endAddrsCoarseOffset: 12,
  pan: 17,
  sustainModEnv: 29,
  delayVolEnv: 33,
  attackVolEnv: 34,
  holdVolEnv: 35,
  decayVolEnv: 36,
  sustainVolEnv: 37,
  releaseVolEnv: 38,
  keynumToVolEnvHold: 39,
  keynumToVolEnvDecay: 40,
  instrument: 41,
  keyRange: 43,
  velRange: 44,
  startloopAddrsCoarseOffset: 45,
  initialAttenuation: 48,
  endloopAddrsCoarseOffset: 50,
  coarseTune: 51,
  fineTune: 52,
  sampleID: 53,
  sampleModes: 54,
  scaleTuning: 56,
  overridingRootKey: 58,
} as const;

/** The signed amount of a generator word. */
export const genAmount = (word: number): number => (word << 16) >> 16;
/** The [lo, hi] range of a keyRange/velRange word. */
export const genRange = (word: number): [number, number] => [word & 0xff, (word >> 8) & 0xff];

interface Chunk {
  id: string;
  /** Offset of the chunk's data in the file. */
  at: number;
  size: number;
}

export function parseSf2(bytes: Uint8Array, file = 'SoundFont'): Sf2File {
  const fail = (msg: string): never => {
    throw new Error(`${file}: ${msg}`);
  };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fourcc = (at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);

  /** The sub-chunks of the data in [from, to). */
  const chunksIn = (from: number, to: number, where: string): Chunk[] => {
    const out: Chunk[] = [];
    let p = from;
    while (p + 8 <= to) {
      const id = fourcc(p);
      const size = dv.getUint32(p + 4, true);
      if (p + 8 + size > to) fail(`${where}/${id} says ${size} bytes but only ${to - p - 8} are left (truncated file?)`);
      out.push({ id, at: p + 8, size });
      p += 8 + size + (size & 1); // RIFF pads odd chunks to even
    }
    return out;
  };

  if (bytes.length < 12 || fourcc(0) !== 'RIFF' || fourcc(8) !== 'sfbk') fail('not a SoundFont 2 file (no RIFF sfbk header)');
  const riffEnd = Math.min(bytes.length, 8 + dv.getUint32(4, true));
  const lists = new Map<string, Chunk>();
  for (const c of chunksIn(12, riffEnd, 'RIFF')) {
    if (c.id !== 'LIST' || c.size < 4) continue;
    lists.set(fourcc(c.at), { id: fourcc(c.at), at: c.at + 4, size: c.size - 4 });
  }
  const list = (name: string): Chunk => lists.get(name) ?? fail(`missing LIST ${name}`);
  const info = list('INFO');
  const sdta = list('sdta');
  const pdta = list('pdta');

  const infoChunks = chunksIn(info.at, info.at + info.size, 'INFO').map((c) => ({ id: c.id, bytes: bytes.slice(c.at, c.at + c.size) }));
  if (!infoChunks.some((c) => c.id === 'ifil')) fail('INFO has no ifil (version) chunk');

  const smpl = chunksIn(sdta.at, sdta.at + sdta.size, 'sdta').find((c) => c.id === 'smpl') ?? fail('sdta has no smpl chunk');
  if (smpl.size % 2) fail(`sdta/smpl has an odd size ${smpl.size}`);
  // Int16Array needs 2-byte alignment; copy when the chunk is not aligned in memory. SF2 is little-endian,
  // as every platform this runs on is.
  const pcmAt = bytes.byteOffset + smpl.at;
  const pcm = pcmAt % 2 === 0 ? new Int16Array(bytes.buffer, pcmAt, smpl.size / 2) : new Int16Array(bytes.slice(smpl.at, smpl.at + smpl.size).buffer);

  const hydra = new Map(chunksIn(pdta.at, pdta.at + pdta.size, 'pdta').map((c) => [c.id, c]));
  /** Record offsets of a hydra table, checking its size and the terminal record. */
  const table = (id: string, recordBytes: number, minRecords: number): { count: number; at: (i: number) => number } => {
    const c = hydra.get(id) ?? fail(`pdta has no ${id} chunk`);
    if (c.size % recordBytes) fail(`pdta/${id} size ${c.size} is not a multiple of ${recordBytes}`);
    const count = c.size / recordBytes;
    if (count < minRecords) fail(`pdta/${id} has ${count} records, needs at least ${minRecords}`);
    return { count, at: (i) => c.at + i * recordBytes };
  };
  const name20 = (at: number): string => {
    let s = '';
    for (let i = 0; i < 20 && bytes[at + i] !== 0; i++) s += String.fromCharCode(bytes[at + i]!);
    return s.trimEnd();
  };

  const phdr = table('phdr', 38, 2);
  const pbag = table('pbag', 4, 1);
  const pmod = table('pmod', 10, 1);
  const pgen = table('pgen', 4, 1);
  const inst = table('inst', 22, 2);
  const ibag = table('ibag', 4, 1);
  const imod = table('imod', 10, 1);
  const igen = table('igen', 4, 1);
  const shdr = table('shdr', 46, 1);

  /** Zones [bagFrom, bagTo) of a bag table with their generator and modulator lists. */
  const zones = (kind: string, bag: typeof pbag, gen: typeof pgen, mod: typeof pmod, bagFrom: number, bagTo: number): Sf2Zone[] => {
    if (bagFrom > bagTo || bagTo >= bag.count) fail(`${kind} bag indices ${bagFrom}..${bagTo} are out of order or past the ${bag.count} bags`);
    const out: Sf2Zone[] = [];
    for (let b = bagFrom; b < bagTo; b++) {
      const g0 = dv.getUint16(bag.at(b), true);
      const g1 = dv.getUint16(bag.at(b + 1), true);
      const m0 = dv.getUint16(bag.at(b) + 2, true);
      const m1 = dv.getUint16(bag.at(b + 1) + 2, true);
      if (g0 > g1 || g1 >= gen.count) fail(`${kind} bag ${b}: generator indices ${g0}..${g1} are out of order or past the ${gen.count} generators`);
      if (m0 > m1 || m1 >= mod.count) fail(`${kind} bag ${b}: modulator indices ${m0}..${m1} are out of order or past the ${mod.count} modulators`);
      const gens: Sf2Gen[] = [];
      for (let g = g0; g < g1; g++) gens.push({ oper: dv.getUint16(gen.at(g), true), word: dv.getUint16(gen.at(g) + 2, true) });
      const mods: Uint8Array[] = [];
      for (let m = m0; m < m1; m++) mods.push(bytes.slice(mod.at(m), mod.at(m) + 10));
      out.push({ gens, mods });
    }
    return out;
  };

  const presets: Sf2Preset[] = [];
  for (let i = 0; i + 1 < phdr.count; i++) {
    const at = phdr.at(i);
    presets.push({
      name: name20(at),
      preset: dv.getUint16(at + 20, true),
      bank: dv.getUint16(at + 22, true),
      library: dv.getUint32(at + 26, true),
      genre: dv.getUint32(at + 30, true),
      morphology: dv.getUint32(at + 34, true),
      zones: zones(`preset ${i}`, pbag, pgen, pmod, dv.getUint16(at + 24, true), dv.getUint16(phdr.at(i + 1) + 24, true)),
    });
  }
  const instruments: Sf2Instrument[] = [];
  for (let i = 0; i + 1 < inst.count; i++) {
    const at = inst.at(i);
    instruments.push({ name: name20(at), zones: zones(`instrument ${i}`, ibag, igen, imod, dv.getUint16(at + 20, true), dv.getUint16(inst.at(i + 1) + 20, true)) });
  }
  const samples: Sf2SampleHeader[] = [];
  for (let i = 0; i + 1 < shdr.count; i++) {
    const at = shdr.at(i);
    const s: Sf2SampleHeader = {
      name: name20(at),
      start: dv.getUint32(at + 20, true),
      end: dv.getUint32(at + 24, true),
      startLoop: dv.getUint32(at + 28, true),
      endLoop: dv.getUint32(at + 32, true),
      sampleRate: dv.getUint32(at + 36, true),
      originalPitch: bytes[at + 40]!,
      pitchCorrection: dv.getInt8(at + 41),
      sampleLink: dv.getUint16(at + 42, true),
      sampleType: dv.getUint16(at + 44, true),
    };
    // ROM samples (type bit 0x8000) have no data here; every other sample must lie inside smpl.
    if (!(s.sampleType & 0x8000) && (s.start > s.end || s.end > pcm.length)) fail(`sample ${i} "${s.name}" spans ${s.start}..${s.end}, outside the ${pcm.length} sample points`);
    if (s.sampleRate <= 0) fail(`sample ${i} "${s.name}" has sample rate 0`);
    samples.push(s);
  }
  // Zone references must resolve, so readers downstream can index without checks.
  for (const p of presets)
    for (const z of p.zones)
      for (const g of z.gens) if (g.oper === GEN.instrument && g.word >= instruments.length) fail(`preset "${p.name}" refers to instrument ${g.word} of ${instruments.length}`);
  for (const ins of instruments)
    for (const z of ins.zones)
      for (const g of z.gens) if (g.oper === GEN.sampleID && g.word >= samples.length) fail(`instrument "${ins.name}" refers to sample ${g.word} of ${samples.length}`);
  return { info: infoChunks, presets, instruments, samples, pcm };
}
