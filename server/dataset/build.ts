// Builds (or incrementally refreshes) a dataset cache around any extractor: hash inputs, reuse or extract, write
// .npy files and the manifest, clean up.
//
// Order of writes is what makes a killed build harmless: each item is written into a temporary folder and renamed to
// a folder named after its key (never over files the current manifest points to); the manifest is written last, by
// rename; only then are folders it no longer names removed.

import { availableParallelism } from 'node:os';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { acquireLock, tempName, writeFileAtomic } from './atomic';
import { HASH_CACHE_FILE, ITEMS_DIR, LOCK_FILE, itemDirName, openCacheDir, removeStale } from './cacheDir';
import { FileHasher, itemKey } from './fileHash';
import {
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  serializeManifest,
  type Manifest,
  type ManifestArray,
  type ManifestFailure,
  type ManifestItem,
} from './manifest';
import { encodeNpy, type NpyArray, type NpyDtype } from './npy';
import { checkSplitRatios, DEFAULT_SPLIT_RATIOS, splitByGroup, type SplitRatios } from './split';

/** One unit of the dataset (one performance of one piece). */
export interface BuildItem {
  /** Unique, stable id, e.g. 'Bach/Fugue/bwv_846/Shi05M'. */
  id: string;
  /** Piece group: items of one group always share a split. */
  group: string;
  composer: string;
  /** Files whose content decides the output, in a fixed order. */
  inputs: string[];
}

export interface ExtractResult {
  arrays: Record<string, NpyArray>;
  /** JSON-serialisable values stored in meta.json and the manifest. */
  meta: Record<string, unknown>;
}

export type Extractor = (item: BuildItem) => Promise<ExtractResult> | ExtractResult;

export interface BuildOptions {
  outDir: string;
  items: BuildItem[];
  extract: Extractor;
  /** Bump whenever the extractor's output changes: it is part of every item's key, so all items rebuild. */
  extractorVersion: string;
  /** Column names (last axis) per array name; an item whose array disagrees fails. */
  featureNames?: Record<string, string[]>;
  splitRatios?: SplitRatios;
  onProgress?: (done: number, total: number, item: BuildItem, cached: boolean) => void;
  /** Items in flight at once (helps when extraction awaits I/O); default min(4, cores). */
  concurrency?: number;
}

export interface BuildFailure {
  id: string;
  reason: string;
  files: string[];
}

export interface BuildReport {
  built: number;
  reused: number;
  failed: BuildFailure[];
  manifestPath: string;
  seconds: number;
}

const ARRAY_NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;

/** The CLI's exit status for a report: non-zero only when nothing could be built or reused. */
export function buildExitCode(report: BuildReport): number {
  return report.built + report.reused > 0 ? 0 : 1;
}

function checkOptions(opts: BuildOptions): void {
  if (typeof opts.outDir !== 'string' || opts.outDir.length === 0) throw new Error('dataset build: outDir is required');
  if (typeof opts.extractorVersion !== 'string' || opts.extractorVersion.length === 0) throw new Error('dataset build: extractorVersion is required');
  if (opts.concurrency !== undefined && (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)) {
    throw new Error(`dataset build: concurrency must be a positive integer, got ${opts.concurrency}`);
  }
  for (const it of opts.items) {
    if (typeof it.id !== 'string' || it.id.length === 0) throw new Error(`dataset build: an item has an empty id (group '${it.group}')`);
    if (typeof it.group !== 'string' || it.group.length === 0) throw new Error(`dataset build: item '${it.id}' has an empty group`);
    if (typeof it.composer !== 'string' || it.composer.length === 0) throw new Error(`dataset build: item '${it.id}' has an empty composer`);
    if (!Array.isArray(it.inputs) || it.inputs.length === 0) throw new Error(`dataset build: item '${it.id}' lists no input files`);
  }
  for (const [name, cols] of Object.entries(opts.featureNames ?? {})) {
    if (!Array.isArray(cols) || !cols.every((c) => typeof c === 'string')) throw new Error(`dataset build: featureNames.${name} must be a list of strings`);
  }
}

