// Flattens one SoundFont preset into playable regions (a key × velocity rectangle, a sample and every
// parameter already resolved: instrument global + local generators, preset offsets added, as
// SoundFont 2.04 §9.4 says), and picks the regions a note plays. Pure, unit-tested on the shipped
// piano; the WebAudio player (sf2Synth.ts) only reads these numbers.

import { GEN, genAmount, genRange, type Sf2File, type Sf2Gen, type Sf2Zone } from './sf2Parse';

export interface Sf2Region {
  keyLo: number;
  keyHi: number;
  velLo: number;
  velHi: number;
  sampleIndex: number;
  /** Sample points into the file's PCM (address offsets applied). */
  start: number;
  end: number;
  loopStart: number;
  loopEnd: number;
  sampleRate: number;
  /** 0 plays once; 1 loops throughout; 3 loops until release, then plays to the end. */
  loopMode: number;
  /** Key at which the sample plays at its recorded pitch (overridingRootKey, else the sample's). */
  rootKey: number;
  /** coarseTune·100 + fineTune + the sample's pitchCorrection. */
  tuneCents: number;
  /** Cents per key (scaleTuning; 100 = equal temperament). */
  scaleTuning: number;
  /** Centibels of attenuation (initialAttenuation). */
  attenuationCb: number;
  /** −500 (left) … 500 (right), tenths of a percent. */
  pan: number;
  /**
   * Low-pass cut-off in absolute cents (8.176 Hz · 2^(c/1200)); 13500 and above means open. The
   * modulation envelope's pull on it is folded in at its sustain level (modEnvToFilterFc scaled by
   * 1 − sustainModEnv/1000): we play no modulation envelope, and a piano's is flat after the attack.
   */
  filterFcCents: number;
  filterQCb: number;
  /** Volume envelope: times in seconds, sustain as centibels below peak. */
  delaySec: number;
  attackSec: number;
  holdSec: number;
  decaySec: number;
  sustainCb: number;
  releaseSec: number;
  /** Timecents per key above 60 added to hold and decay (keynumToVolEnvHold/Decay). */
  keyToHoldTc: number;
  keyToDecayTc: number;
}

/** Generator defaults (SoundFont 2.04 §8.1.3) for the operators the player reads. */
const DEFAULTS: Record<number, number> = {
  [GEN.initialFilterFc]: 13500,
  [GEN.delayVolEnv]: -12000,
  [GEN.attackVolEnv]: -12000,
  [GEN.holdVolEnv]: -12000,
  [GEN.decayVolEnv]: -12000,
  [GEN.releaseVolEnv]: -12000,
  [GEN.scaleTuning]: 100,
  [GEN.overridingRootKey]: -1,
};

/** Operators a preset zone may not add to (ranges are intersected; indices and addresses are the instrument's). */
const NOT_ADDITIVE = new Set<number>([
  GEN.keyRange,
  GEN.velRange,
  GEN.instrument,
  GEN.sampleID,
  GEN.sampleModes,
  GEN.overridingRootKey,
  GEN.startAddrsOffset,
  GEN.endAddrsOffset,
  GEN.startloopAddrsOffset,
  GEN.endloopAddrsOffset,
  GEN.startAddrsCoarseOffset,
  GEN.endAddrsCoarseOffset,
  GEN.startloopAddrsCoarseOffset,
  GEN.endloopAddrsCoarseOffset,
]);

const timecentsToSec = (tc: number): number => (tc <= -12000 ? 0 : 2 ** (tc / 1200));

/** The zone's generators as a map; a later generator of the same operator wins, as the spec says. */
const genMap = (gens: Sf2Gen[]): Map<number, number> => new Map(gens.map((g) => [g.oper, g.word]));

/** Global zone first (it has no terminal generator) and the local zones after. */
function splitGlobal(zones: Sf2Zone[], terminal: number): { global: Map<number, number>; locals: Map<number, number>[] } {
  const hasTerminal = (z: Sf2Zone): boolean => z.gens.some((g) => g.oper === terminal);
  const first = zones[0];
  const global = first && !hasTerminal(first) ? genMap(first.gens) : new Map<number, number>();
  return { global, locals: zones.filter(hasTerminal).map((z) => genMap(z.gens)) };
}

function range(m: Map<number, number>, oper: number): [number, number] {
  const w = m.get(oper);
  return w === undefined ? [0, 127] : genRange(w);
}

