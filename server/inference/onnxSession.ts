// onnxruntime-node sessions for Rubato models: loaded once per file version, on the best execution provider.

import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { SCORE_FEATURE_NAMES } from '../features/scoreFeatures';
import { STYLE_NAMES } from '../features/style';
import { ModelFileError, readModelMetadata, TARGET_NAMES, type ModelMetadata } from './onnxMetadata';
import { createSession, loadOrt, readModelBytes, SessionCache } from './sessionLoader';

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

const cache = new SessionCache<LoadedModel>();

/**
 * The session for a model file, created on first use and reused while the file is unchanged. Errors
 * (`ModelFileError`) name the file: missing, not ONNX, not a Rubato model, or the wrong feature schema.
 */
export async function loadModel(modelPath: string, providers: readonly Provider[] = defaultProviders()): Promise<LoadedModel> {
  return cache.load(modelPath, (file) => createModel(file, providers), providers.join(','));
}

/** Releases every cached session (tests, and the server on shutdown). */
export async function clearModelCache(): Promise<void> {
  await cache.clear();
}

async function createModel(file: string, providers: readonly Provider[]): Promise<LoadedModel> {
  const bytes = readModelBytes(file);
  const metadata = readModelMetadata(bytes, file);
  const { session, provider } = await createSession(bytes, file, providers, (session) => checkSignature(session, file));
  return { file, session, provider, metadata };
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
