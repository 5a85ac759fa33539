// The `rubato.*` settings as the server sees them: first from initializationOptions, then pulled with
// workspace/configuration after `initialized` and on every didChangeConfiguration (or taken from the push, for
// clients that push). This module owns those two connection hooks — the connection keeps only one handler
// per notification — and fans changes out to the parts that care.

import type { Connection, InitializeParams } from 'vscode-languageserver';
import { PREFLIGHT_MODES, type PreflightMode } from '../protocol/gpu';

export interface ServerSettings {
  /** `rubato.gpuMemoryGiB`: the GPU runs target, for the run-spec memory warning. */
  gpuMemoryGiB: number;
  /** `rubato.pythonPath`: interpreter that imports torch ('' = discover). */
  pythonPath: string;
  /** `rubato.gpuPreflight`: what a start does when the estimate exceeds free GPU memory. */
  gpuPreflight: PreflightMode;
  /** `rubato.runs.maxGpuRuns`. */
  maxGpuRuns: number;
  /** `rubato.runs.stopGraceSeconds`. */
  stopGraceSeconds: number;
  /** `rubato.datasetRoots` ([] = the workspace folders). */
  datasetRoots: string[];
  /** `rubato.defaultModel`: ONNX humanizer to use instead of the bundled one ('' = bundled). */
  defaultModel: string;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  gpuMemoryGiB: 8,
  pythonPath: '',
  gpuPreflight: 'warn',
  maxGpuRuns: 1,
  stopGraceSeconds: 10,
  datasetRoots: [],
  defaultModel: '',
};

const posNumber = (x: unknown, fallback: number): number => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : fallback);
const posInt = (x: unknown, fallback: number): number => (typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : fallback);
const str = (x: unknown, fallback: string): string => (typeof x === 'string' ? x : fallback);

/** Reads a `rubato` settings object (nested `runs.*` or flat `runs.maxGpuRuns` keys), keeping `base` for anything invalid. */
export function settingsFrom(raw: unknown, base: ServerSettings = DEFAULT_SETTINGS): ServerSettings {
  if (typeof raw !== 'object' || raw === null) return base;
  const r = raw as Record<string, unknown>;
  const runs = (typeof r.runs === 'object' && r.runs !== null ? r.runs : {}) as Record<string, unknown>;
  const roots = r.datasetRoots;
  return {
    gpuMemoryGiB: posNumber(r.gpuMemoryGiB, base.gpuMemoryGiB),
    pythonPath: str(r.pythonPath, base.pythonPath),
    gpuPreflight: PREFLIGHT_MODES.includes(r.gpuPreflight as PreflightMode) ? (r.gpuPreflight as PreflightMode) : base.gpuPreflight,
    maxGpuRuns: posInt(runs.maxGpuRuns ?? r['runs.maxGpuRuns'], base.maxGpuRuns),
    stopGraceSeconds: posNumber(runs.stopGraceSeconds ?? r['runs.stopGraceSeconds'], base.stopGraceSeconds),
    datasetRoots: Array.isArray(roots) && roots.every((x) => typeof x === 'string') ? (roots as string[]) : base.datasetRoots,
    defaultModel: str(r.defaultModel, base.defaultModel),
  };
}

export class SettingsStore {
  private value: ServerSettings = DEFAULT_SETTINGS;
  private pulls = false;
  private readonly listeners: ((s: ServerSettings) => void)[] = [];
  private readonly initializedHooks: (() => void)[] = [];
  /** Workspace folders from initializationOptions (absolute paths). */
  workspaceFolders: string[] = [];

  constructor(private readonly connection: Connection) {
    connection.onInitialized(() => {
      for (const h of this.initializedHooks) h();
      this.pull();
    });
    connection.onDidChangeConfiguration((change) => {
      const pushed = (change.settings as { rubato?: unknown } | null)?.rubato;
      if (pushed !== undefined) this.set(settingsFrom(pushed, this.value));
      this.pull();
    });
  }

  get current(): ServerSettings {
    return this.value;
  }

  initialize(params: InitializeParams): void {
    this.pulls = params.capabilities.workspace?.configuration === true;
    const opts = params.initializationOptions as Record<string, unknown> | null | undefined;
    this.value = settingsFrom(opts ?? {}, DEFAULT_SETTINGS);
    const folders = opts?.workspaceFolders;
    this.workspaceFolders = Array.isArray(folders) ? folders.filter((f): f is string => typeof f === 'string') : [];
  }

  /** Called with the new settings whenever they change. */
  onChange(listener: (s: ServerSettings) => void): void {
    this.listeners.push(listener);
  }

  /** Runs once the client has sent `initialized` (the only place to hook it: see the file comment). */
  onInitialized(hook: () => void): void {
    this.initializedHooks.push(hook);
  }

  private pull(): void {
    if (!this.pulls) return;
    this.connection.workspace.getConfiguration('rubato').then(
      (cfg: unknown) => this.set(settingsFrom(cfg, this.value)),
      (err: unknown) => this.connection.console.error(`workspace/configuration rubato: ${String(err)}`),
    );
  }

  private set(next: ServerSettings): void {
    if (JSON.stringify(next) === JSON.stringify(this.value)) return;
    this.value = next;
    for (const l of this.listeners) l(next);
  }
}
