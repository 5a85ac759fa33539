// Bounded, seeded fuzzing of the reader: every mutant of a real file either parses to a document whose
// invariants hold or is refused with a MidiReadError. Anything else (TypeError, RangeError, a hang) fails.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MidiReadError } from '../../../server/midi/errors';
import type { MidiDoc } from '../../../server/midi/model';
import { parseMidi } from '../../../server/midi/read';
import { MAX_WARNINGS } from '../../../server/midi/scan';
import { docFromSeconds, writeMidi } from '../../../server/midi/write';
import { mulberry32 } from '../../../server/prng';

const repoRoot = path.resolve(__dirname, '../../..');
const asapDir = path.resolve(repoRoot, '../shared/data/asap');
const MUTANTS = 1500;
const SEED = 0x5eed1234;


/** Small real files (score and performance) when the corpus is present, else generated ones. */
function seedFiles(): { name: string; bytes: Uint8Array }[] {
  const real = ['Bach/Fugue/bwv_846/midi_score.mid', 'Bach/Fugue/bwv_846/Shi05M.mid', 'Bach/Prelude/bwv_846/midi_score.mid'];
  const found = real.map((f) => path.join(asapDir, f)).filter((p) => existsSync(p));
  if (found.length > 0) return found.map((p) => ({ name: path.relative(asapDir, p), bytes: new Uint8Array(readFileSync(p)) }));
  const rand = mulberry32(7);
  const notes = Array.from({ length: 300 }, (_, i) => ({ pitch: 40 + Math.floor(rand() * 48), velocity: 1 + Math.floor(rand() * 126), onsetSec: i * 0.1, offsetSec: i * 0.1 + rand() }));
  const sustain = Array.from({ length: 40 }, (_, i) => ({ sec: i * 0.7, value: Math.floor(rand() * 128) }));
  return [{ name: 'generated.mid', bytes: writeMidi(docFromSeconds({ notes, sustain })) }];
}

function chunkOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 8 <= bytes.length; i++) {
    if (bytes[i] === 0x4d && bytes[i + 1] === 0x54 && bytes[i + 2] === 0x72 && bytes[i + 3] === 0x6b) out.push(i);
  }
  return out;
}

type Mutator = (b: Uint8Array, rand: () => number) => Uint8Array;
const pick = (rand: () => number, n: number): number => Math.floor(rand() * n);

const mutators: Record<string, Mutator> = {
  flipBytes(b, rand) {
    const m = b.slice();
    const count = 1 + pick(rand, 8);
    for (let i = 0; i < count; i++) m[pick(rand, m.length)] = pick(rand, 256);
    return m;
  },
  flipHeader(b, rand) {
    const m = b.slice();
    m[8 + pick(rand, 6)] = pick(rand, 256);
    return m;
  },
  truncate(b, rand) {
    return b.slice(0, pick(rand, b.length));
  },
  insertRun(b, rand) {
    const at = pick(rand, b.length);
    const run = Uint8Array.from({ length: 1 + pick(rand, 32) }, () => pick(rand, 256));
    const m = new Uint8Array(b.length + run.length);
    m.set(b.subarray(0, at));
    m.set(run, at);
    m.set(b.subarray(at), at + run.length);
    return m;
  },
  deleteRun(b, rand) {
    const at = pick(rand, b.length);
    const end = Math.min(b.length, at + 1 + pick(rand, 64));
    const m = new Uint8Array(b.length - (end - at));
    m.set(b.subarray(0, at));
    m.set(b.subarray(end), at);
    return m;
  },
  chunkLength(b, rand) {
    const m = b.slice();
    const offsets = chunkOffsets(m);
    const at = offsets[pick(rand, offsets.length)];
    if (at === undefined) return m;
    const old = ((m[at + 4]! << 24) >>> 0) + (m[at + 5]! << 16) + (m[at + 6]! << 8) + m[at + 7]!;
    const choices = [0, 1, old - 1, old + 1, old - pick(rand, 100), old + pick(rand, 100), 0xffffffff, pick(rand, 2 ** 32)];
    const v = (choices[pick(rand, choices.length)]! >>> 0) % 2 ** 32;
    m.set([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff], at + 4);
    return m;
  },
  hugeVlq(b, rand) {
    const m = b.slice();
    const offsets = chunkOffsets(m);
    const at = offsets[pick(rand, offsets.length)];
    if (at === undefined) return m;
    // Overwrite bytes inside the track with a long or maximal VLQ.
    const vlqs = [[0xff, 0xff, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0x7f], [0x8f, 0xff, 0xff, 0x7f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]];
    const v = vlqs[pick(rand, vlqs.length)]!;
    const pos = Math.min(m.length - v.length, at + 8 + pick(rand, 200));
    if (pos > at) m.set(v, pos);
    return m;
  },
};

