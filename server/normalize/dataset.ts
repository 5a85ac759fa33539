// The normalizer's training data: ASAP score MIDIs (clean) + seeded noise → per-bar features and oracle
// classes, written as .npy arrays the PyTorch trainer reads (native/rubato_native/normalizer/data.py).
//
// Only the train and val splits are ever read (the split of server/dataset/split.ts, by piece group);
// the test split's scores are not opened. Layout of the output folder:
//   meta.json                         feature and class names, noise options, seeds, counts, data hash
//   <split>.features.npy  f4 [bars, F]   every sequence's bars, concatenated
//   <split>.labels.npy    i4 [bars]      displacement bin per bar (editSpace.ts), the model's target
//   <split>.offsets.npy   i4 [sequences + 1]   sequence k is rows offsets[k] .. offsets[k+1]
// The folder is built beside its final place and renamed into it; an existing folder is replaced only
// when it holds our meta.json (it is ours), never anything else.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listCorpus } from '../asap/corpus';
import { foldersOfSplit } from '../corpus/load';
import { encodeNpy } from '../dataset/npy';
import { readMidiFile } from '../midi/read';
import { editGrid } from './decode';
import { displacementBin, displacementBinNames } from './editSpace';
import { barFeatures, NORMALIZER_FEATURE_NAMES, N_NORMALIZER_FEATURES } from './features';
import { addNoise, DEFAULT_NOISE } from './noise';

export const NORMALIZER_DATA_VERSION = 'normalizer-data-v2';
export const META_FILE = 'meta.json';

export interface BuildNormalizerDataOptions {
  dataDir: string;
  outDir: string;
  /** Noisy versions per score (seeds 1..n, mixed with the folder id). */
  versions: { train: number; val: number };
  log?: (line: string) => void;
}

/** The seed of version `k` of score folder `id`: stable across runs and machines. */
export function noiseSeed(id: string, k: number): number {
  return createHash('sha256').update(`${id}#${k}`).digest().readUInt32LE(0);
}

export interface SplitArrays {
  features: Float32Array;
  labels: Int32Array;
  offsets: Int32Array;
  pieces: number;
}

/** Features and labels of every noisy version of the split's scores (per-file errors are logged and skipped). */
export function buildSplit(dataDir: string, split: 'train' | 'val', versions: number, log: (l: string) => void, hash: ReturnType<typeof createHash>): SplitArrays {
  const folders = foldersOfSplit(listCorpus(dataDir), split);
  const feats: Float32Array[] = [];
  const labels: Int32Array[] = [];
  const offsets = [0];
  let pieces = 0;
  for (const f of folders) {
    let clean;
    try {
      clean = readMidiFile(f.scorePath);
    } catch (e) {
      log(`skipped ${f.scorePath}: ${(e as Error).message}`);
      continue;
    }
    hash.update(readFileSync(f.scorePath));
    pieces++;
    for (let k = 1; k <= versions; k++) {
      const noisy = addNoise(clean, noiseSeed(f.id, k));
      const grid = editGrid(noisy.rough);
      feats.push(barFeatures(noisy.rough, grid));
      labels.push(Int32Array.from(noisy.displacementBeats, displacementBin));
      offsets.push(offsets[offsets.length - 1]! + noisy.labels.length);
    }
  }
  const total = offsets[offsets.length - 1]!;
  const features = new Float32Array(total * N_NORMALIZER_FEATURES);
  const lab = new Int32Array(total);
  let at = 0;
  feats.forEach((x, i) => {
    features.set(x, at * N_NORMALIZER_FEATURES);
    lab.set(labels[i]!, at);
    at += labels[i]!.length;
  });
  return { features, labels: lab, offsets: Int32Array.from(offsets), pieces };
}

export function buildNormalizerData(opts: BuildNormalizerDataOptions): Record<string, unknown> {
  const log = opts.log ?? (() => undefined);
  const out = path.resolve(opts.outDir);
  if (existsSync(out) && !existsSync(path.join(out, META_FILE))) {
    throw new Error(`${out}: exists and is not a normalizer data folder (no ${META_FILE}); refusing to replace it`);
  }
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const hash = createHash('sha256').update(NORMALIZER_DATA_VERSION).update(JSON.stringify(DEFAULT_NOISE));
  const counts: Record<string, unknown> = {};
  for (const split of ['train', 'val'] as const) {
    const a = buildSplit(opts.dataDir, split, opts.versions[split], log, hash);
    const bars = a.labels.length;
    // The arrays themselves enter the hash too: a change of the feature or noise code changes it.
    for (const arr of [a.features, a.labels, a.offsets]) hash.update(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
    writeFileSync(path.join(tmp, `${split}.features.npy`), encodeNpy({ dtype: 'f4', shape: [bars, N_NORMALIZER_FEATURES], data: a.features }));
    writeFileSync(path.join(tmp, `${split}.labels.npy`), encodeNpy({ dtype: 'i4', shape: [bars], data: a.labels }));
    writeFileSync(path.join(tmp, `${split}.offsets.npy`), encodeNpy({ dtype: 'i4', shape: [a.offsets.length], data: a.offsets }));
    let displaced = 0;
    for (const l of a.labels) if (l !== displacementBin(0)) displaced++;
    counts[split] = { pieces: a.pieces, sequences: a.offsets.length - 1, bars, displaced };
    log(`${split}: ${a.pieces} scores, ${a.offsets.length - 1} noisy versions, ${bars} bars, ${displaced} off their bar line`);
  }
  const meta = {
    version: NORMALIZER_DATA_VERSION,
    feature_names: NORMALIZER_FEATURE_NAMES,
    class_names: displacementBinNames(),
    noise: DEFAULT_NOISE,
    versions: opts.versions,
    splits: counts,
    data_hash: hash.digest('hex'),
  };
  writeFileSync(path.join(tmp, META_FILE), JSON.stringify(meta, null, 2) + '\n');
  if (existsSync(out)) {
    const old = `${out}.old-${process.pid}`;
    renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
  } else {
    mkdirSync(path.dirname(out), { recursive: true });
    renameSync(tmp, out);
  }
  return meta;
}
