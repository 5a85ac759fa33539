// Shared by the normalizer tests: small documents built in memory, and malformed-but-readable MIDI made
// by mutating the bytes of real files (as test/unit/midi/fuzz.test.ts does), kept when the reader accepts them.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MidiDoc, Note, TimeSignatureEvent } from '../../../server/midi/model';
import { parseMidi } from '../../../server/midi/read';
import { TimeMap } from '../../../server/midi/timeMap';
import { writeMidi } from '../../../server/midi/write';
import { mulberry32, type Rng } from '../../../server/prng';

export const repoRoot = path.resolve(__dirname, '../../..');
export const asapDir = path.resolve(repoRoot, '../shared/data/asap');
export const hasAsap = existsSync(path.join(asapDir, 'Bach/Fugue/bwv_846/midi_score.mid'));

/** A quantized score: `bars` bars of the signature, random pitches on a 16th/triplet grid. */
export function randomScore(rng: Rng, opts: { bars?: number; ppq?: number; ts?: TimeSignatureEvent[] } = {}): MidiDoc {
  const ppq = opts.ppq ?? 480;
  const ts = opts.ts ?? [{ tick: 0, numerator: 4, denominator: 4 }];
  const bars = opts.bars ?? 12;
  const tm = new TimeMap(ppq, [{ tick: 0, usPerQuarter: 500_000 }, { tick: ppq * 16, usPerQuarter: 600_000 }]);
  const notes: Note[] = [];
  const barTicks = (ppq * 4 * ts[0]!.numerator) / ts[0]!.denominator;
  for (let b = 0; b < bars; b++) {
    const steps = rng() < 0.3 ? 3 : 4;
    for (let q = 0; q < (barTicks / ppq) * steps; q++) {
      if (rng() < 0.3) continue;
      const on = Math.round(b * barTicks + (q * ppq) / steps);
      const off = on + Math.round((ppq / steps) * (1 + Math.floor(rng() * 3)));
      for (let v = 0; v < 1 + Math.floor(rng() * 3); v++) {
        notes.push({ pitch: 40 + Math.floor(rng() * 40), velocity: 1 + Math.floor(rng() * 126), onsetTick: on, offsetTick: off, onsetSec: tm.tickToSec(on), offsetSec: tm.tickToSec(off), track: v % 2, channel: 0 });
      }
    }
  }
  notes.sort((a, b) => a.onsetTick - b.onsetTick || a.pitch - b.pitch);
  return { source: 'random', format: 1, ppq, notes, sustain: [{ tick: ppq, sec: tm.tickToSec(ppq), value: 100, track: 0, channel: 0 }, { tick: ppq * 3, sec: tm.tickToSec(ppq * 3), value: 0, track: 0, channel: 0 }], pedal: [], tempos: [...tm.tempos], timeSignatures: ts, keySignatures: [], trackNames: ['a', 'b'], endTick: notes.reduce((m, n) => Math.max(m, n.offsetTick), 0), warnings: [] };
}

/** Mutants of real (or generated) MIDI bytes that the reader still accepts: malformed but readable. */
export function malformedDocs(count: number, seed: number): { label: string; doc: MidiDoc }[] {
  const rand = mulberry32(seed);
  const sources: { name: string; bytes: Uint8Array }[] = [];
  for (const f of ['Bach/Prelude/bwv_846/midi_score.mid', 'Chopin/Barcarolle/midi_score.mid']) {
    const p = path.join(asapDir, f);
    if (existsSync(p)) sources.push({ name: f, bytes: new Uint8Array(readFileSync(p)) });
  }
  sources.push({ name: 'examples/prelude-c-major.mid', bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'examples/prelude-c-major.mid'))) });
  sources.push({ name: 'random', bytes: writeMidi(randomScore(mulberry32(seed + 1), { bars: 20 })) });
  const pick = (n: number): number => Math.floor(rand() * n);
  const out: { label: string; doc: MidiDoc }[] = [];
  for (let tries = 0; out.length < count && tries < count * 20; tries++) {
    const src = sources[pick(sources.length)]!;
    const m = src.bytes.slice();
    const kind = pick(4);
    let bytes: Uint8Array = m;
    if (kind === 0) for (let i = 0; i < 1 + pick(8); i++) m[pick(m.length)] = pick(256);
    else if (kind === 1) bytes = m.slice(0, 14 + pick(m.length - 14));
    else if (kind === 2) {
      const at = 14 + pick(m.length - 14);
      bytes = new Uint8Array([...m.subarray(0, at), ...Array.from({ length: 1 + pick(16) }, () => pick(256)), ...m.subarray(at)]);
    } else {
      const at = 14 + pick(m.length - 14);
      bytes = new Uint8Array([...m.subarray(0, at), ...m.subarray(Math.min(m.length, at + 1 + pick(32)))]);
    }
    try {
      const doc = parseMidi(bytes, `${src.name}#mutant${tries}`);
      if (doc.notes.length > 0) out.push({ label: doc.source, doc });
    } catch {
      // Refused by the reader: not "readable", so not an input the normalizer ever sees.
    }
  }
  return out;
}

/** Sorted pitch list (the pitch multiset). */
export function pitchMultiset(notes: readonly Note[]): number[] {
  return notes.map((n) => n.pitch).sort((a, b) => a - b);
}
