// Runs `python -m rubato_native <args>` in the foreground with the discovered interpreter,
// forwarding SIGINT/SIGTERM (the worker checkpoints and exits on them).

import { spawn } from 'node:child_process';
import { findPython, nativeEnv } from './discover';
import { findNativeRoot } from './nativeRoot';

export async function runNative(args: string[], opts: { python?: string } = {}): Promise<number> {
  const python = findPython(opts.python);
  const child = spawn(python.executable, ['-m', 'rubato_native', ...args], { stdio: 'inherit', env: nativeEnv(findNativeRoot()) });
  const forward = (sig: NodeJS.Signals): void => void child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', (err) => reject(new Error(`cannot start ${python.executable}: ${err.message}`)));
      child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 143)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
