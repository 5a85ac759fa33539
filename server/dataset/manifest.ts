// The dataset cache manifest: its types, and reading/writing it with validation (the trainer trusts what it says).
//
// The JSON Schema in manifest.schema.json describes the same shape for the Python side; keep the two in step
// (a unit test checks that the schema's required fields match what we write).

import { readFileSync } from 'node:fs';
import { isNpyDtype, type NpyDtype } from './npy';
import { checkSplitRatios, type Split, type SplitRatios } from './split';

export const MANIFEST_FORMAT = 'rubato-dataset';
export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

/** One array of one item, as stored on disk. Paths are relative to the cache folder, with '/' separators. */
export interface ManifestArray {
  dtype: NpyDtype;
  shape: number[];
  file: string;
  /** Size of the .npy file, so a truncated file is noticed without reading it. */
  bytes: number;
}

export interface ManifestItem {
  id: string;
  group: string;
  composer: string;
  split: Split;
  /** Content hash of extractorVersion + the item's input bytes; decides whether the stored output is current. */
  key: string;
  /** Folder of this item's files, relative to the cache folder. */
  dir: string;
  arrays: Record<string, ManifestArray>;
  meta: Record<string, unknown>;
}

/** An item that could not be built in the last build; it has no files. */
export interface ManifestFailure {
  id: string;
  reason: string;
  files: string[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  extractorVersion: string;
  /** ISO 8601 time the cache folder was first created. */
  createdAt: string;
  /** ISO 8601 time of the last build that wrote this manifest. */
  updatedAt: string;
  splitRatios: SplitRatios;
  /** Column names per array name (the last axis), e.g. { features: ['pitch', 'durationBeats', ...] }. */
  featureNames: Record<string, string[]>;
  /** Sorted by id. */
  items: ManifestItem[];
  failed: ManifestFailure[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Tells whether parsed JSON at least claims to be our manifest (used to decide if a folder is a Rubato cache). */
export function hasManifestMarker(v: unknown): boolean {
  return isObj(v) && v.format === MANIFEST_FORMAT;
}

/** Checks parsed JSON against the manifest shape; `source` names the file in the error. */
export function validateManifest(v: unknown, source: string): Manifest {
  const fail = (where: string, problem: string): never => {
    throw new Error(`${source}: invalid Rubato dataset manifest: ${where} ${problem}`);
  };
  const str = (o: Obj, k: string, where: string): string => {
    const x = o[k];
    return typeof x === 'string' ? x : fail(`${where}.${k}`, `must be a string, got ${JSON.stringify(x) ?? 'undefined'}`);
  };
  const obj = (o: Obj, k: string, where: string): Obj => {
    const x = o[k];
    return isObj(x) ? x : fail(`${where}.${k}`, 'must be an object');
  };
  const arr = (o: Obj, k: string, where: string): unknown[] => {
    const x = o[k];
    return Array.isArray(x) ? x : fail(`${where}.${k}`, 'must be an array');
  };
  const relPath = (p: string, where: string): string => {
    // Paths stay inside the cache folder, so a hand-edited manifest cannot point the trainer (or our cleanup) elsewhere.
    if (p.length === 0 || p.startsWith('/') || p.includes('\\') || /^[A-Za-z]:/.test(p) || p.split('/').some((s) => s === '..' || s === '' || s === '.')) {
      fail(where, `must be a relative path inside the cache folder, got '${p}'`);
    }
    return p;
  };

  if (!isObj(v)) return fail('top level', 'must be an object');
  if (v.format !== MANIFEST_FORMAT) fail('format', `must be '${MANIFEST_FORMAT}', got ${JSON.stringify(v.format) ?? 'undefined'}`);
  if (v.version !== MANIFEST_VERSION) {
    fail('version', `is ${JSON.stringify(v.version) ?? 'undefined'}; this Rubato reads version ${MANIFEST_VERSION} (rebuild into a new folder)`);
  }
  const extractorVersion = str(v, 'extractorVersion', 'manifest');
  const createdAt = str(v, 'createdAt', 'manifest');
  const updatedAt = str(v, 'updatedAt', 'manifest');
  for (const [k, t] of [['createdAt', createdAt], ['updatedAt', updatedAt]] as const) {
    if (Number.isNaN(Date.parse(t))) fail(k, `is not an ISO date: '${t}'`);
  }

  const r = obj(v, 'splitRatios', 'manifest');
  const splitRatios = { train: r.train, val: r.val, test: r.test } as SplitRatios;
  try {
    checkSplitRatios(splitRatios);
  } catch (e) {
    fail('splitRatios', (e as Error).message);
  }

  const featureNames: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(obj(v, 'featureNames', 'manifest'))) {
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) fail(`featureNames.${name}`, 'must be an array of strings');
    featureNames[name] = list as string[];
  }

  const ids = new Set<string>();
  const items = arr(v, 'items', 'manifest').map((raw, i): ManifestItem => {
    const where = `items[${i}]`;
    if (!isObj(raw)) return fail(where, 'must be an object');
    const id = str(raw, 'id', where);
    if (ids.has(id)) fail(`${where}.id`, `'${id}' appears twice`);
    ids.add(id);
    const split = str(raw, 'split', where);
    if (split !== 'train' && split !== 'val' && split !== 'test') return fail(`${where}.split`, `must be train, val or test, got '${split}'`);
    const key = str(raw, 'key', where);
    if (!/^[0-9a-f]{64}$/.test(key)) fail(`${where}.key`, 'must be a 64-digit hex SHA-256');
    const arrays: Record<string, ManifestArray> = {};
    for (const [name, a] of Object.entries(obj(raw, 'arrays', where))) {
      const aw = `${where}.arrays.${name}`;
      if (!isObj(a)) return fail(aw, 'must be an object');
      const dtype = str(a, 'dtype', aw);
      if (!isNpyDtype(dtype)) return fail(`${aw}.dtype`, `is not a supported dtype: '${dtype}'`);
      const shape = arr(a, 'shape', aw);
      if (!shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) fail(`${aw}.shape`, 'must hold non-negative integers');
      const bytes = a.bytes;
      if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) fail(`${aw}.bytes`, 'must be a non-negative integer');
      arrays[name] = { dtype, shape: shape as number[], file: relPath(str(a, 'file', aw), `${aw}.file`), bytes: bytes as number };
    }
    return {
      id,
      group: str(raw, 'group', where),
      composer: str(raw, 'composer', where),
      split,
      key,
      dir: relPath(str(raw, 'dir', where), `${where}.dir`),
      arrays,
      meta: obj(raw, 'meta', where),
    };
  });

  const failed = arr(v, 'failed', 'manifest').map((raw, i): ManifestFailure => {
    const where = `failed[${i}]`;
    if (!isObj(raw)) return fail(where, 'must be an object');
    const files = arr(raw, 'files', where);
    if (!files.every((f) => typeof f === 'string')) fail(`${where}.files`, 'must be an array of strings');
    return { id: str(raw, 'id', where), reason: str(raw, 'reason', where), files: files as string[] };
  });

  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    extractorVersion,
    createdAt,
    updatedAt,
    splitRatios,
    featureNames,
    items,
    failed,
  };
}

/** Reads and validates a manifest file; every error names the file. */
export function readManifest(file: string): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the dataset manifest: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: dataset manifest is not valid JSON: ${(e as Error).message}`);
  }
  return validateManifest(parsed, file);
}

/** The manifest as written to disk: stable key order, two-space indent, trailing newline. */
export function serializeManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
