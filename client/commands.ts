// The ONE command table: every command the extension registers, its palette title and where it shows.
// Pure data (no vscode import): test/unit/client/manifest.test.ts checks it against package.json, and
// client/registerCommands.ts must give every id a handler (a type error otherwise).

export interface CommandSpec {
  title: string;
  /**
   * 'always': in the command palette. 'never': only from menus, tree items and other commands (they need
   * an argument). A `when` clause string: shown in the palette when it holds.
   */
  palette: 'always' | 'never' | string;
  /** Codicon for view/title buttons. */
  icon?: string;
  /** Needs a trusted workspace (runs code or processes): `enablement: isWorkspaceTrusted`. */
  trusted?: boolean;
}

export const COMMANDS = {
  'rubato.startRun': { title: 'Start Training', palette: 'always', icon: 'play', trusted: true },
  'rubato.stopRun': { title: 'Stop Run', palette: 'always', icon: 'debug-stop', trusted: true },
  'rubato.resumeRun': { title: 'Resume Run', palette: 'always', icon: 'debug-continue', trusted: true },
  'rubato.tuneBatch': { title: 'Tune Batch Size', palette: 'always', trusted: true },
  'rubato.createRunSpec': { title: 'Create Run Spec', palette: 'always', icon: 'new-file' },
  'rubato.humanizeFile': { title: 'Humanize MIDI…', palette: 'always' },
  'rubato.humanizePreview': { title: 'Humanize and Preview', palette: 'never' },
  'rubato.normalizeMidi': { title: 'Normalize MIDI…', palette: 'always' },
  'rubato.openPianoRoll': { title: 'Open Piano Roll', palette: 'always' },
  'rubato.openLossCurves': { title: 'Open Loss Curves', palette: 'always', icon: 'graph-line' },
  'rubato.openEvalViewer': { title: 'Open Eval Viewer', palette: 'always' },
  'rubato.scanDatasets': { title: 'Scan Datasets', palette: 'always', icon: 'search', trusted: true },
  'rubato.showGpuStatus': { title: 'Show GPU Status', palette: 'always', trusted: true },
  'rubato.selectPython': { title: 'Select Python Interpreter', palette: 'always' },
  'rubato.showServerLog': { title: 'Show Server Log', palette: 'always' },
  'rubato.refresh': { title: 'Refresh', palette: 'never', icon: 'refresh' },
  'rubato.runs.openLog': { title: 'Open Run Log', palette: 'never', icon: 'output' },
  'rubato.runs.openCurves': { title: 'Open Loss Curves for Run', palette: 'never', icon: 'graph-line' },
  'rubato.runs.revealFolder': { title: 'Reveal Run Folder', palette: 'never', icon: 'folder-opened' },
  'rubato.checkpoints.evaluate': { title: 'Evaluate Checkpoint', palette: 'never', icon: 'beaker' },
  'rubato.checkpoints.exportOnnx': { title: 'Export Checkpoint to ONNX', palette: 'never', icon: 'export', trusted: true },
  'rubato.checkpoints.useAsDefault': { title: 'Use as Default Humanizer', palette: 'never', icon: 'star' },
  'rubato.datasets.revealPath': { title: 'Reveal in File Explorer', palette: 'never', icon: 'folder-opened' },
  'rubato.datasets.gitGc': { title: 'Clean Up with git gc', palette: 'never', icon: 'trash' },
  'rubato.datasets.canonicalize': { title: 'Replace Copies with Links', palette: 'never', icon: 'link' },
  'rubato.datasets.undoCanonicalize': { title: 'Undo Replacing Copies with Links…', palette: 'always' },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

/** Registered only when RUBATO_E2E=1 (the real-VS-Code suite); never contributed to package.json. */
export const TEST_STATE_COMMAND = 'rubato._test.state';