/** Every region of preset `preset` bank `bank`; an Error naming the file when there is no such preset. */
export function presetRegions(f: Sf2File, preset: number, bank: number, file = 'SoundFont'): Sf2Region[] {
  const p = f.presets.find((x) => x.preset === preset && x.bank === bank);
  if (!p) throw new Error(`${file}: has no preset ${preset} in bank ${bank}`);
  const out: Sf2Region[] = [];
  const pz = splitGlobal(p.zones, GEN.instrument);
  for (const pl of pz.locals) {
    const pm = new Map([...pz.global, ...pl]);
    const ins = f.instruments[pm.get(GEN.instrument)!]!;
    const [pkLo, pkHi] = range(pm, GEN.keyRange);
    const [pvLo, pvHi] = range(pm, GEN.velRange);
    const iz = splitGlobal(ins.zones, GEN.sampleID);
    for (const il of iz.locals) {
      const im = new Map([...iz.global, ...il]);
      const [ikLo, ikHi] = range(im, GEN.keyRange);
      const [ivLo, ivHi] = range(im, GEN.velRange);
      const keyLo = Math.max(pkLo, ikLo);
      const keyHi = Math.min(pkHi, ikHi);
      const velLo = Math.max(pvLo, ivLo);
      const velHi = Math.min(pvHi, ivHi);
      if (keyLo > keyHi || velLo > velHi) continue;
      /** Instrument value (or default) plus the preset's offset. */
      const v = (oper: number): number => {
        const w = im.get(oper);
        const base = w === undefined ? DEFAULTS[oper] ?? 0 : genAmount(w);
        const off = pm.get(oper);
        return NOT_ADDITIVE.has(oper) || off === undefined ? base : base + genAmount(off);
      };
      const sampleIndex = im.get(GEN.sampleID)!;
      const s = f.samples[sampleIndex]!;
      const addr = (fine: number, coarse: number): number => v(fine) + 32768 * v(coarse);
      const root = v(GEN.overridingRootKey);
      out.push({
        keyLo,
        keyHi,
        velLo,
        velHi,
        sampleIndex,
        start: s.start + addr(GEN.startAddrsOffset, GEN.startAddrsCoarseOffset),
        end: s.end + addr(GEN.endAddrsOffset, GEN.endAddrsCoarseOffset),
        loopStart: s.startLoop + addr(GEN.startloopAddrsOffset, GEN.startloopAddrsCoarseOffset),
        loopEnd: s.endLoop + addr(GEN.endloopAddrsOffset, GEN.endloopAddrsCoarseOffset),
        sampleRate: s.sampleRate,
        loopMode: v(GEN.sampleModes) & 3,
        rootKey: root >= 0 && root <= 127 ? root : s.originalPitch,
        tuneCents: v(GEN.coarseTune) * 100 + v(GEN.fineTune) + s.pitchCorrection,
        scaleTuning: v(GEN.scaleTuning),
        attenuationCb: Math.max(0, v(GEN.initialAttenuation)),
        pan: Math.max(-500, Math.min(500, v(GEN.pan))),
        filterFcCents: v(GEN.initialFilterFc) + v(GEN.modEnvToFilterFc) * (1 - Math.max(0, Math.min(1000, v(GEN.sustainModEnv))) / 1000),
        filterQCb: Math.max(0, v(GEN.initialFilterQ)),
        delaySec: timecentsToSec(v(GEN.delayVolEnv)),
        attackSec: timecentsToSec(v(GEN.attackVolEnv)),
        holdSec: timecentsToSec(v(GEN.holdVolEnv)),
        decaySec: timecentsToSec(v(GEN.decayVolEnv)),
        sustainCb: Math.max(0, Math.min(1440, v(GEN.sustainVolEnv))),
        releaseSec: timecentsToSec(v(GEN.releaseVolEnv)),
        keyToHoldTc: v(GEN.keynumToVolEnvHold),
        keyToDecayTc: v(GEN.keynumToVolEnvDecay),
      });
    }
  }
  return out;
}

/** The regions a note plays (several for layered or stereo zones), in preset order. */
export function regionsFor(regions: readonly Sf2Region[], key: number, velocity: number): Sf2Region[] {
  return regions.filter((r) => key >= r.keyLo && key <= r.keyHi && velocity >= r.velLo && velocity <= r.velHi);
}

/** Playback rate of a region's sample for `key` (the AudioBuffer carries the sample's own rate). */
export function playbackRate(r: Sf2Region, key: number): number {
  return 2 ** (((key - r.rootKey) * r.scaleTuning + r.tuneCents) / 1200);
}

/** Hold and decay for `key`: keynumToVolEnv* scale them by key distance from middle C. */
export function envelopeTimes(r: Sf2Region, key: number): { holdSec: number; decaySec: number } {
  const scale = (sec: number, tcPerKey: number): number => (sec <= 0 ? 0 : sec * 2 ** ((tcPerKey * (60 - key)) / 1200));
  return { holdSec: scale(r.holdSec, r.keyToHoldTc), decaySec: scale(r.decaySec, r.keyToDecayTc) };
}
