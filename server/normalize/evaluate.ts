// `rubato eval --normalizer`: noisy versions of a split's score MIDIs, cleaned by each method, measured
// against the clean score.
//
// Methods: noop (the rough file as is), snap (plain snap-to-grid, snap.ts), normalizer (model edits,
// then snap) and, as a ceiling, oracle (the true edits, then snap). Per note (matched by identity, which
// noise and decoder keep): onset exact to the tick; onset within 10 ms on the clean score's tempo map
// (timing the tick edits can fix) and on the output file's own tempo map (which also counts tempo
// events the noise dropped, which no method here restores). Per clean bar with notes: aligned when the
// median onset error of its notes is within 1/24 beat. Edits per bar (mean, max; ≤ 1 by construction)
// and whether each output keeps the input's pitch multiset (always, by construction; measured anyway).

import { createHash } from 'node:crypto';
import { listCorpus } from '../asap/corpus';
import { foldersOfSplit, type SplitChoice } from '../corpus/load';
import type { MidiDoc, Note } from '../midi/model';
import { readMidiFile } from '../midi/read';
import { TimeMap } from '../midi/timeMap';
import { barGrid, barOf } from './bars';
import { decodeEdits, lastOnsetTick, type Decoded } from './decode';
import { normalizeDoc } from './index';
import { addNoise } from './noise';
import { DEFAULT_SNAP } from './snap';

export const NORMALIZER_EVAL_METHODS = ['noop', 'snap', 'normalizer', 'oracle'] as const;
export type NormalizerEvalMethod = (typeof NORMALIZER_EVAL_METHODS)[number];

