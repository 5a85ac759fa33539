// `rubato align --data <dir>`: align every performance to its score and report the coverage.

import { existsSync, statSync } from 'node:fs';
import { alignmentCoverage, type PerformanceCoverage } from '../align/coverage';
import { openCorpus } from '../corpus/load';
import { CliError, EXIT } from './errors';

export function runAlign(args: { data: string; filter?: string; json?: boolean }, log: (line: string) => void): number {
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) throw new CliError(`align: --data ${args.data} is not a folder`, EXIT.input);
  const started = process.hrtime.bigint();
  const header = ['folder', 'performance', 'source', 'matched%', 'matched', 'deletions', 'insertions', 'unlinkedScore', 'unlinkedPerf'];
  if (!args.json) log(header.join('\t'));
  const report = alignmentCoverage(openCorpus(args.data), {
    ...(args.filter ? { filter: args.filter } : {}),
    onPerformance: (p) => {
      if (!args.json) log(row(p));
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const t = report.totals;
  for (const e of report.errors) process.stderr.write(`rubato: align: ${e}\n`);
  if (args.json) {
    log(JSON.stringify({ ...report, seconds }, null, 2));
  } else {
    log('');
    log(`performances: ${t.performances} (aligned ${t.aligned}: ${t.bySource.match} by match file, ${t.bySource.beats} by beats; failed ${t.failed})`);
    log(`score notes: ${t.scoreNotes}, performed notes: ${t.perfNotes}`);
    log(`matched: ${t.matched} (${t.matchedPct.toFixed(2)}% of score notes), deletions: ${t.deletions}, insertions: ${t.insertions}`);
    log(`match-file notes not found in the MIDI: score ${t.unlinkedScore}, performed ${t.unlinkedPerf}`);
    log(`time: ${seconds.toFixed(1)} s`);
  }
  return t.aligned > 0 ? EXIT.ok : EXIT.nothingDone;
}

function row(p: PerformanceCoverage): string {
  if (!p.stats || !p.source) return [p.folderId, p.name, 'FAILED', p.error ?? ''].join('\t');
  const s = p.stats;
  return [p.folderId, p.name, p.source, s.matchedPct.toFixed(1), s.matched, s.deletions, s.insertions, s.unlinkedScore, s.unlinkedPerf].join('\t');
}
