// The SF2 reader on the shipped piano (media/soundfont/piano.sf2): one preset, its zones and sample
// headers as scripts/make-piano-sf2.ts wrote them; the writer round-trips; bad bytes are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GEN, genAmount, genRange, parseSf2 } from '../../../../webviews/pianoRoll/sf2Parse';
import { cutPreset, writeSf2 } from '../../../../scripts/make-piano-sf2';

const FILE = path.resolve(__dirname, '../../../../media/soundfont/piano.sf2');
const bytes = new Uint8Array(readFileSync(FILE));

test('the shipped piano.sf2 holds preset 0 bank 0 with one instrument and mono 22,050 Hz samples', () => {
  const f = parseSf2(bytes, 'piano.sf2');
  assert.equal(f.presets.length, 1);
  const p = f.presets[0]!;
  assert.deepEqual([p.name, p.preset, p.bank], ['Yamaha Grand Piano', 0, 0]);
  // A global zone (attenuation, reverb) and nine velocity layers, all on instrument 0.
  assert.equal(p.zones.length, 10);
  assert.ok(!p.zones[0]!.gens.some((g) => g.oper === GEN.instrument), 'the first preset zone is global');
  for (const z of p.zones.slice(1)) assert.equal(z.gens.find((g) => g.oper === GEN.instrument)?.word, 0);
  const vel = p.zones.slice(1).map((z) => genRange(z.gens.find((g) => g.oper === GEN.velRange)!.word));
  assert.deepEqual(vel.map((v) => v[0]).sort((a, b) => a - b)[0], 0);
  assert.deepEqual(Math.max(...vel.map((v) => v[1])), 127);

  assert.equal(f.instruments.length, 1);
  const zones = f.instruments[0]!.zones;
  assert.equal(zones.length, 21, 'global zone + one zone per key range (left channel only)');
  const local = zones.filter((z) => z.gens.some((g) => g.oper === GEN.sampleID));
  assert.equal(local.length, 20);
  for (const z of local) assert.ok(!z.gens.some((g) => g.oper === GEN.pan), 'pan dropped with the right channel');
  // Key ranges tile 0..108 without gaps or overlaps.
  const keys = local.map((z) => genRange(z.gens.find((g) => g.oper === GEN.keyRange)!.word)).sort((a, b) => a[0] - b[0]);
  assert.equal(keys[0]![0], 0);
  assert.equal(keys.at(-1)![1], 108);
  for (let i = 1; i < keys.length; i++) assert.equal(keys[i]![0], keys[i - 1]![1] + 1);
  // The root key of each range sits at its top (FluidR3's overridingRootKey).
  for (const z of local) assert.equal(genAmount(z.gens.find((g) => g.oper === GEN.overridingRootKey)!.word), genRange(z.gens.find((g) => g.oper === GEN.keyRange)!.word)[1]);

  assert.equal(f.samples.length, 20);
  const used = new Set(local.map((z) => z.gens.find((g) => g.oper === GEN.sampleID)!.word));
  assert.equal(used.size, 20, 'every sample is played by exactly one zone');
  let prevEnd = 0;
  for (const s of f.samples) {
    assert.equal(s.sampleRate, 22050);
    assert.equal(s.sampleType, 1, `${s.name} is mono`);
    assert.ok(s.start >= prevEnd && s.start < s.startLoop && s.startLoop < s.endLoop && s.endLoop <= s.end, `${s.name}: ${s.start} ${s.startLoop} ${s.endLoop} ${s.end}`);
    // 46 zero points after each sample, as the spec asks.
    assert.ok(f.pcm.subarray(s.end, s.end + 46).every((x) => x === 0), `${s.name} is followed by zero padding`);
    assert.ok(f.pcm.subarray(s.start, s.end).some((x) => Math.abs(x) > 1000), `${s.name} has sound`);
    prevEnd = s.end + 46;
  }
  assert.equal(prevEnd, f.pcm.length);
  const info = new Map(f.info.map((c) => [c.id, new TextDecoder().decode(c.bytes)]));
  assert.equal(f.info[0]!.id, 'ifil');
  assert.deepEqual([...f.info[0]!.bytes], [2, 0, 1, 0]);
  assert.match(info.get('ICOP')!, /Frank Wen/);
  assert.match(info.get('ICMT')!, /MIT License/);
  assert.ok(bytes.length < 3_000_000, `${bytes.length} bytes`);
});

test('writeSf2 writes back what parseSf2 read, and cutting the only preset changes nothing', () => {
  const f = parseSf2(bytes, 'piano.sf2');
  const again = writeSf2(f);
  assert.equal(again.length, bytes.length);
  assert.deepEqual(parseSf2(again, 'rewritten'), f);
  const cut = cutPreset(f, 0, 0);
  assert.deepEqual(parseSf2(writeSf2(cut), 'cut'), f);
  assert.throws(() => cutPreset(f, 5, 0), /no preset 5 bank 0/);
});

test('bad SoundFont bytes are errors that name the file and the problem', () => {
  const check = (b: Uint8Array, re: RegExp): void => assert.throws(() => parseSf2(b, 'x.sf2'), (e: Error) => e.message.startsWith('x.sf2: ') && re.test(e.message));
  check(new Uint8Array(0), /not a SoundFont 2 file/);
  check(new TextEncoder().encode('RIFF\x04\x00\x00\x00WAVE'), /not a SoundFont 2 file/);
  check(bytes.slice(0, 2000), /says \d+ bytes but only \d+ are left/);
  // A sample header pointing past the PCM.
  const bad = bytes.slice();
  const dv = new DataView(bad.buffer);
  const shdrAt = findChunk(bad, 'shdr');
  dv.setUint32(shdrAt + 24, 0x7fffffff, true); // first sample's end
  check(bad, /sample 0 ".*" spans 0\.\.2147483647, outside/);
  // An instrument zone naming a sample that does not exist.
  const bad2 = bytes.slice();
  const igen = findChunk(bad2, 'igen');
  const dv2 = new DataView(bad2.buffer);
  for (let at = igen; ; at += 4) {
    if (dv2.getUint16(at, true) === GEN.sampleID) {
      dv2.setUint16(at + 2, 999, true);
      break;
    }
  }
  check(bad2, /refers to sample 999 of 20/);
  // A hydra table whose size is not a whole number of records.
  const bad3 = bytes.slice();
  const phdr = findChunk(bad3, 'phdr');
  new DataView(bad3.buffer).setUint32(phdr - 4, 75, true);
  check(bad3, /pdta\/phdr size 75 is not a multiple of 38/); // odd size pads to the same 76: the walk stays aligned
});

/** Offset of a chunk's data (first occurrence of its id). */
function findChunk(b: Uint8Array, id: string): number {
  const want = [...id].map((c) => c.charCodeAt(0));
  for (let i = 0; i + 8 < b.length; i++) if (want.every((c, k) => b[i + k] === c)) return i + 8;
  throw new Error(`no ${id}`);
}
