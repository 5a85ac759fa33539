// Binds every id of the command table (commands.ts) to its handler. The Record type makes a missing
// or extra handler a compile error, so the table, package.json (checked by a test) and this agree.

import * as vscode from 'vscode';
import { evaluateCheckpoint, exportCheckpoint, useAsDefault } from './checkpoints/checkpointCommands';
import { COMMANDS, type CommandId } from './commands';
import type { RubatoContext } from './context';
import { revealDatasetPath, scanDatasets } from './datasets/datasetCommands';
import type { EvalViewerPanels } from './evalViewer/evalViewerPanel';
import { showGpuStatus } from './gpu/gpuStatus';
import type { LossCurvesViewProvider } from './lossCurves/lossCurvesView';
import { humanizeFile, humanizePreview, openPianoRoll } from './pianoRoll/humanizeCommands';
import { normalizeMidi } from './pianoRoll/normalizeCommand';
import type { PianoRollProvider } from './pianoRoll/provider';
import { selectPython } from './python/selectPython';
import { createRunSpec } from './runs/createRunSpec';
import { openRunCurves, openRunLog, resumeRun, revealRunFolder, startRun, stopRun, tuneBatch } from './runs/runCommands';
import { runIdFromArg } from './runs/resolveRun';
import { canonicalizeGroup, gitGc, undoCanonicalize } from './datasets/datasetActions';
import { refreshAll } from './server/sync';

export interface Features {
  pianoRoll: PianoRollProvider;
  lossCurves: LossCurvesViewProvider;
  evalViewer: EvalViewerPanels;
}

type Handler = (...args: unknown[]) => unknown;

export function registerCommands(ctx: RubatoContext, f: Features): vscode.Disposable[] {
  const handlers: Record<CommandId, Handler> = {
    // A run just started is the one the loss curves show next (at once when they are open).
    'rubato.startRun': async (spec) => {
      const run = await startRun(ctx, spec as string | vscode.Uri | undefined);
      if (run) await f.lossCurves.follow(run.id);
    },
    'rubato.stopRun': (arg) => stopRun(ctx, arg),
    'rubato.resumeRun': (arg) => resumeRun(ctx, arg),
    'rubato.tuneBatch': (spec) => tuneBatch(ctx, spec as string | vscode.Uri | undefined),
    'rubato.createRunSpec': () => createRunSpec(ctx),
    'rubato.humanizeFile': (uri) => humanizeFile(ctx, f.pianoRoll, uri),
    'rubato.humanizePreview': (uri) => humanizePreview(ctx, f.pianoRoll, uri),
    'rubato.normalizeMidi': (uri) => normalizeMidi(ctx, f.pianoRoll, uri),
    'rubato.openPianoRoll': (uri) => openPianoRoll(uri),
    // Without a run named, the curves open on the run training now (or just queued), added to the selection.
    'rubato.openLossCurves': (arg) => f.lossCurves.focus(runIdFromArg(arg) ?? ctx.runs.currentRun()?.id ?? undefined),
    'rubato.openEvalViewer': (args) => f.evalViewer.open(typeof args === 'object' && args !== null ? (args as { checkpointPaths?: string[] }) : undefined),
    'rubato.scanDatasets': () => scanDatasets(ctx),
    'rubato.showGpuStatus': () => showGpuStatus(ctx),
    'rubato.selectPython': () => selectPython(),
    'rubato.showServerLog': () => ctx.client.outputChannel.show(true),
    'rubato.refresh': () => refreshAll(ctx),
    'rubato.runs.openLog': (arg) => openRunLog(ctx, arg),
    'rubato.runs.openCurves': (arg) => openRunCurves(ctx, arg),
    'rubato.runs.revealFolder': (arg) => revealRunFolder(ctx, arg),
    'rubato.checkpoints.evaluate': (arg) => evaluateCheckpoint(ctx, arg),
    'rubato.checkpoints.exportOnnx': (arg) => exportCheckpoint(ctx, arg),
    'rubato.checkpoints.useAsDefault': (arg) => useAsDefault(ctx, arg),
    'rubato.datasets.revealPath': (arg) => revealDatasetPath(ctx, arg),
    'rubato.datasets.gitGc': (arg) => gitGc(ctx, arg),
    'rubato.datasets.canonicalize': (arg) => canonicalizeGroup(ctx, arg),
    'rubato.datasets.undoCanonicalize': (arg) => undoCanonicalize(ctx, arg),
  };
  return (Object.keys(COMMANDS) as CommandId[]).map((id) => vscode.commands.registerCommand(id, handlers[id]));
}
