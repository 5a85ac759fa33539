// `rubato dataset build --data <dir> --out <cache>`: the training cache for the trainer.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildDataset, buildExitCode } from '../dataset/build';
import { createProgressBar } from '../dataset/progress';
import { corpusExtractor, datasetItems } from '../corpus/datasetItems';
import { openCorpus, relativeTo } from '../corpus/load';
import { RECORD_COLUMNS, RECORD_VERSION } from '../corpus/records';
import { CliError, EXIT } from './errors';

export async function runDatasetBuild(args: { data: string; out: string }, log: (line: string) => void): Promise<number> {
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) {
    throw new CliError(`dataset build: --data ${args.data} is not a folder`, EXIT.input);
  }
  const listing = openCorpus(args.data);
  for (const e of listing.errors) process.stderr.write(`rubato: dataset build: ${e}\n`);
  const { items, entries } = datasetItems(listing);
  if (items.length === 0) throw new CliError(`dataset build: no performances found under ${args.data} (expected the ASAP layout)`, EXIT.nothingDone);
  const bar = createProgressBar({ label: 'dataset', stream: process.stderr });
  let report;
  try {
    report = await buildDataset({
      outDir: args.out,
      items,
      extract: corpusExtractor(args.data, entries),
      extractorVersion: RECORD_VERSION,
      featureNames: RECORD_COLUMNS,
      onProgress: (d, t, _i, cached) => bar.update(d, t, _i, cached),
    });
  } catch (err) {
    bar.finish();
    throw new CliError(`dataset build: ${(err as Error).message}`, EXIT.output);
  }
  bar.finish();
  log(`${path.resolve(report.manifestPath)}: ${report.built} built, ${report.reused} reused, ${report.failed.length} failed in ${report.seconds.toFixed(1)} s`);
  if (report.failed.length) {
    log('could not be built:');
    for (const f of report.failed) log(`  ${f.id}: ${f.reason.split(path.resolve(args.data) + path.sep).join('')} [${f.files.map((x) => relativeTo(args.data, x)).join(', ')}]`);
  }
  return buildExitCode(report) === 0 ? EXIT.ok : EXIT.nothingDone;
}