interface EncodedArray {
  dtype: NpyDtype;
  shape: number[];
  bytes: Buffer;
}

/** Checks an extractor's result and encodes its arrays; throws a message that goes into the item's failure. */
function encodeResult(result: ExtractResult, featureNames: Record<string, string[]>): { encoded: Map<string, EncodedArray>; meta: Record<string, unknown>; metaJson: string } {
  if (typeof result !== 'object' || result === null || typeof result.arrays !== 'object' || result.arrays === null) {
    throw new Error('extractor returned no arrays');
  }
  const encoded = new Map<string, EncodedArray>();
  const lower = new Set<string>();
  for (const [name, arr] of Object.entries(result.arrays)) {
    if (typeof arr !== 'object' || arr === null || !Array.isArray(arr.shape)) throw new Error(`array '${name}' is not an NpyArray { dtype, shape, data }`);
    if (!ARRAY_NAME_RE.test(name)) throw new Error(`array name '${name}' is not a safe file name (letters, digits, _ . -)`);
    // Names differing only in case would collide on case-insensitive file systems.
    if (lower.has(name.toLowerCase())) throw new Error(`array names '${name}' and another differ only in case`);
    lower.add(name.toLowerCase());
    const cols = featureNames[name];
    if (cols !== undefined) {
      const last = arr.shape[arr.shape.length - 1];
      if (arr.shape.length < 1 || last !== cols.length) {
        throw new Error(`array '${name}' has shape [${arr.shape.join(', ')}] but featureNames.${name} lists ${cols.length} columns`);
      }
    }
    try {
      encoded.set(name, { dtype: arr.dtype, shape: [...arr.shape], bytes: encodeNpy(arr) });
    } catch (e) {
      throw new Error(`array '${name}': ${(e as Error).message}`);
    }
  }
  const meta = result.meta ?? {};
  if (typeof meta !== 'object' || Array.isArray(meta)) throw new Error('extractor meta must be an object');
  let metaJson: string;
  try {
    metaJson = `${JSON.stringify(meta, null, 2)}\n`;
  } catch (e) {
    throw new Error(`extractor meta is not JSON-serialisable: ${(e as Error).message}`);
  }
  // Round-trip so the manifest holds exactly what meta.json holds (undefined dropped, dates as strings, ...).
  return { encoded, meta: JSON.parse(metaJson) as Record<string, unknown>, metaJson };
}

/** A stored item is stale when featureNames changed under it without an extractorVersion bump. */
function fitsFeatureNames(item: ManifestItem, featureNames: Record<string, string[]>): boolean {
  return Object.entries(item.arrays).every(([name, a]) => {
    const cols = featureNames[name];
    return cols === undefined || a.shape[a.shape.length - 1] === cols.length;
  });
}

/** True when every file a stored item names exists with the recorded size. */
function outputsPresent(outDir: string, item: ManifestItem): boolean {
  try {
    if (!statSync(path.join(outDir, item.dir, 'meta.json')).isFile()) return false;
    return Object.values(item.arrays).every((a) => statSync(path.join(outDir, a.file)).size === a.bytes);
  } catch {
    return false;
  }
}

