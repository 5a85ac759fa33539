// Linking match files to score and performance MIDI: a hand-made case, the offset path, and a real piece.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseMatch, readMatchFile } from '../../../server/asap/match';
import { beatsToQuartersFn } from '../../../server/asap/matchTime';
import { alignFromMatch } from '../../../server/align/link';
import { groupOffsets } from '../../../server/align/scoreOffsets';
import { readMidiFile } from '../../../server/midi/read';
import { asapDir, midiDoc } from './helpers';

// A 3/4 piece with a one-beat pickup; the score MIDI starts the pickup at tick 0 (offset +1 quarter),
// plays the grace note on the beat and delays its principal by 60 ticks, and adds an ornament note.
const MATCH = `info(matchFileVersion,1.0.0).
info(midiClockUnits,480).
info(midiClockRate,500000).
scoreprop(timeSignature,3/4,0:3,0,-1.0000).
snote(n1-1,[G,n],4,0:3,0,1/4,-1.0000,0.0000,[v1,staff1])-note(n0,67,100,400,60,0,0).
snote(n2-1,[C,n],4,1:1,0,1/4,0.0000,1.0000,[v1,staff1])-note(n1,60,600,900,60,0,0).
snote(n3-1,[E,n],4,1:1,0,1/4,0.0000,1.0000,[v1,staff1])-deletion.
snote(n4-1,[D,n],4,1:2,0,1/4,1.0000,2.0000,[v1,staff1])-note(n2,62,1100,1400,60,0,0).
snote(n5-1,[F,n],4,1:3,0,1/4,2.0000,3.0000,[v1,staff1])-note(n3,65,1500,1900,60,0,0).
snote(n6-1,[A,n],4,2:1,0,0,3.0000,3.0000,[v1,staff1,grace])-note(n4,69,1950,1990,60,0,0).
snote(n7-1,[G,n],4,2:1,0,1/4,3.0000,4.0000,[v1,staff1])-note(n5,67,2000,2300,60,0,0).
insertion-note(n6,50,2200,2300,40,0,0).
insertion-note(n7,41,5000,5100,40,0,0).
`;

test('links a hand-made piece: pickup offset, deletion, delayed principal after a grace, extra notes', () => {
  const score = midiDoc('score.mid', 480, [
    [67, 0, 480],
    [60, 480, 480],
    [64, 480, 480],
    [62, 960, 480],
    [65, 1440, 480],
    [69, 1920, 60],
    [67, 1980, 420],
    [71, 2100, 60],
  ]);
  // At 120 BPM and 480 ppq a tick is 1/960 s, the match clock, so performance ticks are shared.
  const perf = midiDoc('perf.mid', 480, [
    [67, 100, 300],
    [60, 600, 300],
    [62, 1100, 300],
    [65, 1500, 400],
    [69, 1950, 40],
    [67, 2000, 300],
    [50, 2200, 100],
    [40, 2500, 100],
  ]);
  const a = alignFromMatch(score, perf, parseMatch(MATCH, 'hand.match'));
  assert.equal(a.source, 'match');
  assert.deepEqual(
    a.pairs.map((p) => [p.scoreIndex, p.perfIndex]),
    [
      [0, 0],
      [1, 1],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ],
  );
  assert.deepEqual(a.stats, {
    scoreNotes: 8,
    perfNotes: 8,
    matched: 6,
    deletions: 2,
    insertions: 2,
    unlinkedScore: 0,
    unlinkedPerf: 1,
    matchedPct: 75,
  });
  assert.deepEqual(a.warnings, ['hand.match: 1 of 8 performed notes not found in perf.mid']);
});

test('the offset path follows a jump in the match beats and ignores a repeating figure', () => {
  // Eight 4/4 bars of the same figure; bar 3 lacks a note in the MIDI; from bar 5 the match's
  // onsets are 100 quarters too late (as in real v5.0 files).
  const figure = [60, 62, 64, 65];
  const notes: Array<{ pitch: number; time: number }> = [];
  const midi: Array<{ pitch: number; time: number }> = [];
  const groups: Array<{ notes: number[] }> = [];
  for (let bar = 0; bar < 8; bar++) {
    const g: number[] = [];
    figure.forEach((pitch, beat) => {
      const t = bar * 4 + beat;
      g.push(notes.length);
      notes.push({ pitch, time: bar >= 4 ? t + 100 : t });
      if (!(bar === 2 && beat === 1)) midi.push({ pitch, time: t });
    });
    groups.push({ notes: g });
  }
  assert.deepEqual(groupOffsets(notes, groups, midi, 0, 0.1), [0, 0, 0, 0, -100, -100, -100, -100]);
});

const BACH = path.join(asapDir, 'Bach/Fugue/bwv_846');

test('real piece: Bach fugue BWV 846 (Shi05M) links nearly every note, pitch for pitch', (t) => {
  if (!existsSync(BACH)) {
    t.skip(`ASAP corpus not found at ${asapDir}`);
    return;
  }
  const score = readMidiFile(path.join(BACH, 'midi_score.mid'));
  const perf = readMidiFile(path.join(BACH, 'Shi05M.mid'));
  const match = readMatchFile(path.join(BACH, 'Shi05M.match.gz'));
  const a = alignFromMatch(score, perf, match);
  // Figures measured when this test was written: the match file holds 751 score notes, and 1 of
  // them (n446-1, G4 in bar 16) has no note in the score MIDI, which merges it into a tie.
  assert.equal(a.stats.scoreNotes, 762);
  assert.equal(a.stats.perfNotes, 754);
  assert.equal(a.stats.unlinkedPerf, 0);
  assert.equal(a.stats.unlinkedScore, 1);
  assert.equal(a.stats.matched, match.matches.length, "n446-1 is a deletion in the match too");
  assert.ok(a.stats.matchedPct > 96, `matched ${a.stats.matchedPct.toFixed(1)}%`);
  // Every pair joins equal pitches, one to one.
  const usedPerf = new Set<number>();
  for (const p of a.pairs) {
    assert.equal(score.notes[p.scoreIndex]!.pitch, perf.notes[p.perfIndex]!.pitch);
    assert.ok(!usedPerf.has(p.perfIndex));
    usedPerf.add(p.perfIndex);
  }
  assert.equal(new Set(a.pairs.map((p) => p.scoreIndex)).size, a.pairs.length);
  // Score notes land where the match puts them: the same quarter-note position up to one constant.
  const toQuarters = beatsToQuartersFn(match.timeSignatures);
  const scoreQuarter = new Map<number, number>();
  const perfOnset = new Map<number, number>();
  for (const m of match.matches) {
    const sn = match.scoreNotes[m.scoreIndex]!;
    const pn = match.perfNotes[m.perfIndex]!;
    const pair = a.pairs.find((p) => Math.abs(perf.notes[p.perfIndex]!.onsetSec - pn.onsetSec) < 0.005 && perf.notes[p.perfIndex]!.pitch === pn.pitch);
    if (!pair) continue;
    scoreQuarter.set(pair.scoreIndex, toQuarters(sn.onsetBeats));
    perfOnset.set(pair.perfIndex, pn.onsetSec);
  }
  const offsets = new Set([...scoreQuarter].map(([si, q]) => Math.round((score.notes[si]!.onsetTick / score.ppq - q) * 100) / 100));
  assert.deepEqual([...offsets], [0]);
});
