// One eval-viewer comparison: a held-out performance's human expression against models and baselines,
// with the metrics and sanity checks `rubato eval` computes, and the smoothed series the charts draw.

import type { CancellationToken } from 'vscode-languageserver';
import { listCorpus } from '../asap/corpus';
import { pairedSeries } from '../corpus/evaluate';
import { loadPerformance, loadScore, type LoadedScore } from '../corpus/load';
import { measuredExpression, sanityInputs } from '../corpus/predicted';
import { DEFAULT_EXPRESSION_WINDOW, expressionScore, performanceMetrics, sanityCheck } from '../eval';
import { DEFAULT_STYLE } from '../features/style';
import { humanize, type Humanized } from '../humanize';
import { humanizeWithModel } from '../inference/modelHumanizer';
import { modelStyleDefaults } from '../inference/modelStyle';
import { UserFacingError } from '../lsp/request';
import { EVAL_WINDOWS, evalModelId, type EvalCompareParams, type EvalComparison, type EvalModelRef, type EvalModelResult } from '../protocol/evalView';
import { resolveDataDir } from './dataDir';
import { bundledModelPath, labelOf, resolveOnnx } from './models';
import { splitsOf } from './pieces';
import { definedIndices, smoothedAt } from './series';

export class EvalCancelled extends Error {
  constructor() {
    super('eval viewer: cancelled');
    this.name = 'EvalCancelled';
  }
}

/** Lets a pending cancel notification be read, then stops if it was. */
async function checkpoint(token: CancellationToken | undefined): Promise<void> {
  await new Promise<void>((r) => setImmediate(r));
  if (token?.isCancellationRequested) throw new EvalCancelled();
}

async function run(ref: EvalModelRef, score: LoadedScore, seed: number): Promise<Humanized> {
  switch (ref.kind) {
    case 'rules':
    case 'jitter':
      return humanize(score.doc, { method: ref.kind, style: DEFAULT_STYLE, seed: ref.seed ?? seed });
    case 'bundled':
    case 'onnx': {
      const modelPath = ref.kind === 'bundled' ? bundledModelPath() : resolveOnnx(ref.path);
      if (!modelPath) throw new Error('the bundled model (models/performancenet.onnx) is not installed');
      return humanizeWithModel(score.doc, { modelPath, strength: 1, style: await modelStyleDefaults(modelPath) });
    }
  }
}

export async function compareEval(params: EvalCompareParams, token?: CancellationToken): Promise<EvalComparison> {
  const dataDir = resolveDataDir(params.dataDir);
  const windows = [...new Set(params.windows ?? EVAL_WINDOWS)].sort((a, b) => a - b);
  const ew = windows.includes(DEFAULT_EXPRESSION_WINDOW) ? DEFAULT_EXPRESSION_WINDOW : windows[windows.length - 1]!;
  const listing = listCorpus(dataDir);
  const folder = listing.folders.find((f) => f.id === params.pieceId);
  if (!folder) throw new UserFacingError(`eval viewer: no piece ${JSON.stringify(params.pieceId)} in ${dataDir}`);
  const entry = folder.performances.find((p) => p.name === params.performance);
  if (!entry) throw new UserFacingError(`eval viewer: piece ${folder.id} has no performance ${JSON.stringify(params.performance)} (it has ${folder.performances.map((p) => p.name).join(', ')})`);
  const split = splitsOf(listing).get(folder.id) ?? 'train';

  const score = loadScore(folder);
  await checkpoint(token);
  const perf = loadPerformance(score, entry);
  const human = perf.expression;
  const N = score.analysis.doc.notes.length;
  const G = human.tempo.length;
  const humanVel = definedIndices(human.velocity);
  const humanTempo = definedIndices(human.tempo);

  const models: EvalModelResult[] = [];
  for (const ref of params.models) {
    await checkpoint(token);
    const t0 = performance.now();
    const base = { id: evalModelId(ref), label: labelOf(ref), ref };
    try {
      const h = await run(ref, score, params.seed ?? 0);
      const measured = measuredExpression(h.analysis, h.rendered);
      const s = sanityInputs(h.analysis, h.rendered, measured);
      const sanity = sanityCheck(s.score, s.output);
      // The same pairing `rubato eval` correlates; the chart lines use exactly these entries.
      const paired = pairedSeries(measured, human);
      const m = performanceMetrics(paired.pred, paired.human, windows);
      const velAt = definedIndices(human.velocity, measured.velocity);
      const tempoAt = definedIndices(human.tempo, measured.tempo);
      models.push({
        ...base,
        error: null,
        velocity: smoothedAt(measured.velocity, velAt, N, windows),
        tempo: smoothedAt(measured.tempo, tempoAt, G, windows),
        velocityR: m.velocity_r,
        rubatoR: m.rubato_r,
        expressionScore: expressionScore(m, ew),
        sanity: { passed: sanity.passed, failures: sanity.failures, skipped: sanity.skipped },
        outputNotes: h.rendered.notes.length,
        collapsed: sanity.failures.some((f) => f.check === 'velocity-collapsed' || f.check === 'timing-collapsed'),
        elapsedMs: Math.round(performance.now() - t0),
      });
    } catch (err) {
      if (err instanceof EvalCancelled) throw err;
      models.push({
        ...base,
        error: err instanceof Error ? err.message : String(err),
        velocity: null,
        tempo: null,
        velocityR: {},
        rubatoR: {},
        expressionScore: null,
        sanity: null,
        outputNotes: null,
        collapsed: false,
        elapsedMs: Math.round(performance.now() - t0),
      });
    }
  }
  return {
    dataDir: listing.dataDir,
    pieceId: folder.id,
    performance: entry.name,
    split,
    alignment: { source: perf.alignment.source, matchedPct: Math.round(perf.alignment.stats.matchedPct * 100) / 100 },
    scoreNotes: N,
    groups: G,
    windows,
    expressionWindow: ew,
    human: { velocity: smoothedAt(human.velocity, humanVel, N, windows), tempo: smoothedAt(human.tempo, humanTempo, G, windows) },
    models,
    warnings: [...perf.alignment.warnings],
  };
}
