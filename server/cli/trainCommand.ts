// `rubato train --spec <file> [--resume]`: runs the PyTorch trainer (native/) in the foreground.
// Interrupting the CLI interrupts the trainer, which writes a checkpoint before it exits.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findNativeRoot } from '../python/nativeRoot';
import { findPython, nativeEnv } from '../python/discover';
import { CliError, EXIT } from './errors';

export async function runTrain(args: { spec: string; resume?: boolean; python?: string }): Promise<number> {
  const spec = path.resolve(args.spec);
  if (!existsSync(spec)) throw new CliError(`train: run spec ${args.spec} not found`, EXIT.input);
  let python;
  try {
    python = findPython(args.python);
  } catch (err) {
    throw new CliError(`train: ${(err as Error).message}`, EXIT.usage);
  }
  const root = findNativeRoot();
  const child = spawn(python.executable, ['-m', 'rubato_native', 'train', '--spec', spec, ...(args.resume ? ['--resume'] : [])], {
    stdio: 'inherit',
    env: nativeEnv(root),
  });
  // The trainer handles SIGINT/SIGTERM itself (checkpoint, then exit); pass them on, once.
  const forward = (sig: NodeJS.Signals): void => void child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', (err) => reject(new CliError(`train: cannot start ${python.executable}: ${err.message}`, EXIT.internal)));
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : EXIT.internal)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
