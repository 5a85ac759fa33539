// Reads an ONNX file's metadata_props (onnxruntime-node does not expose them) and checks it is a Rubato model.
//
// A bounded scan of the top-level protobuf fields of ModelProto: every length is checked against the bytes
// left, and the graph (field 7) is skipped unread, so a damaged or foreign file is rejected quickly.

import { SCORE_FEATURE_NAMES } from '../features/scoreFeatures';
import { STYLE_NAMES } from '../features/style';

export const FEATURE_SCHEMA_VERSION = 'record-v1';
export const TARGET_NAMES = ['velocity', 'local_tempo', 'async_sec', 'articulation', 'pedal_onset', 'pedal_offset'] as const;

/** ModelProto field numbers (onnx.proto3). */
const IR_VERSION = 1;
const GRAPH = 7;
const METADATA_PROPS = 14;

export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
  }
}

export interface ModelMetadata {
  featureSchemaVersion: string;
  featureNames: string[];
  targetNames: string[];
  styleNames: string[];
  /** The training data's style defaults, where the checkpoint recorded them. */
  styleDefaults: Record<string, number>;
  dataHash: string;
  valMetrics: unknown;
  modelConfig: unknown;
  /** Every metadata_props entry as stored. */
  raw: Record<string, string>;
}

/** Parses and validates the metadata of an ONNX model file's bytes; errors name `file`. */
export function readModelMetadata(bytes: Uint8Array, file: string): ModelMetadata {
  const raw = scanModelProto(bytes, file);
  const fail = (problem: string): never => {
    throw new ModelFileError(file, problem);
  };
  if (raw.producer !== 'rubato') fail(`not a Rubato model (metadata producer is ${JSON.stringify(raw.producer ?? null)}; export one with \`rubato export\`)`);
  const version = raw.feature_schema_version;
  if (version !== FEATURE_SCHEMA_VERSION) {
    fail(`feature_schema_version is ${JSON.stringify(version ?? null)} but this Rubato computes "${FEATURE_SCHEMA_VERSION}": re-export or retrain the model for this version`);
  }
  const featureNames = stringList(raw, 'feature_names', fail);
  if (featureNames.join(',') !== SCORE_FEATURE_NAMES.join(',')) {
    fail(`feature_names differ from this Rubato's score features (model: ${featureNames.join(', ')})`);
  }
  const targetNames = stringList(raw, 'target_names', fail);
  if (targetNames.join(',') !== TARGET_NAMES.join(',')) fail(`target_names must be ${TARGET_NAMES.join(', ')} (model: ${targetNames.join(', ')})`);
  const styleNames = stringList(raw, 'style_names', fail);
  if ([...styleNames].sort().join(',') !== [...STYLE_NAMES].sort().join(',')) {
    fail(`style_names must be ${STYLE_NAMES.join(', ')} in some order (model: ${styleNames.join(', ')})`);
  }
  const defaults = parseJson(raw, 'style_defaults', fail);
  const styleDefaults: Record<string, number> = {};
  if (defaults && typeof defaults === 'object') {
    for (const [k, v] of Object.entries(defaults)) if (typeof v === 'number' && Number.isFinite(v)) styleDefaults[k] = v;
  }
  return {
    featureSchemaVersion: FEATURE_SCHEMA_VERSION,
    featureNames,
    targetNames,
    styleNames,
    styleDefaults,
    dataHash: raw.data_hash ?? '',
    valMetrics: parseJson(raw, 'val_metrics', fail),
    modelConfig: parseJson(raw, 'model_config', fail),
    raw,
  };
}

function parseJson(raw: Record<string, string>, key: string, fail: (p: string) => never): unknown {
  const text = raw[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail(`metadata "${key}" is not valid JSON`);
  }
}

function stringList(raw: Record<string, string>, key: string, fail: (p: string) => never): string[] {
  const v = parseJson(raw, key, fail);
  if (v === undefined) return fail(`metadata "${key}" is missing`);
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) return fail(`metadata "${key}" is not a JSON list of strings`);
  return v;
}

/** The metadata_props of a ModelProto; throws ModelFileError unless the bytes look like an ONNX model. */
export function scanModelProto(bytes: Uint8Array, file: string): Record<string, string> {
  const notOnnx = (why: string): never => {
    throw new ModelFileError(file, `not an ONNX model (${why})`);
  };
  const props: Record<string, string> = {};
  let sawIrVersion = false;
  let sawGraph = false;
  for (const f of fields(bytes, 0, bytes.length, notOnnx)) {
    if (f.num === IR_VERSION && f.wire === 0) sawIrVersion = true;
    else if (f.num === GRAPH && f.wire === 2) sawGraph = true;
    else if (f.num === METADATA_PROPS && f.wire === 2) {
      let key = '';
      let value = '';
      for (const e of fields(bytes, f.start, f.end, notOnnx)) {
        if (e.wire !== 2) continue;
        const text = new TextDecoder('utf-8').decode(bytes.subarray(e.start, e.end));
        if (e.num === 1) key = text;
        else if (e.num === 2) value = text;
      }
      props[key] = value;
    }
  }
  if (!sawIrVersion || !sawGraph) notOnnx(sawIrVersion ? 'no graph' : 'no ir_version');
  return props;
}

interface Field {
  num: number;
  wire: number;
  /** Payload bounds for length-delimited fields (wire type 2). */
  start: number;
  end: number;
}

/** The protobuf fields in bytes[from, to); every read is bounds-checked and every step advances. */
function* fields(bytes: Uint8Array, from: number, to: number, fail: (why: string) => never): Generator<Field> {
  let pos = from;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= to) return fail(`truncated varint at byte ${pos}`);
      const b = bytes[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    return fail(`varint longer than 10 bytes at byte ${pos}`);
  };
  while (pos < to) {
    const tag = varint();
    const num = Math.floor(tag / 8);
    const wire = tag % 8;
    if (num === 0) fail(`field number 0 at byte ${pos}`);
    let start = pos;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      start = pos;
      if (len > to - pos) fail(`field ${num} claims ${len} bytes but only ${to - pos} are left`);
      pos += len;
    } else fail(`unsupported wire type ${wire} at byte ${start}`);
    if (pos > to) fail(`truncated field ${num}`);
    yield { num, wire, start, end: pos };
  }
}
