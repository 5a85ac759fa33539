// An external spec turned into what the run supervisor needs to start and read the run: the command,
// absolute folders, environment, GPU slot, and the metrics source with its paths resolved. Reads the
// spec file (unless given its text) and checks the folder the command runs in; starts nothing.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MetricsSourceSpec } from '../metrics/source';
import { STDOUT_PRESETS, type StdoutPattern } from '../metrics/stdoutPatterns';
import { analyzeSpec } from './analyze';
import { resolveSpecPath } from './diagnostics';

export interface ExternalRunPlan {
  command: string[];
  /** Absolute folder the command runs in. */
  cwd: string;
  /** Only the spec's variables; the supervisor adds them to its own environment. */
  env: Record<string, string>;
  gpu: boolean;
  totalSteps: number | null;
  /** Absolute run folder ([run].out). */
  runDir: string;
  metrics: MetricsSourceSpec;
}

export type ExternalRunResult = ExternalRunPlan | { errors: string[] };

/** Whether a spec text is an external run (has [external]); the supervisor picks the run kind by it. */
export { looksExternal as isExternalSpecText } from './externalSchema';

/**
 * The plan of an external spec, or every error, each starting with `file:line:` (1-based). `text` is the
 * spec's content when the caller has it (an unsaved editor buffer); otherwise the file is read.
 */
export function readExternalRun(specPath: string, text?: string): ExternalRunResult {
  const abs = path.resolve(specPath);
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(abs, 'utf8');
    } catch (err) {
      return { errors: [`${abs}: cannot read the spec: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }
  const a = analyzeSpec(source);
  const errors = a.problems.filter((p) => p.severity === 'error').map((p) => `${abs}:${p.range.start.line + 1}: ${p.message}`);
  if (!a.parsed.syntaxError && !a.external) errors.push(`${abs}: not an external run spec (it has no [external] section); it is a PerformanceNet training spec`);
  const x = a.external;
  if (errors.length || !x || x.command === null || x.out === null) return { errors: errors.length ? errors : [`${abs}: incomplete external spec`] };

  const cwd = x.cwd === null ? path.dirname(abs) : resolveSpecPath(x.cwd, abs);
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) return { errors: [`${abs}: [external].cwd: ${cwd} is not an existing folder; the command cannot start there`] };

  let metrics: MetricsSourceSpec;
  // Metrics paths are the script's own: relative to the folder it runs in (`~` expanded as for spec paths).
  const inCwd = (p: string): string => resolveSpecPath(p, path.join(cwd, 'spec'));
  if (x.source === 'jsonl') metrics = { kind: 'jsonl', path: inCwd(x.path!), ...(x.stepKey !== null ? { stepKey: x.stepKey } : {}), ...(x.timeKey !== null ? { timeKey: x.timeKey } : {}) };
  else if (x.source === 'tfevents') metrics = { kind: 'tfevents', dir: inCwd(x.path!) };
  else {
    const preset: readonly StdoutPattern[] = x.preset !== null ? (STDOUT_PRESETS[x.preset] ?? []) : [];
    metrics = { kind: 'stdout', patterns: [...preset.map((p) => ({ ...p })), ...x.patterns.map((p) => p.pattern)] };
  }
  return { command: [...x.command], cwd, env: { ...x.env }, gpu: x.gpu, totalSteps: x.totalSteps, runDir: resolveSpecPath(x.out, abs), metrics };
}
