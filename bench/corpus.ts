// Corpus section of `npm run bench`: parsing, alignment and features, the dataset cache, training
// throughput, and humanizing with the bundled model against PyTorch eager (bench/model.ts).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Midi } from '@tonejs/midi';
import { alignPerformance } from '../server/align/align';
import { corpusExtractor, datasetItems } from '../server/corpus/datasetItems';
import { openCorpus } from '../server/corpus/load';
import { RECORD_COLUMNS, RECORD_VERSION } from '../server/corpus/records';
import { buildDataset } from '../server/dataset/build';
import { analyzeScore } from '../server/features/scoreFeatures';
import { extractExpression, performedNotes } from '../server/features/targets';
import { parseMidi } from '../server/midi/read';
import { benchModel, benchTraining } from './model';

import { arg } from './args';

function time<T>(f: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = f();
  return [r, Number(process.hrtime.bigint() - t) / 1e9];
}

export async function benchCorpus(): Promise<void> {
  const dataDir = path.resolve(arg('data', path.resolve(__dirname, '../../shared/data/asap')));
  const limit = Number(arg('limit', 'Infinity'));
  const listing = openCorpus(dataDir);
  const folders = listing.folders.slice(0, limit);
  if (folders.length === 0) {
    console.log(`bench corpus: skipped, no ASAP-layout corpus at ${dataDir} (pass --data DIR)`);
    return;
  }
  const perfCount = folders.reduce((s, f) => s + f.performances.length, 0);
  console.log(`bench: ${folders.length} scores, ${perfCount} performances from ${dataDir}`);
  console.log(`       node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}\n`);

  // 1. Parse throughput, bytes already in memory, every file, twice (the second pass is timed).
  const files = folders.flatMap((f) => [f.scorePath, ...f.performances.map((p) => p.midiPath)]);
  const bytes = files.map((f) => readFileSync(f));
  let notes = 0;
  let ours = 0;
  for (let rep = 0; rep < 2; rep++) {
    bytes.forEach((b, i) => {
      const [doc, t] = time(() => parseMidi(b, files[i]!));
      if (rep === 1) {
        notes += doc.notes.length;
        ours += t;
      }
    });
  }
  console.log(`parse            ${files.length} files, ${notes} notes`);
  console.log(`  rubato reader  ${(notes / ours).toFixed(0).padStart(10)} notes/s  (${ours.toFixed(2)} s)`);
  // Side by side with bare @tonejs/midi, interleaved per file, on the score files only: its
  // sorted-insert note lists make long performances quadratic (minutes for the whole corpus).
  let scoreNotes = 0;
  let oursScores = 0;
  let bare = 0;
  folders.forEach((f) => {
    const b = readFileSync(f.scorePath);
    const [doc, t1] = time(() => parseMidi(b, f.scorePath));
    const [, t2] = time(() => new Midi(b));
    scoreNotes += doc.notes.length;
    oursScores += t1;
    bare += t2;
  });
  console.log(`  on the ${folders.length} score files (${scoreNotes} notes): rubato ${(scoreNotes / oursScores).toFixed(0)} notes/s, @tonejs/midi ${(scoreNotes / bare).toFixed(0)} notes/s`);
  console.log(`  ratio rubato / @tonejs/midi parse time: ${(oursScores / bare).toFixed(2)}\n`);

  // 2. Alignment + features vs raw parse of the same files.
  let parseT = 0;
  let alignT = 0;
  let featT = 0;
  for (const f of folders) {
    const [score, ts] = time(() => parseMidi(readFileSync(f.scorePath), f.scorePath));
    parseT += ts;
    const [analysis, ta] = time(() => analyzeScore(score));
    featT += ta;
    for (const p of f.performances) {
      const [doc, tp] = time(() => parseMidi(readFileSync(p.midiPath), p.midiPath));
      parseT += tp;
      let al;
      try {
        [al] = [time(() => alignPerformance(f, p, score, doc))].map(([a, t]) => ((alignT += t), a));
      } catch {
        continue;
      }
      const [, tf] = time(() => extractExpression(analysis, performedNotes(doc), al!.pairs, doc.sustain));
      featT += tf;
    }
  }
  console.log(`alignment + features`);
  console.log(`  parse ${parseT.toFixed(2)} s, alignment ${alignT.toFixed(2)} s, features ${featT.toFixed(2)} s`);
  console.log(`  ratio (alignment + features) / parse: ${((alignT + featT) / parseT).toFixed(2)}\n`);

  // 3. Dataset build, cold then warm (nothing changed), into a scratch folder.
  const out = mkdtempSync(path.join(os.tmpdir(), 'rubato-bench-'));
  try {
    const sub = { ...listing, folders };
    const run = async (): Promise<{ built: number; reused: number; seconds: number }> => {
      const { items, entries } = datasetItems(sub);
      const t = process.hrtime.bigint();
      const r = await buildDataset({ outDir: out, items, extract: corpusExtractor(dataDir, entries), extractorVersion: RECORD_VERSION, featureNames: RECORD_COLUMNS });
      return { built: r.built, reused: r.reused, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
    };
    const cold = await run();
    const warm = await run();
    console.log(`dataset build`);
    console.log(`  cold ${cold.seconds.toFixed(2)} s (${cold.built} built), warm ${warm.seconds.toFixed(2)} s (${warm.reused} reused)`);
    console.log(`  ratio warm / cold: ${(warm.seconds / cold.seconds).toFixed(3)}\n`);
    benchTraining(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log('');
  await benchModel(folders);
}
