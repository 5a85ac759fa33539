// A run folder's checkpoints (layout of native/rubato_native/checkpoint.py): `checkpoints/step-NNNNNN/`
// folders whose config.json holds the step and the val metrics of that step, and the `best` pointer file.
// Only complete folders (config.json present) are listed; temp and stale leftovers are skipped.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckpointInfo } from '../protocol/runs';
import { RUN_FILES } from './paths';

const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function rByWindow(v: unknown): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) out[k] = numOrNull(x);
  return out;
}

function pointer(root: string, name: string): string | null {
  try {
    const target = readFileSync(path.join(root, name), 'utf8').trim();
    return target && !target.includes('/') && !target.startsWith('.') ? target : null;
  } catch {
    return null;
  }
}

export function listCheckpoints(runId: string, runDir: string): CheckpointInfo[] {
  const root = path.join(runDir, RUN_FILES.checkpoints);
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => /^step-\d+$/.test(n)).sort();
  } catch {
    return [];
  }
  const best = pointer(root, 'best');
  const out: CheckpointInfo[] = [];
  for (const name of names) {
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(readFileSync(path.join(root, name, 'config.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      continue; // being written, or not a checkpoint
    }
    const val = (typeof config.val === 'object' && config.val !== null ? config.val : {}) as Record<string, unknown>;
    out.push({
      runId,
      path: path.join(root, name),
      step: typeof config.step === 'number' ? config.step : Number(name.slice(5)),
      valLoss: numOrNull(val.val_loss),
      expressionScore: numOrNull(val.expression_score),
      velocityR: rByWindow(val.velocity_r),
      rubatoR: rByWindow(val.rubato_r),
      best: name === best,
    });
  }
  return out;
}

/** The trainer's status.json fields the supervisor uses; undefined when absent or unreadable. */
export interface TrainerStatus {
  state: string;
  step: number;
  totalSteps: number | null;
  bestCheckpoint: string | null;
  bestExpressionScore: number | null;
  error: string | null;
}

export function readTrainerStatus(runDir: string): TrainerStatus | undefined {
  try {
    const s = JSON.parse(readFileSync(path.join(runDir, RUN_FILES.status), 'utf8')) as Record<string, unknown>;
    if (typeof s.state !== 'string' || typeof s.step !== 'number') return undefined;
    return {
      state: s.state,
      step: s.step,
      totalSteps: numOrNull(s.total_steps),
      bestCheckpoint: typeof s.best_checkpoint === 'string' ? s.best_checkpoint : null,
      bestExpressionScore: numOrNull(s.best_expression_score),
      error: typeof s.error === 'string' ? s.error : null,
    };
  } catch {
    return undefined;
  }
}
