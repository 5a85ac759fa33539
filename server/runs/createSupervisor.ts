// The supervisor as the server and the CLI use it: the default state folder, the real trainer (Python
// found only when a trainer run is planned), every spec kind, and the metrics decoders.

import { METRICS_PARSERS } from './metricsParsers';
import { defaultStateDir } from './paths';
import { planFromSpec } from './specPlan';
import { RunSupervisor, type SupervisorOptions } from './supervisor';
import { realTrainerCommand, type TrainerCommandFactory } from './trainerPlan';

export interface CreateSupervisorOptions extends Partial<Omit<SupervisorOptions, 'planFromSpec'>> {
  /** Interpreter that imports torch (the setting rubato.pythonPath or --python). */
  python?: string;
  /** Replaces the real trainer command (tests). */
  trainerCommand?: TrainerCommandFactory;
}

export function createSupervisor(o: CreateSupervisorOptions = {}): RunSupervisor {
  const { python, trainerCommand, ...rest } = o;
  const trainer = trainerCommand ?? realTrainerCommand(python);
  return new RunSupervisor({ parsers: METRICS_PARSERS, ...rest, stateDir: rest.stateDir ?? defaultStateDir(), planFromSpec: (p) => planFromSpec(p, trainer) });
}
