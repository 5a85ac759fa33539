// Diagnostics for a run spec: everything analyzeSpec finds, a missing dataset cache (resolved against the spec file,
// as the trainer resolves it), and a warning when the memory estimate exceeds the GPU's memory. For an external
// spec: a missing [external].cwd.

import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { MANIFEST_FILE } from '../dataset/manifest';
import { analyzeSpec, keyRange, memoryInputOf, type SpecAnalysis, type Severity } from './analyze';
import { estimateMemory, formatBytes, GIB } from './memoryEstimate';

export interface SpecContext {
  /** Absolute path of the spec file; relative paths in it are relative to its folder. Unsaved: undefined. */
  specPath?: string;
  /** Memory of the GPU the run is meant for (`rubato.gpuMemoryGiB`). */
  gpuMemoryGiB: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function specDiagnostics(text: string, ctx: SpecContext): Diagnostic[] {
  const a = analyzeSpec(text);
  const out: Diagnostic[] = a.problems.map((p) => ({ range: p.range, severity: SEVERITY[p.severity], source: 'rubato', message: p.message }));
  if (a.parsed.syntaxError) return out;
  if (a.external) {
    const cwd = cwdProblem(a, ctx);
    if (cwd) out.push(cwd);
    return out; // no dataset cache, and the memory estimate is PerformanceNet's
  }
  const cache = cachePathProblem(a, ctx);
  if (cache) out.push(cache);
  const memory = memoryProblem(a, ctx);
  if (memory) out.push(memory);
  return out;
}

/** A spec path as config.py resolves it: `~` expanded, relative to the spec's folder. */
export function resolveSpecPath(value: string, specPath: string): string {
  const expanded = value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
  return path.resolve(path.dirname(specPath), expanded);
}

function cachePathProblem(a: SpecAnalysis, ctx: SpecContext): Diagnostic | undefined {
  const entry = a.entries.get('data.cache');
  if (!ctx.specPath || !entry || a.invalid.has('data.cache')) return undefined;
  const abs = resolveSpecPath(a.values.get('data.cache') as string, ctx.specPath);
  const build = `build it with \`rubato dataset build --data <corpus> --out ${abs}\``;
  if (!existsSync(abs)) {
    return { range: entry.valueRange, severity: DiagnosticSeverity.Warning, source: 'rubato', message: `[data].cache: ${abs} does not exist; ${build}` };
  }
  if (!existsSync(path.join(abs, MANIFEST_FILE))) {
    return { range: entry.valueRange, severity: DiagnosticSeverity.Warning, source: 'rubato', message: `[data].cache: ${abs} has no ${MANIFEST_FILE}, so it is not a dataset cache; ${build}` };
  }
  return undefined;
}

/** An external spec's [external].cwd that does not exist (relative to the spec, like every spec path). */
function cwdProblem(a: SpecAnalysis, ctx: SpecContext): Diagnostic | undefined {
  const cwd = a.external?.cwd;
  if (!ctx.specPath || cwd === null || cwd === undefined) return undefined;
  const abs = resolveSpecPath(cwd, ctx.specPath);
  if (existsSync(abs) && statSync(abs).isDirectory()) return undefined;
  const range = keyRange(a, 'external', 'cwd');
  const entry = a.parsed.entries.find((e) => e.path[0] === 'external' && e.path[1] === 'cwd');
  return { range: entry?.valueRange ?? range, severity: DiagnosticSeverity.Error, source: 'rubato', message: `[external].cwd: ${abs} ${existsSync(abs) ? 'is not a folder' : 'does not exist'}; the command cannot start there` };
}

function memoryProblem(a: SpecAnalysis, ctx: SpecContext): Diagnostic | undefined {
  if (a.problems.some((p) => p.severity === 'error')) return undefined;
  const input = memoryInputOf(a.values);
  if (input.device === 'cpu') return undefined;
  const e = estimateMemory(input);
  if (e.totalBytes <= ctx.gpuMemoryGiB * GIB) return undefined;
  return {
    range: keyRange(a, 'batch', 'micro_batch'),
    severity: DiagnosticSeverity.Warning,
    source: 'rubato',
    message: `estimated training memory ${formatBytes(e.totalBytes)} exceeds the GPU's ${ctx.gpuMemoryGiB} GiB (rubato.gpuMemoryGiB): lower [batch].micro_batch (raise grad_accum to keep the effective batch), turn on grad_checkpointing, or run "Tune batch size"`,
  };
}
