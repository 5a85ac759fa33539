// Runs the exported normalizer (ONNX) with onnxruntime-node: per-bar features in, displacement-bin probabilities out.
//
// The file must say it is a Rubato normalizer for this feature and class schema (metadata_props written by
// native/rubato_native/normalizer/export.py); anything else is a ModelFileError naming the file.

import type { InferenceSession } from 'onnxruntime-node';
import { ModelFileError, scanModelProto } from '../inference/onnxMetadata';
import { createSession, loadOrt, readModelBytes, SessionCache } from '../inference/sessionLoader';
import { displacementBinNames, N_DISPLACEMENT_BINS as N_CLASSES } from './editSpace';
import { NORMALIZER_FEATURE_NAMES, N_NORMALIZER_FEATURES } from './features';

export { ModelFileError } from '../inference/onnxMetadata';

export interface NormalizerModel {
  file: string;
  session: InferenceSession;
  /** metadata_props as stored (data_hash, val_metrics, model_config, …). */
  metadata: Record<string, string>;
}

export interface BarPredictions {
  /** Most probable displacement bin per bar (editSpace.ts). */
  classes: Int32Array;
  /** Its probability per bar. */
  confidence: Float32Array;
}

const cache = new SessionCache<NormalizerModel>();

/** The session for a normalizer file, reused while the file (mtime, size) is unchanged. */
export async function loadNormalizer(modelPath: string): Promise<NormalizerModel> {
  return cache.load(modelPath, createModel);
}

export async function clearNormalizerCache(): Promise<void> {
  await cache.clear();
}

/** Checks the metadata of a normalizer file's bytes; returns it. */
export function checkNormalizerMetadata(bytes: Uint8Array, file: string): Record<string, string> {
  const raw = scanModelProto(bytes, file);
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem);
  };
  if (raw.producer !== 'rubato' || raw.model_kind !== 'normalizer') {
    fail(`not a Rubato normalizer model (producer ${JSON.stringify(raw.producer ?? null)}, model_kind ${JSON.stringify(raw.model_kind ?? null)})`);
  }
  const list = (k: string): string[] => {
    try {
      const v = JSON.parse(raw[k] ?? 'null') as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch {
      // reported below
    }
    return fail(`metadata "${k}" is missing or not a JSON list of strings`);
  };
  if (list('feature_names').join(',') !== NORMALIZER_FEATURE_NAMES.join(',')) fail("feature_names differ from this Rubato's normalizer features: retrain or re-export the model");
  if (list('class_names').join(',') !== displacementBinNames().join(',')) fail("class_names differ from this Rubato's displacement bins: retrain or re-export the model");
  return raw;
}

async function createModel(file: string): Promise<NormalizerModel> {
  const bytes = readModelBytes(file);
  const metadata = checkNormalizerMetadata(bytes, file);
  const { session } = await createSession(bytes, file, ['cpu'], (s) => {
    for (const name of ['features', 'mask']) if (!s.inputNames.includes(name)) throw new ModelFileError(file, `the model has no input "${name}"`);
    if (!s.outputNames.includes('logits')) throw new ModelFileError(file, 'the model has no output "logits"');
  });
  return { file, session, metadata };
}

/** Raw logits [batch, bars, N_CLASSES] for a padded batch (features row-major [batch, bars, F]). */
export async function runNormalizer(model: NormalizerModel, features: Float32Array, mask: Uint8Array, batch: number, bars: number): Promise<Float32Array> {
  if (features.length !== batch * bars * N_NORMALIZER_FEATURES || mask.length !== batch * bars) {
    throw new RangeError(`runNormalizer: inputs do not match batch ${batch} x bars ${bars}`);
  }
  const ort = await loadOrt();
  const out = await model.session.run({
    features: new ort.Tensor('float32', features, [batch, bars, N_NORMALIZER_FEATURES]),
    mask: new ort.Tensor('bool', mask, [batch, bars]),
  });
  const t = out.logits;
  if (!t || !(t.data instanceof Float32Array) || t.data.length !== batch * bars * N_CLASSES) {
    throw new ModelFileError(model.file, `output "logits" is not float32 [${batch}, ${bars}, ${N_CLASSES}]`);
  }
  return t.data;
}

/** Argmax class and its softmax probability per bar of one piece. */
export async function predictBars(model: NormalizerModel, features: Float32Array, bars: number): Promise<BarPredictions> {
  const logits = await runNormalizer(model, features, new Uint8Array(bars).fill(1), 1, bars);
  const classes = new Int32Array(bars);
  const confidence = new Float32Array(bars);
  for (let b = 0; b < bars; b++) {
    const row = logits.subarray(b * N_CLASSES, (b + 1) * N_CLASSES);
    let best = 0;
    for (let c = 1; c < N_CLASSES; c++) if (row[c]! > row[best]!) best = c;
    let z = 0;
    for (let c = 0; c < N_CLASSES; c++) z += Math.exp(row[c]! - row[best]!);
    if (!Number.isFinite(z)) throw new ModelFileError(model.file, `the model produced a non-finite output (bar ${b + 1})`);
    classes[b] = best;
    confidence[b] = 1 / z;
  }
  return { classes, confidence };
}
