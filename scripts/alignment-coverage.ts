// Prints per-performance alignment coverage for an ASAP-layout corpus: `npx tsx scripts/alignment-coverage.ts <dataDir> [filter]`.

import { listCorpus } from '../server/asap/corpus';
import { alignmentCoverage, type PerformanceCoverage } from '../server/align/coverage';

function main(argv: readonly string[]): number {
  const [dataDir, filter] = argv;
  if (!dataDir) {
    console.error('usage: npx tsx scripts/alignment-coverage.ts <dataDir> [folder-id substring]');
    return 2;
  }
  const listing = listCorpus(dataDir);
  const started = process.hrtime.bigint();
  console.log(['folder', 'performance', 'source', 'matched%', 'matched', 'deletions', 'insertions', 'unlinkedScore', 'unlinkedPerf'].join('\t'));
  const report = alignmentCoverage(listing, { ...(filter ? { filter } : {}), onPerformance: (p) => console.log(row(p)) });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const t = report.totals;
  for (const e of report.errors) console.error(`error: ${e}`);
  console.log('');
  console.log(`performances: ${t.performances} (aligned ${t.aligned}: ${t.bySource.match} by match file, ${t.bySource.beats} by beats; failed ${t.failed})`);
  console.log(`score notes: ${t.scoreNotes}, performed notes: ${t.perfNotes}`);
  console.log(`matched: ${t.matched} (${t.matchedPct.toFixed(2)}% of score notes), deletions: ${t.deletions}, insertions: ${t.insertions}`);
  console.log(`match-file notes not found in the MIDI: score ${t.unlinkedScore}, performed ${t.unlinkedPerf}`);
  console.log(`time: ${seconds.toFixed(1)} s`);
  return t.failed > 0 || report.errors.length > 0 ? 1 : 0;
}

function row(p: PerformanceCoverage): string {
  if (!p.stats || !p.source) return [p.folderId, p.name, 'FAILED', p.error ?? ''].join('\t');
  const s = p.stats;
  return [p.folderId, p.name, p.source, s.matchedPct.toFixed(1), s.matched, s.deletions, s.insertions, s.unlinkedScore, s.unlinkedPerf].join('\t');
}

process.exitCode = main(process.argv.slice(2));