/** The invariants every document the reader returns must hold. */
function checkInvariants(doc: MidiDoc, label: string): void {
  const fail = (what: string): never => assert.fail(`${label}: ${what}`);
  const isInt = (x: number, lo: number, hi: number): boolean => Number.isInteger(x) && x >= lo && x <= hi;
  if (!isInt(doc.ppq, 1, 0x7fff)) fail(`ppq ${doc.ppq}`);
  let prev: { onsetTick: number; pitch: number } | undefined;
  for (const n of doc.notes) {
    if (!isInt(n.pitch, 0, 127) || !isInt(n.velocity, 1, 127) || !isInt(n.channel, 0, 15)) fail(`note values ${JSON.stringify(n)}`);
    if (!Number.isFinite(n.onsetSec) || !Number.isFinite(n.offsetSec) || n.onsetSec < 0) fail(`non-finite seconds ${JSON.stringify(n)}`);
    if (n.offsetSec < n.onsetSec || n.offsetTick < n.onsetTick) fail(`offset before onset ${JSON.stringify(n)}`);
    if (prev && (n.onsetTick < prev.onsetTick || (n.onsetTick === prev.onsetTick && n.pitch < prev.pitch))) fail('notes not sorted');
    prev = n;
  }
  for (let i = 0; i < doc.sustain.length; i++) {
    const p = doc.sustain[i]!;
    if (!isInt(p.value, 0, 127) || !Number.isFinite(p.sec)) fail(`pedal ${JSON.stringify(p)}`);
    if (i > 0 && p.tick < doc.sustain[i - 1]!.tick) fail('pedal not sorted');
  }
  for (const iv of doc.pedal) if (!(iv.endSec >= iv.startSec) || !Number.isFinite(iv.endSec)) fail(`pedal interval ${JSON.stringify(iv)}`);
  if (doc.tempos[0]?.tick !== 0) fail('tempo map does not start at tick 0');
  for (const t of doc.tempos) if (!isInt(t.usPerQuarter, 1, 0xffffff) || !Number.isFinite(t.sec)) fail(`tempo ${JSON.stringify(t)}`);
  if (doc.timeSignatures.length === 0) fail('no time signature');
  for (const k of doc.keySignatures) if (!isInt(k.sharps, -7, 7)) fail(`key ${JSON.stringify(k)}`);
  if (!Number.isFinite(doc.endTick)) fail('endTick');
  // Scanner warnings are capped, plus at most four pairing warnings.
  if (doc.warnings.length > MAX_WARNINGS + 1 + 4) fail(`${doc.warnings.length} warnings`);
}

test(`fuzz: ${MUTANTS} seeded mutants either parse with valid invariants or throw MidiReadError`, () => {
  const seeds = seedFiles();
  const rand = mulberry32(SEED);
  const names = Object.keys(mutators);
  const outcomes = { parsed: 0, refused: 0 };
  const refusedCodes = new Map<string, number>();
  for (let i = 0; i < MUTANTS; i++) {
    const seed = seeds[i % seeds.length]!;
    const name = names[pick(rand, names.length)]!;
    let bytes = mutators[name]!(seed.bytes, rand);
    // A quarter of the mutants get a second mutation, to reach deeper combinations.
    if (rand() < 0.25) bytes = mutators[names[pick(rand, names.length)]!]!(bytes, rand);
    const label = `mutant ${i} (${name} of ${seed.name})`;
    let doc: MidiDoc | undefined;
    try {
      doc = parseMidi(bytes, label);
    } catch (e) {
      if (!(e instanceof MidiReadError)) assert.fail(`${label}: threw ${e instanceof Error ? `${e.name}: ${e.stack}` : String(e)}`);
      assert.ok(e.message.startsWith(`${label}: `), e.message);
      assert.notEqual(e.code, 'internal', `${label}: ${e.message}`);
      outcomes.refused++;
      refusedCodes.set(e.code, (refusedCodes.get(e.code) ?? 0) + 1);
      continue;
    }
    checkInvariants(doc, label);
    outcomes.parsed++;
  }
  // Both outcomes must occur, or the mutators are not exercising the reader.
  assert.ok(outcomes.parsed > MUTANTS / 10 && outcomes.refused > MUTANTS / 10, JSON.stringify(outcomes));
  assert.ok(refusedCodes.size >= 4, JSON.stringify([...refusedCodes]));
});
