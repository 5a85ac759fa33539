// `rubato tune --spec <file> [--batches 4,8,16,32] [--steps N] [--write]`: the native worker's batch tuner,
// which times micro-batch x grad checkpointing settings and picks the fastest under a memory cap.
// Validation of the numbers is the worker's (one place); here only what needs no Python.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { runNative } from '../python/runNative';
import { CliError, EXIT } from './errors';

export async function runTune(args: { spec: string; batches?: string; steps?: string; write?: boolean; python?: string }): Promise<number> {
  const spec = path.resolve(args.spec);
  if (!existsSync(spec)) throw new CliError(`tune: run spec ${args.spec} not found`, EXIT.input);
  const rest = [
    '--spec',
    spec,
    ...(args.batches !== undefined ? ['--batches', args.batches] : []),
    ...(args.steps !== undefined ? ['--steps', args.steps] : []),
    ...(args.write ? ['--write'] : []),
  ];
  try {
    return await runNative(['tune', ...rest], args.python ? { python: args.python } : {});
  } catch (err) {
    throw new CliError(`tune: ${(err as Error).message}`, EXIT.usage);
  }
}
