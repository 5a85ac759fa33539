// `rubato normalize <in.mid> -o <out.mid> [--json]`: remove quantization noise with the anchored-edit normalizer.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { MidiWriteError } from '../midi/errors';
import { ModelFileError } from '../inference/onnxMetadata';
import { normalizeFile, NormalizeError, type NormalizeMethod } from '../normalize';
import { bundledModelPath } from '../models/bundled';
import { CliError, EXIT } from './errors';

export interface NormalizeArgs {
  input: string;
  output?: string;
  method?: string;
  model?: string;
  snap?: boolean;
  force?: boolean;
  json?: boolean;
}

/** `<dir>/<name>.normalized.mid` beside the input. */
export function defaultNormalizedPath(input: string): string {
  const ext = path.extname(input);
  return path.join(path.dirname(input), `${path.basename(input, ext)}.normalized${ext || '.mid'}`);
}

export function bundledNormalizer(): string | undefined {
  return bundledModelPath('normalizer');
}

export async function runNormalize(args: NormalizeArgs, log: (line: string) => void): Promise<void> {
  const method = parseNormalizeMethod(args.method ?? 'model');
  let modelPath: string | undefined;
  if (method === 'model') {
    if (args.model && !existsSync(args.model)) throw new CliError(`model ${args.model} not found`, EXIT.input);
    modelPath = args.model ?? bundledNormalizer();
    if (!modelPath) throw new CliError('normalize: no normalizer model is installed; pass --model <file.onnx> or use --method snap', EXIT.usage);
  }
  const output = args.output ?? defaultNormalizedPath(args.input);
  let result;
  try {
    result = await normalizeFile({ input: args.input, output, overwrite: !!args.force, method, ...(modelPath ? { modelPath } : {}), snap: args.snap !== false });
  } catch (err) {
    if (err instanceof NormalizeError) throw new CliError(err.message, err.kind === 'output' ? EXIT.output : err.kind === 'usage' ? EXIT.usage : EXIT.input);
    if (err instanceof ModelFileError) throw new CliError(err.message, EXIT.input);
    if (err instanceof MidiWriteError) throw new CliError(err.message, EXIT.output);
    throw err;
  }
  if (args.json) {
    log(JSON.stringify({ ...result, ...(modelPath ? { model: modelPath } : {}) }, null, 2));
    return;
  }
  for (const w of result.warnings) log(`warning: ${w}`);
  for (const e of result.edits) {
    log(`bar ${String(e.bar).padStart(4)}: ${e.kind.padEnd(8)} ${fmtBeats(e.amount_beats).padStart(5)} beat  (confidence ${e.confidence.toFixed(2)}, ${e.bar_start_sec.toFixed(2)}–${e.bar_end_sec.toFixed(2)} s)`);
  }
  log(`${output}: ${result.notes_out} notes (in: ${result.notes_in}), ${result.edits.length} edits in ${result.bars} bars (method ${method})`);
}

function fmtBeats(x: number): string {
  for (const d of [1, 2, 3, 4, 6, 8, 12]) {
    const n = Math.round(x * d);
    if (Math.abs(n / d - x) < 1e-9) return d === 1 ? String(n) : `${n}/${d}`;
  }
  return x.toFixed(3);
}

export function parseNormalizeMethod(text: string): NormalizeMethod {
  if (text === 'model' || text === 'snap') return text;
  throw new CliError(`unknown --method "${text}" for normalize (expected model or snap)`, EXIT.usage);
}
