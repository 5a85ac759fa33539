// A trainer run spec → the launch plan for `python -m rubato_native train --spec <abs spec>`.
// The spec is checked with the editor's own analysis first, so a bad spec is refused with every
// problem listed instead of becoming a run that fails in its first second.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeSpec } from '../runspec/analyze';
import { resolveSpecPath } from '../runspec/diagnostics';
import { findPython, nativeEnv } from '../python/discover';
import { findNativeRoot } from '../python/nativeRoot';
import { specName, type LaunchPlan } from './plan';

/** How the trainer is started; tests put a stand-in here. */
export interface TrainerCommand {
  command: string[];
  env: Record<string, string>;
  /** Whether CUDA is available to it (decides whether `device = "auto"` takes the GPU slot). */
  cudaAvailable: boolean;
}

export type TrainerCommandFactory = (specPath: string) => TrainerCommand;

/** The real trainer: the interpreter that imports torch (explicit, RUBATO_PYTHON, PATH) and native/ on PYTHONPATH. */
export function realTrainerCommand(python?: string): TrainerCommandFactory {
  return (specPath): TrainerCommand => {
    const found = findPython(python);
    const pythonPath = nativeEnv(findNativeRoot()).PYTHONPATH;
    return {
      command: [found.executable, '-m', 'rubato_native', 'train', '--spec', specPath],
      env: pythonPath ? { PYTHONPATH: pythonPath } : {},
      cudaAvailable: found.cudaAvailable,
    };
  };
}

export class SpecRefused extends Error {}

export function trainerPlan(specPathIn: string, factory: TrainerCommandFactory): LaunchPlan {
  const specPath = path.resolve(specPathIn);
  let text: string;
  try {
    text = readFileSync(specPath, 'utf8');
  } catch (e) {
    throw new SpecRefused(`${specPath}: cannot read the run spec: ${(e as Error).message}`);
  }
  const a = analyzeSpec(text);
  const errors = a.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    throw new SpecRefused(`${specPath}: the run spec has ${errors.length} error(s):\n${errors.map((p) => `  line ${p.range.start.line + 1}: ${p.message}`).join('\n')}`);
  }
  const runDir = resolveSpecPath(a.values.get('run.out') as string, specPath);
  const device = a.values.get('device.device') as string;
  const cmd = factory(specPath);
  return {
    kind: 'trainer',
    name: specName(specPath),
    specPath,
    runDir,
    command: cmd.command,
    cwd: path.dirname(specPath),
    env: cmd.env,
    resumeArgs: ['--resume'],
    device,
    usesGpu: device === 'cuda' || (device === 'auto' && cmd.cudaAvailable),
    totalSteps: a.values.get('schedule.max_steps') as number,
    metricsSource: null,
  };
}
