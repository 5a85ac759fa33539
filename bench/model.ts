// Model benchmarks: humanizing a ~5,000-note piece with the bundled ONNX model against PyTorch eager
// inference of the same checkpoint on the same input (one run, side by side), and training notes/s.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScoreFolder } from '../server/asap/corpus';
import { analyzeScore } from '../server/features/scoreFeatures';
import { STYLE_NAMES } from '../server/features/style';
import { humanizeWithModel } from '../server/inference/modelHumanizer';
import { modelStyleDefaults } from '../server/inference/modelStyle';
import { loadModel, runModel } from '../server/inference/onnxSession';
import { parseMidi } from '../server/midi/read';
import { writeMidi } from '../server/midi/write';
import { findPython, nativeEnv } from '../server/python/discover';
import { encodeNpy } from '../server/dataset/npy';

const root = path.resolve(__dirname, '..');
export const BENCH_MODEL = path.join(root, 'models/performancenet.onnx');
export const BENCH_CHECKPOINT = path.join(root, 'models/performancenet');

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** The score whose note count is closest to `target`. */
function pieceNear(folders: readonly ScoreFolder[], target: number): { folder: ScoreFolder; bytes: Buffer; notes: number } {
  let best: { folder: ScoreFolder; bytes: Buffer; notes: number } | undefined;
  for (const folder of folders) {
    const bytes = readFileSync(folder.scorePath);
    const notes = parseMidi(bytes, folder.scorePath).notes.length;
    if (!best || Math.abs(notes - target) < Math.abs(best.notes - target)) best = { folder, bytes, notes };
  }
  return best!;
}

export async function benchModel(folders: readonly ScoreFolder[]): Promise<void> {
  if (!existsSync(BENCH_MODEL)) {
    console.log(`model: skipped (no ${path.relative(root, BENCH_MODEL)})`);
    return;
  }
  const piece = pieceNear(folders, 5000);
  console.log(`model humanize   ${piece.folder.id} (${piece.notes} notes), ${path.relative(root, BENCH_MODEL)}`);
  const style = await modelStyleDefaults(BENCH_MODEL);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rubato-bench-model-'));
  try {
    // Whole pipeline: parse -> features -> inference (windowed) -> decode -> render -> encode.
    const pipeline = async (): Promise<number> => {
      const t = process.hrtime.bigint();
      const h = await humanizeWithModel(parseMidi(piece.bytes, piece.folder.scorePath), { modelPath: BENCH_MODEL, strength: 1, style });
      writeFileSync(path.join(tmp, 'out.mid'), writeMidi(h.performance));
      return seconds(t);
    };
    const cold = await pipeline();
    const warm = median([await pipeline(), await pipeline(), await pipeline()]);
    console.log(`  pipeline (onnxruntime-node, windowed): cold ${(cold * 1000).toFixed(0)} ms, warm ${(warm * 1000).toFixed(0)} ms`);

    // The same input, whole sequence at once, in both runtimes.
    const a = analyzeScore(parseMidi(piece.bytes, piece.folder.scorePath));
    const n = a.doc.notes.length;
    const styleArr = Float32Array.from(STYLE_NAMES.map((k) => style[k]));
    const model = await loadModel(BENCH_MODEL);
    const ort = async (): Promise<number> => {
      const t = process.hrtime.bigint();
      await runModel(model, a.features, styleArr, new Uint8Array(n).fill(1), 1, n);
      return seconds(t);
    };
    await ort();
    const ortWarm = median([await ort(), await ort(), await ort(), await ort(), await ort()]);
    let python;
    try {
      python = findPython();
    } catch {
      console.log(`  PyTorch eager: skipped (no Python that imports torch)`);
      return;
    }
    if (!existsSync(BENCH_CHECKPOINT)) {
      console.log(`  PyTorch eager: skipped (no ${path.relative(root, BENCH_CHECKPOINT)})`);
      return;
    }
    writeFileSync(path.join(tmp, 'features.npy'), encodeNpy({ dtype: 'f4', shape: [n, a.features.length / n], data: a.features }));
    writeFileSync(path.join(tmp, 'style.json'), JSON.stringify([...styleArr]));
    const t0 = process.hrtime.bigint();
    const r = spawnSync(python.executable, ['-m', 'rubato_native.bench_infer', BENCH_CHECKPOINT, path.join(tmp, 'features.npy'), path.join(tmp, 'style.json')], {
      encoding: 'utf8',
      env: nativeEnv(root),
    });
    const processSec = seconds(t0);
    if (r.status !== 0) {
      console.log(`  PyTorch eager: failed: ${r.stderr.trim().split('\n').pop()}`);
      return;
    }
    const py = JSON.parse(r.stdout.trim().split('\n').pop()!) as { import_load_sec: number; first_sec: number; warm_sec: number };
    console.log(`  whole sequence, warm: onnxruntime-node ${(ortWarm * 1000).toFixed(0)} ms, PyTorch eager ${(py.warm_sec * 1000).toFixed(0)} ms`);
    console.log(`  ratio PyTorch eager / onnxruntime-node (warm, same input): ${(py.warm_sec / ortWarm).toFixed(2)}`);
    const pyCold = py.import_load_sec + py.first_sec;
    console.log(`  cold (first result): Node pipeline ${(cold * 1000).toFixed(0)} ms; PyTorch ${(pyCold * 1000).toFixed(0)} ms (import torch + load ${(py.import_load_sec * 1000).toFixed(0)} ms, first call ${(py.first_sec * 1000).toFixed(0)} ms; the whole timing process took ${processSec.toFixed(1)} s)\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Training throughput: a short run of the bundled model's spec on a dataset cache. */
export function benchTraining(cacheDir: string): void {
  const specFile = path.join(root, 'models/performancenet.run.toml');
  let python;
  try {
    python = findPython();
  } catch {
    console.log('training: skipped (no Python that imports torch)');
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rubato-bench-train-'));
  try {
    const spec = readFileSync(specFile, 'utf8')
      .replace(/cache = ".*"/, `cache = ${JSON.stringify(cacheDir)}`)
      .replace(/out = ".*"/, `out = ${JSON.stringify(path.join(tmp, 'run'))}`)
      .replace(/max_steps = \d+/, 'max_steps = 30')
      .replace(/warmup_steps = \d+/, 'warmup_steps = 5')
      .replace(/every_steps = \d+/, 'every_steps = 100000');
    writeFileSync(path.join(tmp, 'bench.run.toml'), spec);
    const r = spawnSync(python.executable, ['-m', 'rubato_native', 'train', '--spec', path.join(tmp, 'bench.run.toml')], { encoding: 'utf8', env: nativeEnv(root) });
    if (r.status !== 0) {
      console.log(`training: failed: ${r.stderr.trim().split('\n').pop()}`);
      return;
    }
    const lines = readFileSync(path.join(tmp, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; notes_per_sec: number });
    const steady = lines.filter((l) => l.step > 5).map((l) => l.notes_per_sec);
    console.log(`training (models/performancenet.run.toml, ${python.executable}, 30 steps)`);
    console.log(`  ${median(steady).toFixed(0)} notes/s (median after 5 warm-up steps)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
