// Two status-bar items: the active run (click → its loss curves) and server health (click → server log).

import * as vscode from 'vscode';
import type { HealthModel } from './healthModel';
import type { RunsModel } from '../runs/runsModel';
import { runStatusText } from './runStatusText';

export function registerStatusBar(runs: RunsModel, health: HealthModel): vscode.Disposable[] {
  const runItem = vscode.window.createStatusBarItem('rubato.activeRun', vscode.StatusBarAlignment.Left, 50);
  runItem.name = 'Rubato: Active Run';
  const healthItem = vscode.window.createStatusBarItem('rubato.health', vscode.StatusBarAlignment.Left, 49);
  healthItem.name = 'Rubato: Server Health';
  healthItem.command = 'rubato.showServerLog';

  const showRun = (): void => {
    const run = runs.activeRun();
    if (!run) {
      runItem.hide();
      return;
    }
    runItem.text = runStatusText(run);
    runItem.tooltip = `Rubato run ${run.name} (${run.state}) — click for loss curves`;
    runItem.command = { command: 'rubato.openLossCurves', title: 'Open Loss Curves', arguments: [run.id] };
    runItem.show();
  };
  const showHealth = (): void => {
    const v = health.view();
    healthItem.text = v.text;
    healthItem.tooltip = v.tooltip;
    healthItem.backgroundColor = v.background ? new vscode.ThemeColor(`statusBarItem.${v.background}Background`) : undefined;
    healthItem.show();
  };
  showRun();
  showHealth();
  return [runItem, healthItem, runs.changed.on(showRun), health.changed.on(showHealth)];
}