export interface NormalizerEvalOptions {
  dataDir: string;
  split: SplitChoice;
  modelPath?: string;
  /** Noisy versions per score (default 2). */
  versions?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface MethodFigures {
  notes: number;
  onset_exact: number;
  onset_within_10ms: number;
  onset_within_10ms_own_tempo: number;
  mean_abs_onset_error_beats: number;
  bars: number;
  bar_aligned: number;
  edits: number;
  edits_per_bar_mean: number;
  edits_per_bar_max: number;
  pitch_multiset_preserved: number;
  outputs: number;
}

export interface NormalizerEvalReport {
  split: string;
  model: string | null;
  scores: number;
  versions: number;
  methods: Partial<Record<NormalizerEvalMethod, MethodFigures>>;
  errors: { file: string; reason: string }[];
}

/** The seed of evaluation version `k` of a score folder: never one of the training data's seeds. */
export function evalSeed(id: string, k: number): number {
  return createHash('sha256').update(`eval:${id}#${k}`).digest().readUInt32LE(0);
}

interface Acc {
  notes: number;
  exact: number;
  ms10: number;
  ms10own: number;
  absErr: number;
  bars: number;
  aligned: number;
  edits: number;
  maxPerBar: number;
  editBars: number;
  preserved: number;
  outputs: number;
}

const emptyAcc = (): Acc => ({ notes: 0, exact: 0, ms10: 0, ms10own: 0, absErr: 0, bars: 0, aligned: 0, edits: 0, maxPerBar: 0, editBars: 0, preserved: 0, outputs: 0 });

export async function evaluateNormalizer(opts: NormalizerEvalOptions): Promise<NormalizerEvalReport> {
  const versions = opts.versions ?? 2;
  const folders = foldersOfSplit(listCorpus(opts.dataDir), opts.split);
  const methods: NormalizerEvalMethod[] = opts.modelPath ? ['noop', 'snap', 'normalizer', 'oracle'] : ['noop', 'snap', 'oracle'];
  const acc = new Map<NormalizerEvalMethod, Acc>(methods.map((m) => [m, emptyAcc()]));
  const errors: { file: string; reason: string }[] = [];
  let scores = 0;
  for (const [i, f] of folders.entries()) {
    opts.onProgress?.(i, folders.length);
    let clean: MidiDoc;
    try {
      clean = readMidiFile(f.scorePath);
    } catch (e) {
      errors.push({ file: f.scorePath, reason: (e as Error).message });
      continue;
    }
    scores++;
    for (let k = 1; k <= versions; k++) {
      const noisy = addNoise(clean, evalSeed(f.id, k));
      for (const m of methods) {
        let out: { notesByInput: Note[]; edits: Decoded['edits'] | []; doc: MidiDoc };
        if (m === 'noop') out = { notesByInput: noisy.rough.notes, edits: [], doc: noisy.rough };
        else if (m === 'snap') out = await normalizeDoc(noisy.rough, { method: 'snap' });
        else if (m === 'oracle') out = decodeEdits(noisy.rough, noisy.labels, { snap: DEFAULT_SNAP });
        else out = await normalizeDoc(noisy.rough, { method: 'model', modelPath: opts.modelPath! });
        measure(acc.get(m)!, clean, noisy.rough, noisy.cleanIndex, out);
      }
    }
  }
  opts.onProgress?.(folders.length, folders.length);
  const figures: Partial<Record<NormalizerEvalMethod, MethodFigures>> = {};
  for (const [m, a] of acc) figures[m] = finish(a);
  return { split: opts.split, model: opts.modelPath ?? null, scores, versions, methods: figures, errors };
}

function measure(a: Acc, clean: MidiDoc, rough: MidiDoc, cleanIndex: Int32Array, out: { notesByInput: Note[]; edits: readonly { bar: number }[]; doc: MidiDoc }): void {
  const ppq = clean.ppq;
  const cleanTm = new TimeMap(ppq, clean.tempos);
  const grid = barGrid(ppq, clean.timeSignatures, lastOnsetTick(clean));
  const errByBar = new Map<number, number[]>();
  out.notesByInput.forEach((n, i) => {
    const c = clean.notes[cleanIndex[i]!]!;
    const errTicks = n.onsetTick - c.onsetTick;
    a.notes++;
    if (errTicks === 0) a.exact++;
    if (Math.abs(cleanTm.tickToSec(n.onsetTick) - c.onsetSec) <= 0.010) a.ms10++;
    if (Math.abs(n.onsetSec - c.onsetSec) <= 0.010) a.ms10own++;
    a.absErr += Math.abs(errTicks) / ppq;
    const b = barOf(grid, c.onsetTick);
    const list = errByBar.get(b) ?? [];
    list.push(errTicks / ppq);
    errByBar.set(b, list);
  });
  for (const errs of errByBar.values()) {
    errs.sort((x, y) => x - y);
    const median = errs[Math.floor(errs.length / 2)]!;
    a.bars++;
    if (Math.abs(median) <= 1 / 24) a.aligned++;
  }
  const perBar = new Map<number, number>();
  for (const e of out.edits) perBar.set(e.bar, (perBar.get(e.bar) ?? 0) + 1);
  for (const c of perBar.values()) a.maxPerBar = Math.max(a.maxPerBar, c);
  a.edits += out.edits.length;
  a.editBars += barGrid(ppq, rough.timeSignatures, lastOnsetTick(rough)).startTick.length;
  const pitches = (ns: readonly Note[]): string => ns.map((n) => n.pitch).sort((x, y) => x - y).join(',');
  if (out.doc.notes.length === rough.notes.length && pitches(out.doc.notes) === pitches(rough.notes)) a.preserved++;
  a.outputs++;
}

function finish(a: Acc): MethodFigures {
  const r = (x: number): number => Math.round(x * 1e4) / 1e4;
  return {
    notes: a.notes,
    onset_exact: r(a.exact / Math.max(1, a.notes)),
    onset_within_10ms: r(a.ms10 / Math.max(1, a.notes)),
    onset_within_10ms_own_tempo: r(a.ms10own / Math.max(1, a.notes)),
    mean_abs_onset_error_beats: r(a.absErr / Math.max(1, a.notes)),
    bars: a.bars,
    bar_aligned: r(a.aligned / Math.max(1, a.bars)),
    edits: a.edits,
    edits_per_bar_mean: r(a.edits / Math.max(1, a.editBars)),
    edits_per_bar_max: a.maxPerBar,
    pitch_multiset_preserved: r(a.preserved / Math.max(1, a.outputs)),
    outputs: a.outputs,
  };
}

/** The table `rubato eval --normalizer` prints. */
export function formatNormalizerTable(r: NormalizerEvalReport): string[] {
  const lines = [`normalizer eval on ${r.split}: ${r.scores} scores x ${r.versions} noisy versions${r.model ? `, model ${r.model}` : ''}, ${r.errors.length} errors`];
  lines.push(`${'method'.padEnd(11)} ${'exact'.padStart(7)} ${'≤10ms'.padStart(7)} ${'≤10ms*'.padStart(7)} ${'|err| b'.padStart(8)} ${'bars ok'.padStart(8)} ${'edits'.padStart(6)} ${'ed/bar'.padStart(7)} ${'max'.padStart(4)} ${'pitches'.padStart(8)}`);
  for (const m of NORMALIZER_EVAL_METHODS) {
    const f = r.methods[m];
    if (!f) continue;
    const p = (x: number): string => (100 * x).toFixed(1).padStart(6) + '%';
    lines.push(
      `${m.padEnd(11)} ${p(f.onset_exact)} ${p(f.onset_within_10ms)} ${p(f.onset_within_10ms_own_tempo)} ${f.mean_abs_onset_error_beats.toFixed(4).padStart(8)} ${p(f.bar_aligned).padStart(8)} ${String(f.edits).padStart(6)} ${f.edits_per_bar_mean.toFixed(4).padStart(7)} ${String(f.edits_per_bar_max).padStart(4)} ${p(f.pitch_multiset_preserved).padStart(8)}`,
    );
  }
  lines.push('exact: onset tick equals the clean score\'s; ≤10ms: on the score\'s tempo map; ≤10ms*: on the output\'s own tempo map;');
  lines.push('bars ok: median onset error of the bar within 1/24 beat; ed/bar, max: edits per bar; pitches: outputs with the input\'s pitch multiset.');
  return lines;
}
