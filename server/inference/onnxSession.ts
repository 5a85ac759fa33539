// onnxruntime-node sessions for Rubato models: loaded once per file version, on the best execution provider.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { SCORE_FEATURE_NAMES } from '../features/scoreFeatures';
import { STYLE_NAMES } from '../features/style';
import { ModelFileError, readModelMetadata, TARGET_NAMES, type ModelMetadata } from './onnxMetadata';

export { ModelFileError } from './onnxMetadata';

export type Provider = 'cuda' | 'dml' | 'cpu';

/** Tried in this order; DirectML exists only on Windows. The CPU provider always works. */
export function defaultProviders(platform: NodeJS.Platform = process.platform): Provider[] {
  return platform === 'win32' ? ['cuda', 'dml', 'cpu'] : ['cuda', 'cpu'];
}

export interface LoadedModel {
  /** Absolute path of the model file. */
  file: string;
  session: InferenceSession;
  /** The execution provider the session runs on. */
  provider: Provider;
  metadata: ModelMetadata;
}

export interface ModelOutputs {
  /** Row-major [batch, notes, 6] in natural target units (TARGET_NAMES order). */
  mean: Float32Array;
  logvar: Float32Array;
}

type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;

/** onnxruntime-node is loaded on first use: its native library is large and only the model method needs it. */
function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((ort) => {
    // Failed provider probes (no CUDA libraries, no GPU) log errors from native code; we report the outcome ourselves.
    ort.env.logLevel = 'fatal';
    return ort;
  });
  return ortModule;
}

interface CacheEntry {
  key: string;
  model: Promise<LoadedModel>;
}

/** One entry per absolute path; a changed file (mtime or size) replaces and releases the old session. */
const cache = new Map<string, CacheEntry>();

/**
 * The session for a model file, created on first use and reused while the file is unchanged. Errors
 * (`ModelFileError`) name the file: missing, not ONNX, not a Rubato model, or the wrong feature schema.
 */
export async function loadModel(modelPath: string, providers: readonly Provider[] = defaultProviders()): Promise<LoadedModel> {
  const file = path.resolve(modelPath);
  let key: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new ModelFileError(file, 'not a file');
    key = `${st.mtimeMs}:${st.size}:${providers.join(',')}`;
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(file, `model file not found or unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const hit = cache.get(file);
  if (hit?.key === key) return hit.model;
  if (hit) void hit.model.then((m) => m.session.release()).catch(() => undefined);
  const model = createModel(file, providers);
  cache.set(file, { key, model });
  // A failed load is not cached: the user may fix the file and try again.
  model.catch(() => {
    if (cache.get(file)?.model === model) cache.delete(file);
  });
  return model;
}

/** Releases every cached session (tests, and the server on shutdown). */
export async function clearModelCache(): Promise<void> {
  const entries = [...cache.values()];
  cache.clear();
  await Promise.all(entries.map((e) => e.model.then((m) => m.session.release()).catch(() => undefined)));
}

async function createModel(file: string, providers: readonly Provider[]): Promise<LoadedModel> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ModelFileError(file, `cannot read the model file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const metadata = readModelMetadata(bytes, file);
  const ort = await loadOrt();
  const failures: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
      checkSignature(session, file);
      return { file, session, provider, metadata };
    } catch (e) {
      if (e instanceof ModelFileError) throw e;
      failures.push(`${provider}: ${firstLine(e)}`);
    }
  }
  throw new ModelFileError(file, `onnxruntime could not load the model (${failures.join('; ')})`);
}

/** The I/O contract of the exporter: names, element types and the fixed last dimensions. */
function checkSignature(session: InferenceSession, file: string): void {
  const expect: [string, string, (number | string)[]][] = [
    ['features', 'float32', ['batch', 'notes', SCORE_FEATURE_NAMES.length]],
    ['style', 'float32', ['batch', STYLE_NAMES.length]],
    ['mask', 'bool', ['batch', 'notes']],
  ];
  for (const [name, type, shape] of expect) {
    const m = session.inputMetadata.find((x) => x.name === name);
    if (!m || !m.isTensor) throw new ModelFileError(file, `the model has no tensor input "${name}"`);
    const last = shape[shape.length - 1]!;
    if (m.type !== type || m.shape.length !== shape.length || (typeof last === 'number' && m.shape[shape.length - 1] !== last)) {
      throw new ModelFileError(file, `input "${name}" is ${m.type} [${m.shape.join(', ')}], expected ${type} [${shape.join(', ')}]`);
    }
  }
  for (const name of ['mean', 'logvar']) {
    if (!session.outputNames.includes(name)) throw new ModelFileError(file, `the model has no output "${name}"`);
  }
}

/**
 * Runs a padded batch. features: [batch, notes, 22] row-major; style: [batch, 5] in STYLE_NAMES order (this
 * function reorders to the model's style_names); mask: [batch, notes], 1 = real note.
 */
export async function runModel(
  model: LoadedModel,
  features: Float32Array,
  style: Float32Array,
  mask: Uint8Array,
  batch: number,
  notes: number,
): Promise<ModelOutputs> {
  const F = SCORE_FEATURE_NAMES.length;
  const S = STYLE_NAMES.length;
  const K = TARGET_NAMES.length;
  if (features.length !== batch * notes * F || style.length !== batch * S || mask.length !== batch * notes) {
    throw new RangeError(`runModel: inputs do not match batch ${batch} x notes ${notes}`);
  }
  const ort = await loadOrt();
  const order = model.metadata.styleNames.map((n) => STYLE_NAMES.indexOf(n as (typeof STYLE_NAMES)[number]));
  const styleForModel = new Float32Array(batch * S);
  for (let b = 0; b < batch; b++) order.forEach((src, dst) => (styleForModel[b * S + dst] = style[b * S + src]!));
  const out = await model.session.run({
    features: new ort.Tensor('float32', features, [batch, notes, F]),
    style: new ort.Tensor('float32', styleForModel, [batch, S]),
    mask: new ort.Tensor('bool', mask, [batch, notes]),
  });
  const take = (name: string): Float32Array => {
    const t: Tensor | undefined = out[name];
    if (!t || !(t.data instanceof Float32Array) || t.data.length !== batch * notes * K) {
      throw new ModelFileError(model.file, `output "${name}" is not float32 [${batch}, ${notes}, ${K}]`);
    }
    return t.data;
  };
  return { mean: take('mean'), logvar: take('logvar') };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}
