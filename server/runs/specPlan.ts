// Any run spec → its launch plan: an [external] spec runs someone else's command (server/runspec/externalRun.ts
// reads it), every other spec is a PerformanceNet training spec (trainerPlan.ts).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isExternalSpecText, readExternalRun } from '../runspec/externalRun';
import { specName, type LaunchPlan } from './plan';
import { SpecRefused, trainerPlan, type TrainerCommandFactory } from './trainerPlan';

export function planFromSpec(specPathIn: string, trainer: TrainerCommandFactory): LaunchPlan {
  const specPath = path.resolve(specPathIn);
  let text: string;
  try {
    text = readFileSync(specPath, 'utf8');
  } catch (e) {
    throw new SpecRefused(`${specPath}: cannot read the run spec: ${(e as Error).message}`);
  }
  if (!isExternalSpecText(text)) return trainerPlan(specPath, trainer);
  const x = readExternalRun(specPath, text);
  if ('errors' in x) throw new SpecRefused(x.errors.join('\n'));
  return {
    kind: 'external',
    name: specName(specPath),
    specPath,
    runDir: x.runDir,
    command: x.command,
    cwd: x.cwd,
    env: x.env,
    resumeArgs: [],
    // Which GPU a script picks is its own business; the spec only says whether it needs the GPU slot.
    device: x.gpu ? 'unknown' : 'cpu',
    usesGpu: x.gpu,
    totalSteps: x.totalSteps,
    metricsSource: x.metrics,
  };
}