/** Writes one item's files into a temporary folder, then renames it to its final, key-named folder. */
function writeItem(outDir: string, dir: string, arrays: Map<string, EncodedArray>, metaJson: string): void {
  const finalAbs = path.join(outDir, dir);
  const tmpAbs = tempName(finalAbs);
  mkdirSync(tmpAbs, { recursive: true });
  try {
    for (const [name, a] of arrays) writeFileSync(path.join(tmpAbs, `${name}.npy`), a.bytes);
    writeFileSync(path.join(tmpAbs, 'meta.json'), metaJson);
    // A folder with this exact name can only be a leftover of a killed build for the same id and key: replace it.
    rmSync(finalAbs, { recursive: true, force: true });
    renameSync(tmpAbs, finalAbs);
  } catch (e) {
    rmSync(tmpAbs, { recursive: true, force: true });
    throw e;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Builds the cache at `opts.outDir`: reuses items whose key and files are unchanged, extracts the others, records
 * failures without stopping, and writes the manifest last. Rejects (before writing anything) on invalid options or
 * an output folder that is not ours; item problems never reject, they are in `failed`.
 */
export async function buildDataset(opts: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  checkOptions(opts);
  const ratios = opts.splitRatios ?? { ...DEFAULT_SPLIT_RATIOS };
  checkSplitRatios(ratios);
  const splits = splitByGroup(opts.items, ratios); // also rejects duplicate ids
  const featureNames = opts.featureNames ?? {};

  const { outDir, previous } = openCacheDir(opts.outDir);
  const manifestPath = path.join(outDir, MANIFEST_FILE);
  const now = new Date().toISOString();
  const base = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    extractorVersion: opts.extractorVersion,
    createdAt: previous?.createdAt ?? now,
    splitRatios: ratios,
    featureNames,
  } as const;
  if (previous === undefined) {
    // Mark the folder as ours before anything else lands in it, so a build killed now can still be resumed.
    writeFileAtomic(manifestPath, serializeManifest({ ...base, updatedAt: now, items: [], failed: [] }));
  }
  const release = acquireLock(path.join(outDir, LOCK_FILE));
  try {
    mkdirSync(path.join(outDir, ITEMS_DIR), { recursive: true });
    const hasher = new FileHasher(path.join(outDir, HASH_CACHE_FILE));
    const old = new Map((previous?.items ?? []).map((it) => [it.id, it]));
    const items: ManifestItem[] = [];
    const failed: ManifestFailure[] = [];
    let built = 0;
    let reused = 0;
    let done = 0;

    const processItem = async (item: BuildItem): Promise<void> => {
      const split = splits.get(item.id) ?? 'train';
      let cached = false;
      try {
        const key = itemKey(opts.extractorVersion, await Promise.all(item.inputs.map((f) => hasher.hash(f))));
        const prev = old.get(item.id);
        if (prev !== undefined && prev.key === key && fitsFeatureNames(prev, featureNames) && outputsPresent(outDir, prev)) {
          items.push({ ...prev, group: item.group, composer: item.composer, split });
          reused += 1;
          cached = true;
        } else {
          const { encoded, meta, metaJson } = encodeResult(await opts.extract(item), featureNames);
          const dir = `${ITEMS_DIR}/${itemDirName(item.id, key)}`;
          writeItem(outDir, dir, encoded, metaJson);
          const arrays: Record<string, ManifestArray> = {};
          for (const [name, a] of encoded) arrays[name] = { dtype: a.dtype, shape: a.shape, file: `${dir}/${name}.npy`, bytes: a.bytes.length };
          items.push({ id: item.id, group: item.group, composer: item.composer, split, key, dir, arrays, meta });
          built += 1;
        }
      } catch (e) {
        failed.push({ id: item.id, reason: messageOf(e), files: [...item.inputs] });
      }
      done += 1;
      opts.onProgress?.(done, opts.items.length, item, cached);
    };

    const queue = [...opts.items];
    const workers = Math.max(1, Math.min(opts.concurrency ?? Math.min(4, availableParallelism()), queue.length));
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) await processItem(next);
      }),
    );

    hasher.save();
    const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const manifest: Manifest = { ...base, updatedAt: new Date().toISOString(), items: items.sort(byId), failed: failed.sort(byId) };
    writeFileAtomic(manifestPath, serializeManifest(manifest));
    removeStale(outDir, new Set(manifest.items.map((it) => it.dir)));
    return { built, reused, failed: manifest.failed, manifestPath, seconds: (performance.now() - started) / 1000 };
  } finally {
    release();
  }
}
