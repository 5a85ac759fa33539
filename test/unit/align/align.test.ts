// alignPerformance's choice of method and its errors, and the corpus coverage report.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { listCorpus, type PerformanceEntry, type ScoreFolder } from '../../../server/asap/corpus';
import { alignPerformance } from '../../../server/align/align';
import { alignmentCoverage } from '../../../server/align/coverage';
import { readMidiFile } from '../../../server/midi/read';
import { asapDir, midiDoc } from './helpers';

const score = midiDoc('score.mid', 2, [
  [60, 0, 2],
  [62, 2, 2],
]);
const perf = midiDoc('perf.mid', 2, [
  [60, 0, 2],
  [62, 4, 2],
]);

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'rubato-align-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('uses the match file when there is one, else the beat annotations', () => {
  withDir((dir) => {
    const folder: ScoreFolder = { id: 'X/Y', group: 'X/Y', scorePath: path.join(dir, 'midi_score.mid'), performances: [] };
    folder.scoreAnnotationsPath = path.join(dir, 'midi_score_annotations.txt');
    writeFileSync(folder.scoreAnnotationsPath, '0\t0\tdb\n0.5\t0.5\tb\n');
    const p: PerformanceEntry = { name: 'P', midiPath: path.join(dir, 'P.mid'), annotationsPath: path.join(dir, 'P_annotations.txt') };
    writeFileSync(p.annotationsPath!, '0\t0\tdb\n1.0\t1.0\tb\n');
    const byBeats = alignPerformance(folder, p, score, perf);
    assert.equal(byBeats.source, 'beats');
    assert.equal(byBeats.stats.matched, 2);

    p.matchPath = path.join(dir, 'P.match.gz');
    const match = [
      'info(matchFileVersion,1.0.0).',
      'info(midiClockUnits,480).',
      'info(midiClockRate,500000).',
      'scoreprop(timeSignature,4/4,1:1,0,0.0000).',
      'snote(n1-1,[C,n],4,1:1,0,1/4,0.0000,1.0000,[])-note(n0,60,0,480,64,0,0).',
      'snote(n2-1,[D,n],4,1:2,0,1/4,1.0000,2.0000,[])-deletion.',
      '',
    ].join('\n');
    writeFileSync(p.matchPath, gzipSync(Buffer.from(match)));
    const byMatch = alignPerformance(folder, p, score, perf);
    assert.equal(byMatch.source, 'match');
    assert.deepEqual(byMatch.pairs, [{ scoreIndex: 0, perfIndex: 0 }]);
  });
});

test('no match file and no usable annotations: a clear error naming the files', () => {
  withDir((dir) => {
    const folder: ScoreFolder = { id: 'X/Y', group: 'X/Y', scorePath: path.join(dir, 'midi_score.mid'), performances: [] };
    const p: PerformanceEntry = { name: 'P', midiPath: path.join(dir, 'P.mid') };
    assert.throws(() => alignPerformance(folder, p, score, perf), (e: Error) => e.message.startsWith(`${p.midiPath}: cannot align: no P.match.gz, and no P_annotations.txt`));
    p.annotationsPath = path.join(dir, 'P_annotations.txt');
    writeFileSync(p.annotationsPath, '0\t0\tdb\n');
    assert.throws(() => alignPerformance(folder, p, score, perf), /no score annotations .*midi_score_annotations\.txt/);
    folder.scoreAnnotationsPath = path.join(dir, 'midi_score_annotations.txt');
    writeFileSync(folder.scoreAnnotationsPath, '0\t0\tdb\n0.5\t0.5\tb\n');
    assert.throws(() => alignPerformance(folder, p, score, perf), /beat fallback failed for .*midi_score_annotations\.txt \/ .*P_annotations\.txt: .*fewer than 2 corresponding beats/);
    writeFileSync(p.annotationsPath, '0\t0\tdb\nx\t1\tb\n');
    assert.throws(() => alignPerformance(folder, p, score, perf), /P_annotations\.txt:2: time is not a number/);
  });
});

test('coverage collects per-performance failures and unreadable scores instead of throwing', () => {
  withDir((dir) => {
    mkdirSync(path.join(dir, 'A/B'), { recursive: true });
    writeFileSync(path.join(dir, 'A/B/midi_score.mid'), 'not a midi file');
    writeFileSync(path.join(dir, 'A/B/P.mid'), '');
    writeFileSync(path.join(dir, 'A/B/P_annotations.txt'), '0\t0\tdb\n');
    const report = alignmentCoverage(listCorpus(dir));
    assert.equal(report.performances.length, 1);
    assert.match(report.performances[0]!.error!, /score MIDI unreadable/);
    assert.equal(report.errors.length, 1);
    assert.ok(report.errors[0]!.startsWith(path.join(dir, 'A/B/midi_score.mid')));
    assert.equal(report.totals.failed, 1);
    assert.equal(report.totals.matchedPct, 0);
  });
});

test('real corpus: coverage of one folder, and the performances without match files are aligned through warped beats', (t) => {
  if (!existsSync(asapDir)) {
    t.skip(`ASAP corpus not found at ${asapDir}`);
    return;
  }
  const listing = listCorpus(asapDir);
  const report = alignmentCoverage(listing, { filter: 'Bach/Fugue/bwv_848' });
  assert.equal(report.performances.length, 9);
  assert.ok(report.performances.every((p) => p.source === 'match'));
  const t0 = report.totals;
  assert.equal(t0.matched, report.performances.reduce((n, p) => n + p.stats!.matched, 0));
  assert.ok(t0.matchedPct > 97, `matched ${t0.matchedPct.toFixed(2)}%`);
  // KaszoS10 (Beethoven 17-2) has no match file and 360 performance beats against 309 in the score.
  const folder = listing.folders.find((f) => f.id === 'Beethoven/Piano_Sonatas/17-2')!;
  const kaszo = folder.performances.find((p) => p.name === 'KaszoS10')!;
  assert.equal(kaszo.matchPath, undefined);
  const warped = alignPerformance(folder, kaszo, readMidiFile(folder.scorePath), readMidiFile(kaszo.midiPath));
  assert.equal(warped.source, 'beats');
  assert.match(warped.warnings.join('\n'), /\(309 beats\) and .*KaszoS10\.mid \(360 beats\) do not correspond line for line/);
  // 77.1 % of score notes matched when the DTW beat pairing was added.
  assert.ok(warped.stats.matchedPct > 70, `matched ${warped.stats.matchedPct.toFixed(1)}%`);
});
