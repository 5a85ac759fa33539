// Runs inside the real extension host (code-server's Node extension host) against the real server, the
// real trainer and the bundled model. The views are asserted through `rubato._test.state` (a JSON
// snapshot of the tree models, registered only under RUBATO_E2E=1); pixels are the UI journeys' job.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../../server/protocol';

const EXTENSION_ID = 'rubato.rubato';

interface TestState {
  serverRunning: boolean;
  health: { health: string; busy: boolean } | null;
  trusted: boolean;
  views: Record<string, { id: string; label: string; description?: string; icon?: { id: string } }[]>;
  runs: RunInfo[];
  datasetRoots: string[];
  pianoRolls: { uri: string; dirty: boolean; editors: number }[];
}

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this suite through test/vscode/run.ts`);
  return v;
};

async function state(): Promise<TestState> {
  return JSON.parse(await vscode.commands.executeCommand<string>('rubato._test.state')) as TestState;
}

async function until<T>(what: string, f: (s: TestState) => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: TestState | undefined;
  for (;;) {
    last = await state();
    const v = f(last);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function defineSuites(): void {
  const workspace = env('RUBATO_E2E_WORKSPACE');
  const spec = env('RUBATO_E2E_SPEC');
  const midi = env('RUBATO_E2E_MIDI');

  suite('activation and views', () => {
    test('the extension activates, its server starts and the three views populate', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is loaded as a development extension`);
      await ext.activate();
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['rubato.startRun', 'rubato.stopRun', 'rubato.humanizePreview', 'rubato.openLossCurves', 'rubato.openEvalViewer', 'rubato.scanDatasets', 'rubato.showGpuStatus']) {
        assert.ok(commands.includes(c), `${c} is registered`);
      }
      const s = await until('the server', (x) => x.serverRunning && x);
      assert.deepEqual(s.datasetRoots, [workspace]);
      await vscode.commands.executeCommand('workbench.view.extension.rubato');
      await until('the datasets view to show its root', (x) => (x.views['rubato.datasets'] ?? []).some((n) => n.label.includes(path.basename(workspace)) || (n.description ?? '').includes(workspace)));
      for (const view of ['rubato.runs', 'rubato.checkpoints', 'rubato.datasets']) assert.ok(view in s.views, `${view} has a model`);
    });
  });

  suite('datasets', () => {
    test('Scan Datasets finds the duplicated dataset cache as one folder group with reclaimable bytes', async () => {
      await vscode.commands.executeCommand('rubato.scanDatasets');
      const group = await until('a duplicate-folder group', (s) => (s.views['rubato.datasets'] ?? []).find((n) => /copies/.test(n.description ?? '') && /dataset cache/.test(n.description ?? '')), 120_000);
      assert.match(group.description ?? '', /2 copies · .* reclaimable/);
    });
  });

  suite('training from the palette', () => {
    test('Start Training runs a tiny CPU training; the Runs view shows it finished with a scored checkpoint', async () => {
      await vscode.commands.executeCommand('rubato.startRun', vscode.Uri.file(spec));
      const run = await until('the run to finish', (s) => s.runs.find((r) => r.specPath === spec && (r.state === 'finished' || r.state === 'failed')), 240_000);
      assert.equal(run.state, 'finished', run.message ?? '');
      assert.equal(run.step, run.totalSteps);
      const s = await until('the Runs view to show it', (x) => (x.views['rubato.runs'] ?? []).some((n) => n.label.includes(run.name) && n.icon?.id !== 'sync~spin') && x);
      const node = s.views['rubato.runs']!.find((n) => n.label.includes(run.name))!;
      assert.match(`${node.label} ${node.description ?? ''} ${node.icon?.id ?? ''}`, /pass|check|finished/i);
      const cps = await until('a checkpoint with an expression score', (x) => (x.views['rubato.checkpoints'] ?? []).filter((n) => /expr|score/i.test(`${n.label} ${n.description ?? ''}`)));
      assert.ok(cps.length >= 1);
      assert.ok(existsSync(path.join(run.runDir, 'metrics.jsonl')));
    });
  });

  suite('humanize and preview', () => {
    test('Humanize and Preview opens the piano roll with a take; saving writes <name>.humanized.mid beside the original', async () => {
      const before = readFileSync(midi);
      await vscode.commands.executeCommand('rubato.humanizePreview', vscode.Uri.file(midi));
      const roll = await until('a piano roll with an unsaved humanized take', (s) => s.pianoRolls.find((p) => vscode.Uri.parse(p.uri).fsPath === midi && p.dirty && p.editors > 0));
      assert.ok(roll);
      await vscode.commands.executeCommand('workbench.action.files.save');
      const out = path.join(path.dirname(midi), `${path.basename(midi, '.mid')}.humanized.mid`);
      await until('the humanized file', () => existsSync(out));
      assert.deepEqual(readFileSync(midi), before, 'the original is never touched');
      const written = readFileSync(out);
      assert.equal(written.subarray(0, 4).toString('latin1'), 'MThd');
      assert.notDeepEqual(written, before);
    });
  });
}
