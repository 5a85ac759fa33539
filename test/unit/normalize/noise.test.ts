// The noise generator: deterministic from its seed, never changes the notes' pitches or count, and its
// oracle edits undo the drift exactly (noise → oracle edits → clean), on built-in and corpus scores.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { readMidiFile } from '../../../server/midi/read';
import { writeMidi } from '../../../server/midi/write';
import { decodeEdits, editGrid } from '../../../server/normalize/decode';
import { addNoise, DEFAULT_NOISE } from '../../../server/normalize/noise';
import { binDisplacement, displacementBin, editsFromDisplacements } from '../../../server/normalize/editSpace';
import { DEFAULT_SNAP } from '../../../server/normalize/snap';
import { mulberry32 } from '../../../server/prng';
import type { MidiDoc } from '../../../server/midi/model';
import { asapDir, hasAsap, pitchMultiset, randomScore, repoRoot } from './helpers';

const DRIFT_ONLY = { ...DEFAULT_NOISE, jitterSdBeats: 0, jitterMaxBeats: 0, scaledSectionProb: 0, durationProb: 0, driftProb: 0.2 };

function scores(): { name: string; doc: MidiDoc }[] {
  const out = ['prelude-c-major.mid', 'minuet-g-major.mid'].map((f) => ({ name: f, doc: readMidiFile(path.join(repoRoot, 'examples', f)) }));
  const rng = mulberry32(5);
  for (let k = 0; k < 10; k++) out.push({ name: `random#${k}`, doc: randomScore(rng, { bars: 30, ts: [{ tick: 0, numerator: 3 + (k % 3), denominator: 4 }] }) });
  if (hasAsap) {
    for (const id of ['Bach/Fugue/bwv_846', 'Chopin/Barcarolle', 'Ravel/Miroirs/4_Alborada_del_gracioso']) {
      out.push({ name: id, doc: readMidiFile(path.join(asapDir, id, 'midi_score.mid')) });
    }
  }
  return out;
}

test('same seed, same rough file; another seed, another one', () => {
  const clean = readMidiFile(path.join(repoRoot, 'examples/prelude-c-major.mid'));
  const a = addNoise(clean, 42);
  const b = addNoise(clean, 42);
  const c = addNoise(clean, 43);
  assert.deepEqual(Buffer.from(writeMidi(a.rough)), Buffer.from(writeMidi(b.rough)));
  assert.deepEqual([...a.labels], [...b.labels]);
  assert.notDeepEqual(Buffer.from(writeMidi(a.rough)), Buffer.from(writeMidi(c.rough)));
});

test('noise keeps every note and pitch, and labels every bar of the rough file once', () => {
  for (const { name, doc } of scores()) {
    const n = addNoise(doc, 7);
    assert.equal(n.rough.notes.length, doc.notes.length, name);
    assert.deepEqual(pitchMultiset(n.rough.notes), pitchMultiset(doc.notes), name);
    assert.deepEqual([...n.cleanIndex].sort((x, y) => x - y), doc.notes.map((_, i) => i), `${name}: cleanIndex is a permutation`);
    n.rough.notes.forEach((r, i) => assert.equal(r.pitch, doc.notes[n.cleanIndex[i]!]!.pitch, `${name}: note ${i}`));
    assert.equal(n.labels.length, editGrid(n.rough).startTick.length, name);
  }
});

test('round trip: drift noise, then the oracle edits, gives back every clean onset exactly', () => {
  let drifted = 0;
  for (const { name, doc } of scores()) {
    for (const seed of [1, 2, 3]) {
      const n = addNoise(doc, seed, DRIFT_ONLY);
      drifted += n.driftBars.length;
      const d = decodeEdits(n.rough, n.labels);
      const wrong = d.notesByInput.filter((o, i) => o.onsetTick !== doc.notes[n.cleanIndex[i]!]!.onsetTick).length;
      assert.equal(wrong, 0, `${name} seed ${seed}: ${wrong} onsets not restored`);
    }
  }
  assert.ok(drifted > 20, `only ${drifted} drifted bars: the test would not test anything`);
});

test('with all noise kinds, oracle edits + snap restore far more onsets than the rough file has right', () => {
  let exactRough = 0;
  let exactFixed = 0;
  let total = 0;
  for (const { doc } of scores()) {
    const n = addNoise(doc, 11);
    const d = decodeEdits(n.rough, n.labels, { snap: DEFAULT_SNAP });
    n.rough.notes.forEach((r, i) => {
      const c = doc.notes[n.cleanIndex[i]!]!;
      total++;
      if (r.onsetTick === c.onsetTick) exactRough++;
      if (d.notesByInput[i]!.onsetTick === c.onsetTick) exactFixed++;
    });
  }
  assert.ok(exactFixed > 0.6 * total && exactFixed > 5 * exactRough, `exact: rough ${exactRough}, fixed ${exactFixed} of ${total}`);
});

test('the displacements the model learns give back the oracle edits (through their 1/24-beat bins)', () => {
  let compared = 0;
  for (const { name, doc } of scores()) {
    for (const seed of [4, 5]) {
      const n = addNoise(doc, seed, DRIFT_ONLY);
      const binned = Float64Array.from(n.displacementBeats, (d) => binDisplacement(displacementBin(d)));
      assert.deepEqual([...editsFromDisplacements(binned)], [...n.labels], `${name} seed ${seed}`);
      compared += n.labels.length;
    }
  }
  assert.ok(compared > 500);
});
