// `rubato train --spec <file> [--resume]` and `rubato export <checkpoint> -o <model.onnx>`: the
// PyTorch worker in native/, run in the foreground. Interrupting the CLI interrupts the trainer,
// which writes a checkpoint before it exits.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { runNative } from '../python/runNative';
import { CliError, EXIT } from './errors';

export async function runTrain(args: { spec: string; resume?: boolean; python?: string }): Promise<number> {
  const spec = path.resolve(args.spec);
  if (!existsSync(spec)) throw new CliError(`train: run spec ${args.spec} not found`, EXIT.input);
  return native(['train', '--spec', spec, ...(args.resume ? ['--resume'] : [])], args.python, 'train');
}

export async function runExport(args: { checkpoint: string; output: string; goldens?: string; force?: boolean; python?: string }): Promise<number> {
  if (!existsSync(args.checkpoint)) throw new CliError(`export: checkpoint ${args.checkpoint} not found`, EXIT.input);
  const rest = [path.resolve(args.checkpoint), '-o', path.resolve(args.output), ...(args.goldens ? ['--goldens', path.resolve(args.goldens)] : []), ...(args.force ? ['--force'] : [])];
  return native(['export', ...rest], args.python, 'export');
}

async function native(args: string[], python: string | undefined, what: string): Promise<number> {
  try {
    return await runNative(args, python ? { python } : {});
  } catch (err) {
    throw new CliError(`${what}: ${(err as Error).message}`, EXIT.usage);
  }
}
