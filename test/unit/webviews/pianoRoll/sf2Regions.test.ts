// Preset regions of the shipped piano: generators resolved as the spec says (instrument global +
// local, preset offsets added, ranges intersected), one region per key and velocity, pitch and
// envelope numbers from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSf2 } from '../../../../webviews/pianoRoll/sf2Parse';
import { envelopeTimes, playbackRate, presetRegions, regionsFor } from '../../../../webviews/pianoRoll/sf2Regions';
import { envelopeEvents } from '../../../../webviews/pianoRoll/sf2Envelope';

const file = parseSf2(new Uint8Array(readFileSync(path.resolve(__dirname, '../../../../media/soundfont/piano.sf2'))), 'piano.sf2');
const regions = presetRegions(file, 0, 0, 'piano.sf2');
const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('every piano key at every velocity plays exactly one region, its sample inside the PCM', () => {
  assert.equal(regions.length, 9 * 20, 'nine velocity layers × twenty key ranges');
  for (let key = 21; key <= 108; key++)
    for (let vel = 1; vel <= 127; vel++) {
      const rs = regionsFor(regions, key, vel);
      assert.equal(rs.length, 1, `key ${key} velocity ${vel}: ${rs.length} regions`);
      const r = rs[0]!;
      assert.ok(r.start >= 0 && r.end <= file.pcm.length && r.loopStart < r.loopEnd && r.loopEnd <= r.end);
      assert.equal(r.loopMode, 1);
    }
  assert.deepEqual(regionsFor(regions, 109, 64), [], 'above the top key range nothing plays');
  assert.throws(() => presetRegions(file, 1, 0, 'piano.sf2'), /piano.sf2: has no preset 1 in bank 0/);
});

test('pitch: overridingRootKey is the root, coarse/fine tune and pitch correction add cents', () => {
  const r = regionsFor(regions, 60, 100)[0]!;
  assert.equal(r.rootKey, 62, 'the 59–62 zone is rooted at 62 (overridingRootKey), not the sample header\'s 60');
  assert.equal(r.tuneCents, 0);
  assert.ok(close(playbackRate(r, 60), 2 ** (-2 / 12)));
  assert.ok(close(playbackRate(r, 62), 1));
  assert.ok(close(playbackRate({ ...r, tuneCents: 50 }, 62), 2 ** (50 / 1200)), 'positive fine tune raises the pitch');
  assert.ok(close(playbackRate({ ...r, scaleTuning: 0 }, 70), 1), 'scaleTuning 0: every key at the root pitch');
  // The lowest range is rooted at its top (26) and plays A0 (21) five semitones down.
  assert.ok(close(playbackRate(regionsFor(regions, 21, 64)[0]!, 21), 2 ** (-5 / 12)));
});

test('generators: the instrument global zone fills in, preset zones add their offsets', () => {
  const loud = regionsFor(regions, 60, 127)[0]!;
  const soft = regionsFor(regions, 60, 40)[0]!;
  // Instrument global: attackVolEnv −8359 tc; preset global: initialAttenuation 140 cB.
  assert.ok(close(loud.attackSec, 2 ** (-8359 / 1200)));
  assert.equal(loud.attenuationCb, 140);
  // releaseVolEnv 0 tc (1 s) in the instrument, +316 tc for 121–127 and −1586 tc for 0–64 in the preset.
  assert.ok(close(loud.releaseSec, 2 ** (316 / 1200)));
  assert.ok(close(soft.releaseSec, 2 ** (-1586 / 1200)));
  // The 59–62 zone's own hold and decay; the sustain comes from the instrument global zone (1000 cB).
  assert.ok(close(loud.holdSec, 2 ** (-884 / 1200)));
  assert.ok(close(loud.decaySec, 2 ** (5830 / 1200)));
  assert.equal(loud.sustainCb, 1000);
  // initialFilterFc 12623 with modEnvToFilterFc −1000 at full mod-envelope sustain: ≈ 6.7 kHz.
  assert.equal(loud.filterFcCents, 11623);
  assert.deepEqual(envelopeTimes(loud, 60), { holdSec: loud.holdSec, decaySec: loud.decaySec });
});

test('envelope: attack, hold and decay are cut at the release, which falls from the level reached', () => {
  const r = regionsFor(regions, 60, 100)[0]!;
  const peak = 0.5;
  const during = (events: ReturnType<typeof envelopeEvents>['events']): void => {
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.atSec >= events[i - 1]!.atSec, 'events in time order');
  };
  // Released during the hold (hold ≈ 0.6 s): the release starts from the peak.
  const short = envelopeEvents(r, 60, peak, 10, 10.3);
  during(short.events);
  const rel = short.events.at(-1)!;
  assert.equal(rel.kind, 'target');
  assert.equal(rel.atSec, 10.3);
  assert.deepEqual(short.events.at(-2), { kind: 'set', value: peak, atSec: 10.3 });
  assert.ok(close(short.endSec, 10.3 + r.releaseSec * (100 / 96)));
  // Released 4 s into a 2^(5830/1200) ≈ 29 s decay toward −100 dB: the level is that far down the dB line.
  const long = envelopeEvents(r, 60, peak, 0, 4.0 + r.attackSec + r.holdSec);
  during(long.events);
  const decayDb = 100 * (4.0 / (r.decaySec * (100 / 96)));
  const at = long.events.at(-2)!;
  assert.ok(close(at.value, peak * 10 ** (-decayDb / 20), 1e-6), `${at.value} vs ${peak * 10 ** (-decayDb / 20)}`);
  assert.equal(long.events.find((e) => e.kind === 'exp')?.atSec, at.atSec, 'the decay ramp ends where the release starts');
  // Released before it starts: silent, and the voice ends after the minimum release.
  const none = envelopeEvents({ ...r, delaySec: 1, releaseSec: 0 }, 60, peak, 0, 0.5);
  assert.equal(none.events.at(-2)!.value, 0);
  assert.ok(none.endSec < 0.52);
});
