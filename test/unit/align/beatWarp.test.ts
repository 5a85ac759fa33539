// Beat lists that do not correspond line for line are paired by pitch content (DTW) before aligning.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { listCorpus } from '../../../server/asap/corpus';
import { readAnnotationsFile } from '../../../server/asap/annotations';
import { alignFromBeats } from '../../../server/align/beatAligner';
import { alignPerformance } from '../../../server/align/align';
import { compareAlignments } from '../../../server/align/agreement';
import { readMidiFile } from '../../../server/midi/read';
import { asapDir } from './helpers';

test('warped beats agree with the match alignment where the beat counts differ (Chopin op. 10/1, LuM02M)', (t) => {
  if (!existsSync(asapDir)) {
    t.skip(`ASAP corpus not found at ${asapDir}`);
    return;
  }
  const folder = listCorpus(asapDir).folders.find((f) => f.id === 'Chopin/Etudes_op_10/1');
  const perf = folder?.performances.find((p) => p.name === 'LuM02M');
  if (!folder || !perf?.annotationsPath || !folder.scoreAnnotationsPath) {
    t.skip('Chopin/Etudes_op_10/1 LuM02M not in this copy of the corpus');
    return;
  }
  const score = readMidiFile(folder.scorePath);
  const doc = readMidiFile(perf.midiPath);
  const sb = readAnnotationsFile(folder.scoreAnnotationsPath);
  const pb = readAnnotationsFile(perf.annotationsPath);
  assert.notEqual(sb.length, pb.length, 'this performance is the case under test: 313 vs 312 beats');
  const warped = alignFromBeats(score, doc, sb, pb);
  assert.match(warped.warnings.join('\n'), /paired by pitch content/);
  const c = compareAlignments(alignPerformance(folder, perf, score, doc), warped);
  // Measured 92.1 % agreement and 98.8 % precision when written.
  assert.ok(c.agreementPct > 88 && c.precisionPct > 95, `agreement ${c.agreementPct}, precision ${c.precisionPct}`);
});

test('dropping beats from one list still aligns through the warp', (t) => {
  if (!existsSync(asapDir)) {
    t.skip(`ASAP corpus not found at ${asapDir}`);
    return;
  }
  const folder = listCorpus(asapDir).folders.find((f) => f.id === 'Chopin/Etudes_op_10/3');
  const perf = folder?.performances.find((p) => p.matchPath && p.annotationsPath);
  if (!folder || !perf?.annotationsPath || !folder.scoreAnnotationsPath) {
    t.skip('Chopin/Etudes_op_10/3 not in this copy of the corpus');
    return;
  }
  const score = readMidiFile(folder.scorePath);
  const doc = readMidiFile(perf.midiPath);
  const sb = readAnnotationsFile(folder.scoreAnnotationsPath);
  // Every 7th performance beat lost: the lists no longer correspond line for line.
  const pb = readAnnotationsFile(perf.annotationsPath).filter((_, i) => i % 7 !== 3);
  const warped = alignFromBeats(score, doc, sb, pb);
  const c = compareAlignments(alignPerformance(folder, perf, score, doc), warped);
  // Measured 84.7 % when written (92 % of beats survive; notes near a lost beat are interpolated).
  assert.ok(c.agreementPct > 80, `agreement ${c.agreementPct}`);
});
