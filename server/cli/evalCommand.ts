// `rubato eval --data <dir>`: humanize every score and score it against every human performance.

import { existsSync, statSync } from 'node:fs';
import { createProgressBar } from '../dataset/progress';
import { evaluateCorpus, type EvalReport } from '../corpus/evaluate';
import type { SplitChoice } from '../corpus/load';
import { CliError, EXIT } from './errors';
import { parseMethod, parseSeed, parseStrength, resolveModel, styleFor } from './humanizeCommand';
import { ModelFileError } from '../inference/onnxMetadata';
import { runNormalizerEval } from './normalizeEvalCommand';

export interface EvalArgs {
  data: string;
  method: string;
  style?: string;
  seed: string;
  split: string;
  windows: string;
  expressionWindow: string;
  json?: boolean;
  model?: string;
  strength?: string;
  flattenVelocity?: boolean;
  normalizer?: boolean;
  versions?: string;
}

export async function runEval(args: EvalArgs, log: (line: string) => void): Promise<number> {
  if (args.normalizer) return runNormalizerEval(args, log);
  const method = parseMethod(args.method);
  const modelPath = method === 'model' ? resolveModel(args.model) : undefined;
  const strength = parseStrength(args.strength ?? '1');
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) {
    throw new CliError(`eval: --data ${args.data} is not a folder`, EXIT.input);
  }
  const split = parseSplit(args.split);
  const windows = parseWindows(args.windows);
  const expressionWindow = parseWindows(args.expressionWindow)[0]!;
  const style = await styleFor(args.style, modelPath);
  const bar = createProgressBar({ label: `eval ${method}`, stream: process.stderr });
  let report;
  try {
    report = await evaluateCorpus({
      dataDir: args.data,
      method,
      ...(modelPath ? { modelPath, strength } : {}),
      flattenVelocity: !!args.flattenVelocity,
      style,
      seed: parseSeed(args.seed),
      split,
      windows,
      expressionWindow,
      onProgress: (d, t) => bar.update(d, t),
    });
  } catch (err) {
    bar.finish();
    if (err instanceof ModelFileError) throw new CliError(err.message, EXIT.input);
    throw err;
  }
  bar.finish();
  for (const e of report.errors) process.stderr.write(`rubato: eval: ${e.file}: ${e.reason}\n`);
  if (args.json) log(JSON.stringify(report, null, 2));
  else printTable(report, log);
  return report.performances.length > 0 ? EXIT.ok : EXIT.nothingDone;
}

function printTable(r: EvalReport, log: (line: string) => void): void {
  const f = (x: number | null | undefined): string => (x === null || x === undefined ? '   –  ' : x.toFixed(3).padStart(6));
  log(`method ${r.method}${r.model ? ` (${r.model})` : ''}${r.flatten_velocity ? ', flattened input velocities' : ''}, ${r.aggregate.performances} performances (${r.split}), ${r.errors.length} errors`);
  log(`${'performance'.padEnd(56)} ${r.windows.map((w) => `vel@${w}`.padStart(6)).join(' ')} ${r.windows.map((w) => `rub@${w}`.padStart(6)).join(' ')}  score  checks`);
  for (const p of r.performances) {
    log(
      `${p.performance.slice(-56).padEnd(56)} ${r.windows.map((w) => f(p.velocity_r[String(w)])).join(' ')} ${r.windows.map((w) => f(p.rubato_r[String(w)])).join(' ')} ${f(p.expression_score)}  ${p.checks.passed ? 'ok' : p.checks.failures.map((x) => x.check).join(',')}`,
    );
  }
  log('');
  log(`${'piece (mean over its performances)'.padEnd(52)} perf ${r.windows.map((w) => `vel@${w}`.padStart(6)).join(' ')} ${r.windows.map((w) => `rub@${w}`.padStart(6)).join(' ')}  score`);
  for (const p of r.pieces) {
    log(`${p.score.replace(/\/midi_score\.mid$/, '').slice(-52).padEnd(52)} ${String(p.performances).padStart(4)} ${r.windows.map((w) => f(p.velocity_r[String(w)])).join(' ')} ${r.windows.map((w) => f(p.rubato_r[String(w)])).join(' ')} ${f(p.expression_score)}`);
  }
  const a = r.aggregate;
  log('');
  log(`velocity r  ${r.windows.map((w) => `w=${w}: ${f(a.velocity_r[String(w)])}`).join('  ')}`);
  log(`rubato r    ${r.windows.map((w) => `w=${w}: ${f(a.rubato_r[String(w)])}`).join('  ')}`);
  log(`expression score (w=${r.expression_window}): ${f(a.expression_score)}`);
  for (const k of ['velocity', 'ioi', 'duration', 'pedal', 'overall'] as const) {
    log(`${k.padEnd(9)} JS ${f(a.js[k])}  intersection ${f(a.intersection[k])}`);
  }
  log(`sanity checks failed: ${a.checks_failed}`);
}

export function parseSplit(text: string): SplitChoice {
  if (text === 'all' || text === 'train' || text === 'val' || text === 'test') return text;
  throw new CliError(`--split must be all, train, val or test, got "${text}"`, EXIT.usage);
}

export function parseWindows(text: string): number[] {
  const ws = text.split(',').map((s) => Number(s.trim()));
  if (!ws.length || ws.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new CliError(`windows must be positive integers separated by commas, got "${text}"`, EXIT.usage);
  }
  return ws;
}
