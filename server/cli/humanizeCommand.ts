// `rubato humanize <in.mid> -o <out.mid>`: the main job, from the command line.

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { readMidiFile } from '../midi/read';
import { writeMidiFile } from '../midi/write';
import { DEFAULT_STYLE, parseStyle, type Style } from '../features/style';
import { modelStyleDefaults } from '../inference/modelStyle';
import { humanize, METHODS, type Humanized, type Method } from '../humanize';
import { humanizeWithModel } from '../inference/modelHumanizer';
import { ModelFileError } from '../inference/onnxMetadata';
import { bundledModelPath } from '../models/bundled';
import { PreviewError } from '../preview/humanizePreview';
import { normalizeInMemory, normalizerModelPath, type NormalizedScore } from '../preview/normalizeFirst';
import type { MidiDoc } from '../midi/model';
import { CliError, EXIT } from './errors';

export interface HumanizeArgs {
  input: string;
  output?: string;
  /** Default: 'model' when a bundled model is installed, else 'rules'. */
  method?: string;
  style?: string;
  seed: string;
  force?: boolean;
  json?: boolean;
  model?: string;
  strength?: string;
  pedalThreshold?: string;
  /** Normalize in memory first (the bundled normalizer); the input file is never changed. */
  normalize?: boolean;
}

/** `<dir>/<name>.humanized.mid` beside the input; the original is never the output. */
export function defaultOutputPath(input: string): string {
  const ext = path.extname(input);
  return path.join(path.dirname(input), `${path.basename(input, ext)}.humanized${ext || '.mid'}`);
}

export async function runHumanize(args: HumanizeArgs, log: (line: string) => void): Promise<void> {
  const method = parseMethod(args.method ?? (bundledModel() ? 'model' : 'rules'));
  const seed = parseSeed(args.seed);
  const strength = parseStrength(args.strength ?? '1');
  const modelPath = method === 'model' ? resolveModel(args.model) : undefined;
  const style = await styleFor(args.style, modelPath);
  const output = args.output ?? defaultOutputPath(args.input);
  if (existsSync(output) && sameFile(output, args.input)) {
    throw new CliError(`humanize: refusing to write the output over the input ${args.input}`, EXIT.output);
  }
  if (existsSync(output) && !args.force) {
    throw new CliError(`humanize: ${output} already exists (pass --force to replace it)`, EXIT.output);
  }
  const read = readMidiFile(args.input);
  if (read.notes.length === 0) throw new CliError(`${args.input}: the file has no notes to humanize`, EXIT.input);
  const normalized = args.normalize ? await normalizeFirst(read) : undefined;
  const score = normalized?.doc ?? read;
  let result: Humanized & { provider?: string };
  try {
    result = modelPath ? await humanizeWithModel(score, { modelPath, strength, style, pedalThreshold: parseFraction(args.pedalThreshold ?? '0.5', '--pedal-threshold') }) : humanize(score, { method: method as 'rules' | 'jitter', style, seed });
  } catch (err) {
    if (err instanceof ModelFileError) throw new CliError(err.message, EXIT.input);
    throw err;
  }
  writeMidiFile(output, result.performance, { overwrite: !!args.force });
  const summary = {
    input: args.input,
    output,
    method,
    seed,
    style,
    ...(modelPath ? { model: modelPath, strength, provider: result.provider } : {}),
    ...(normalized ? { normalize_edits: normalized.edits } : {}),
    notes: result.rendered.notes.length,
    duration_sec: Math.max(...result.rendered.notes.map((n) => n.offsetSec)),
    warnings: read.warnings.map((w) => w.message),
  };
  if (args.json) log(JSON.stringify(summary, null, 2));
  else {
    for (const w of summary.warnings) log(`warning: ${w}`);
    if (normalized) log(`normalized first: ${normalized.edits.length} timing edit${normalized.edits.length === 1 ? '' : 's'} (bars ${normalized.edits.map((e) => e.bar).join(', ') || 'none'})`);
    log(`${output}: ${summary.notes} notes, ${summary.duration_sec.toFixed(1)} s (method ${method}, seed ${seed})`);
  }
}

/** `--normalize`: the bundled normalizer in memory; a missing model is a usage error, a damaged file an input error. */
async function normalizeFirst(doc: MidiDoc): Promise<NormalizedScore> {
  const modelPath = normalizerModelPath();
  if (!modelPath) throw new CliError('humanize --normalize: no normalizer model is installed (models/normalizer.onnx); run without --normalize', EXIT.usage);
  try {
    return await normalizeInMemory(doc, modelPath);
  } catch (err) {
    if (err instanceof PreviewError || err instanceof ModelFileError) throw new CliError(`humanize --normalize: ${err.message}`, EXIT.input);
    throw err;
  }
}

/** The model for `--method model`: `--model`, else the bundled one; a clear error when there is none. */
export function resolveModel(given: string | undefined): string {
  if (given) {
    if (!existsSync(given)) throw new CliError(`model ${given} not found`, EXIT.input);
    return given;
  }
  const bundled = bundledModel();
  if (bundled) return bundled;
  throw new CliError(
    '--method model needs a model: this build bundles none yet; pass --model <file.onnx> (exported with `rubato export`) or use --method rules',
    EXIT.usage,
  );
}

/** `--style` on top of the model's own defaults (or the rules' defaults); bad keys are usage errors. */
export async function styleFor(text: string | undefined, modelPath: string | undefined): Promise<Style> {
  let base: Style = DEFAULT_STYLE;
  if (modelPath) {
    try {
      base = await modelStyleDefaults(modelPath);
    } catch (err) {
      if (err instanceof ModelFileError) throw new CliError(err.message, EXIT.input);
      throw err;
    }
  }
  try {
    return parseStyle(text ?? '', base);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
}

/** The bundled model's path when this installation has one. */
export function bundledModel(): string | undefined {
  return bundledModelPath('humanizer');
}

export function parseStrength(text: string): number {
  return parseFraction(text, '--strength');
}

export function parseFraction(text: string, option: string): number {
  const s = Number(text);
  if (!Number.isFinite(s) || s < 0 || s > 1) throw new CliError(`${option} must be a number from 0 to 1, got "${text}"`, EXIT.usage);
  return s;
}

export function parseMethod(text: string): Method {
  if ((METHODS as readonly string[]).includes(text)) return text as Method;
  throw new CliError(`unknown --method "${text}" (expected one of: ${METHODS.join(', ')})`, EXIT.usage);
}

export function parseSeed(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new CliError(`--seed must be an integer 0..4294967295, got "${text}"`, EXIT.usage);
  }
  return n;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}
