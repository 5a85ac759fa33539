// The models the eval viewer offers: the baselines, the bundled model, and exported checkpoints.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { BUNDLED_FILES, defaultHumanizer } from '../models/bundled';
import { evalModelId, type EvalModelChoice, type EvalModelRef, type EvalModelsParams, type EvalModelsResult } from '../protocol/evalView';

export const BUNDLED_MODEL_RELATIVE = BUNDLED_FILES.humanizer;

/** The humanizer the eval viewer calls "bundled": the user's default model when set, else the shipped one. */
export function bundledModelPath(): string | null {
  return defaultHumanizer().path ?? null;
}

/** A `.onnx` file, or the one `.onnx` inside a checkpoint folder; an Error naming the path otherwise. */
export function resolveOnnx(p: string): string {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new Error(`${p}: not found`);
  }
  if (st.isFile()) {
    if (!p.endsWith('.onnx')) throw new Error(`${p}: not an ONNX model (expected a .onnx file or a checkpoint folder holding one)`);
    return p;
  }
  const found = readdirSync(p).filter((n) => n.endsWith('.onnx')).sort();
  if (found.length === 0) throw new Error(`${p}: no exported model in this checkpoint folder; run "Export ONNX" on it first`);
  if (found.length > 1) throw new Error(`${p}: several .onnx files (${found.join(', ')}); choose one`);
  return path.join(p, found[0]!);
}

/** Label: the checkpoint folder's run and name (…/runs/<run>/checkpoints/<ckpt>) or the file name. */
export function labelOf(ref: EvalModelRef): string {
  switch (ref.kind) {
    case 'rules':
      return 'rules baseline';
    case 'jitter':
      return 'jitter baseline';
    case 'bundled':
      return 'bundled model';
    case 'onnx': {
      const parts = path.resolve(ref.path).split(path.sep).filter(Boolean);
      const i = parts.lastIndexOf('checkpoints');
      if (i > 0 && i + 1 < parts.length) return `${parts[i - 1]}/${parts.slice(i + 1).join('/')}`;
      return parts.slice(-2).join('/');
    }
  }
}

export function choiceOf(ref: EvalModelRef): EvalModelChoice {
  const base = { id: evalModelId(ref), label: labelOf(ref), ref };
  if (ref.kind === 'bundled') {
    return bundledModelPath() ? { ...base, available: true, reason: '' } : { ...base, available: false, reason: `the bundled model (${BUNDLED_MODEL_RELATIVE}) is not installed` };
  }
  if (ref.kind === 'onnx') {
    try {
      resolveOnnx(ref.path);
      return { ...base, available: true, reason: '' };
    } catch (err) {
      return { ...base, available: false, reason: (err as Error).message };
    }
  }
  return { ...base, available: true, reason: '' };
}

export function listEvalModels(params: EvalModelsParams | null | undefined): EvalModelsResult {
  const refs: EvalModelRef[] = [{ kind: 'bundled' }, { kind: 'rules' }, { kind: 'jitter' }];
  for (const p of params?.checkpointPaths ?? []) refs.push({ kind: 'onnx', path: path.resolve(p) });
  return { models: refs.map(choiceOf) };
}
