// `rubato eval --normalizer --data <asap> [--split val]`: the normalizer against no-op and snap-to-grid.

import { existsSync, statSync } from 'node:fs';
import { createProgressBar } from '../dataset/progress';
import { ModelFileError } from '../inference/onnxMetadata';
import { evaluateNormalizer, formatNormalizerTable } from '../normalize/evaluate';
import { CliError, EXIT } from './errors';
import { parseSplit } from './evalCommand';
import { bundledNormalizer } from './normalizeCommand';

export interface NormalizerEvalArgs {
  data: string;
  split: string;
  model?: string;
  versions?: string;
  json?: boolean;
}

export async function runNormalizerEval(args: NormalizerEvalArgs, log: (line: string) => void): Promise<number> {
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) throw new CliError(`eval: --data ${args.data} is not a folder`, EXIT.input);
  const split = parseSplit(args.split);
  const versions = Number(args.versions ?? '2');
  if (!Number.isInteger(versions) || versions < 1 || versions > 100) throw new CliError(`--versions must be an integer 1..100, got "${args.versions}"`, EXIT.usage);
  if (args.model && !existsSync(args.model)) throw new CliError(`model ${args.model} not found`, EXIT.input);
  const modelPath = args.model ?? bundledNormalizer();
  if (!modelPath) process.stderr.write('rubato: eval: no normalizer model installed; reporting the baselines and the oracle only\n');
  const bar = createProgressBar({ label: 'eval normalizer', stream: process.stderr });
  let report;
  try {
    report = await evaluateNormalizer({ dataDir: args.data, split, versions, ...(modelPath ? { modelPath } : {}), onProgress: (d, t) => bar.update(d, t) });
  } catch (err) {
    bar.finish();
    if (err instanceof ModelFileError) throw new CliError(err.message, EXIT.input);
    throw err;
  }
  bar.finish();
  for (const e of report.errors) process.stderr.write(`rubato: eval: ${e.file}: ${e.reason}\n`);
  if (args.json) log(JSON.stringify(report, null, 2));
  else for (const line of formatNormalizerTable(report)) log(line);
  return report.scores > 0 ? EXIT.ok : EXIT.nothingDone;
}
