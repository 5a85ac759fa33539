// The run protocol (server/protocol/runs.ts) on top of the run supervisor: requests are validated, starts
// pass Workspace Trust and the GPU memory preflight first, and the supervisor's events become
// `rubato/runs/updated` and `rubato/runs/metricsAppended` notifications. Run health feeds `rubato/status`.

import { readFileSync } from 'node:fs';
import type { Connection } from 'vscode-languageserver';
import { preflight } from '../gpu/preflight';
import {
  checkListCheckpointsParams,
  checkRunIdParams,
  checkRunMetricsParams,
  checkStartRunParams,
  isTerminalState,
  ListCheckpointsRequest,
  ListRunsRequest,
  ResumeRunRequest,
  RunLogRequest,
  RunMetricsNotification,
  RunMetricsRequest,
  RunUpdatedNotification,
  StartRunRequest,
  StopRunRequest,
  type ListCheckpointsParams,
  type ListCheckpointsResult,
  type ListRunsResult,
  type RunIdParams,
  type RunInfo,
  type RunLogResult,
  type RunMetricsParams,
  type RunMetricsResult,
  type StartRunParams,
  type StartRunResult,
} from '../protocol';
import { RunRefused, type RunSupervisor } from '../runs/supervisor';
import { SpecRefused } from '../runs/trainerPlan';
import { analyzeSpec, memoryInputOf } from '../runspec/analyze';
import { estimateMemory } from '../runspec/memoryEstimate';
import { onValidatedRequest, UserFacingError } from './request';
import type { SettingsStore } from './settings';
import type { StatusReporter } from './status';
import type { TrustGate } from './trust';

/** Rows per backfill page when the client sets no limit: big enough to be quick, small enough for one message. */
const DEFAULT_PAGE_ROWS = 5000;

/** A refusal the user must act on becomes InvalidParams with its own words. */
function asUserFacing<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RunRefused || err instanceof SpecRefused) throw new UserFacingError(err.message);
    throw err;
  }
}

/** Estimated training memory of a trainer spec on a GPU; undefined for CPU runs, external runs and unreadable specs. */
export function gpuEstimateBytes(specPath: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(specPath, 'utf8');
  } catch {
    return undefined;
  }
  const a = analyzeSpec(text);
  if (a.problems.some((p) => p.severity === 'error') || a.external) return undefined;
  const input = memoryInputOf(a.values);
  return input.device === 'cpu' ? undefined : estimateMemory(input).totalBytes;
}

export function runsStatus(runs: readonly RunInfo[]): { health: 'ok' | 'warning'; message: string; busy: boolean } {
  const busy = runs.some((r) => !isTerminalState(r.state));
  // A failure shows until the run is resumed or a newer run of the same spec finishes.
  const latest = new Map<string, RunInfo>();
  for (const r of runs) {
    const prev = latest.get(r.specPath);
    if (!prev || r.queuedAt > prev.queuedAt) latest.set(r.specPath, r);
  }
  const failed = [...latest.values()].filter((r) => r.state === 'failed');
  return failed.length
    ? { health: 'warning', message: `run ${failed.map((r) => r.name).join(', ')} failed`, busy }
    : { health: 'ok', message: '', busy };
}

export function registerRunHandlers(connection: Connection, supervisor: RunSupervisor, deps: { trust: TrustGate; settings: SettingsStore; status: StatusReporter }): void {
  const { trust, settings, status } = deps;
  // Health is computed from the runs as the events describe them: listing would re-read every record from
  // disk, and updates come several times a second while a run trains.
  const known = new Map(supervisor.list().map((r) => [r.id, r]));
  const report = (): void => status.report('runs', runsStatus([...known.values()]));

  supervisor.on('runUpdated', (run) => {
    known.set(run.id, run);
    void connection.sendNotification(RunUpdatedNotification.method, { run }).catch(() => undefined);
    report();
  });
  supervisor.on('metricsAppended', (m) => void connection.sendNotification(RunMetricsNotification.method, m).catch(() => undefined));
  report();

  onValidatedRequest<StartRunParams, StartRunResult>(connection, StartRunRequest.method, checkStartRunParams, async (p) => {
    trust.require('start runs');
    const warnings: string[] = [];
    const plan = asUserFacing(() => supervisor.plan(p.specPath));
    const estimate = plan.usesGpu ? gpuEstimateBytes(p.specPath) : undefined;
    if (estimate !== undefined) {
      const mode = p.ignorePreflight ? 'warn' : settings.current.gpuPreflight;
      const pf = await preflight({ estimateBytes: estimate, mode, gpuMemoryGiB: settings.current.gpuMemoryGiB, ownedPids: new Set(supervisor.ownedPids()) });
      if (!pf.ok) throw new UserFacingError(`not started: ${pf.refusal ?? 'the memory preflight refused the run'} (rubato.gpuPreflight = "refuse"; start anyway to override)`);
      warnings.push(...pf.warnings);
    }
    const run = asUserFacing(() => supervisor.start(p.specPath, { trusted: trust.trusted }));
    known.set(run.id, run);
    report();
    return { run, warnings };
  });

  onValidatedRequest<RunIdParams, RunInfo>(connection, StopRunRequest.method, checkRunIdParams, (p) => asUserFacing(() => supervisor.stop(p.id)));

  onValidatedRequest<RunIdParams, RunInfo>(connection, ResumeRunRequest.method, checkRunIdParams, (p) => {
    trust.require('resume runs');
    return asUserFacing(() => supervisor.resume(p.id, { trusted: trust.trusted }));
  });

  onValidatedRequest<unknown, ListRunsResult>(connection, ListRunsRequest.method, () => null, () => ({ runs: supervisor.list() }));

  onValidatedRequest<RunMetricsParams, RunMetricsResult>(connection, RunMetricsRequest.method, checkRunMetricsParams, (p) =>
    asUserFacing(() => {
      if (!supervisor.get(p.id)) throw new RunRefused(`no run ${p.id}`);
      const page = supervisor.readMetrics(p.id, p.fromOffset, p.limit ?? DEFAULT_PAGE_ROWS);
      return { id: p.id, ...page };
    }),
  );

  onValidatedRequest<RunIdParams, RunLogResult>(connection, RunLogRequest.method, checkRunIdParams, (p) =>
    asUserFacing(() => {
      if (!supervisor.get(p.id)) throw new RunRefused(`no run ${p.id}`);
      return { id: p.id, ...supervisor.logTail(p.id, 200) };
    }),
  );

  onValidatedRequest<ListCheckpointsParams | undefined, ListCheckpointsResult>(connection, ListCheckpointsRequest.method, checkListCheckpointsParams, (p) =>
    asUserFacing(() => {
      if (p?.id && !supervisor.get(p.id)) throw new RunRefused(`no run ${p.id}`);
      return { checkpoints: supervisor.checkpoints(p?.id) };
    }),
  );
}
