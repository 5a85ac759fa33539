// The beat-annotation fallback aligner: hand-made cases and agreement with match alignments on real pieces.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readAnnotationsFile, type BeatAnnotation } from '../../../server/asap/annotations';
import { readMatchFile } from '../../../server/asap/match';
import { compareAlignments } from '../../../server/align/agreement';
import { alignFromBeats, beatPositionFn } from '../../../server/align/beatAligner';
import { alignFromMatch } from '../../../server/align/link';
import { readMidiFile } from '../../../server/midi/read';
import { asapDir, midiDoc } from './helpers';

const beats = (times: number[]): BeatAnnotation[] => times.map((timeSec) => ({ timeSec, label: 'b' }));

test('beat positions interpolate between beats and extend the end segments', () => {
  const pos = beatPositionFn([1, 2, 2, 4]);
  assert.equal(pos(1), 0);
  assert.equal(pos(1.5), 0.5);
  assert.equal(pos(3), 2, 'beats 1 and 2 share 2 s, so the segment runs from beat 1 at 2 s to beat 3 at 4 s');
  assert.equal(pos(0), -1, 'before the first beat: the first segment rate');
  assert.equal(pos(5), 4, 'after the last beat: the last segment rate (2 beats in 2 s)');
});

test('pairs notes by pitch on the shared beat axis, leaving deletions and insertions', () => {
  // Score at 120 BPM, ppq 2: one tick = 0.25 s, beats every 0.5 s. The performance plays twice as
  // slowly, skips the E, adds a B, and plays the last C a little early.
  const score = midiDoc('s.mid', 2, [
    [60, 0, 2],
    [64, 2, 2],
    [67, 4, 2],
    [60, 6, 2],
  ]);
  const perf = midiDoc('p.mid', 2, [
    [60, 0, 4],
    [67, 8, 4],
    [71, 9, 2],
    [60, 11, 4],
  ]);
  const a = alignFromBeats(score, perf, beats([0, 0.5, 1, 1.5]), beats([0, 1, 2, 3]));
  assert.equal(a.source, 'beats');
  assert.deepEqual(
    a.pairs.map((p) => [p.scoreIndex, p.perfIndex]),
    [
      [0, 0],
      [2, 1],
      [3, 3],
    ],
  );
  assert.deepEqual(a.stats, { scoreNotes: 4, perfNotes: 4, matched: 3, deletions: 1, insertions: 1, unlinkedScore: 0, unlinkedPerf: 0, matchedPct: 75 });
});

test('beat lists that do not correspond are warped, with a warning naming both files; too few beats is an error', () => {
  const score = midiDoc('s.mid', 2, [[60, 0, 2]]);
  const perf = midiDoc('p.mid', 2, [[60, 0, 2]]);
  const a = alignFromBeats(score, perf, beats([0, 1, 2]), beats([0, 1]));
  assert.match(a.warnings.join('\n'), /s\.mid \(3 beats\) and p\.mid \(2 beats\) do not correspond line for line/);
  assert.throws(() => alignFromBeats(score, perf, beats([0]), beats([0])), /s\.mid and p\.mid have fewer than 2 corresponding beats/);
});

// Agreement with the (n)ASAP match alignment, measured when this test was written (see the report):
// ≥ 97% of the score notes the match links get the same performed note from the beat aligner.
const REAL: Array<[string, string, number]> = [
  ['Chopin/Etudes_op_10/1', 'Avdeeva02', 97],
  ['Beethoven/Piano_Sonatas/27-1', 'Fung01', 97],
  ['Schubert/Piano_Sonatas/664-2', 'Lin07', 97],
];

test('real pieces: the beat aligner agrees with the match alignment', (t) => {
  if (!existsSync(asapDir)) {
    t.skip(`ASAP corpus not found at ${asapDir}`);
    return;
  }
  for (const [folder, name, minPct] of REAL) {
    const dir = path.join(asapDir, folder);
    const score = readMidiFile(path.join(dir, 'midi_score.mid'));
    const perf = readMidiFile(path.join(dir, `${name}.mid`));
    const reference = alignFromMatch(score, perf, readMatchFile(path.join(dir, `${name}.match.gz`)));
    const byBeats = alignFromBeats(
      score,
      perf,
      readAnnotationsFile(path.join(dir, 'midi_score_annotations.txt')),
      readAnnotationsFile(path.join(dir, `${name}_annotations.txt`)),
    );
    const agreement = compareAlignments(reference, byBeats);
    assert.ok(agreement.agreementPct >= minPct, `${folder}/${name}: agreement ${agreement.agreementPct.toFixed(1)}% < ${minPct}%`);
    assert.ok(agreement.precisionPct >= 95, `${folder}/${name}: precision ${agreement.precisionPct.toFixed(1)}%`);
  }
});
