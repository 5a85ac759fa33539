// The persisted run record: everything needed to find, judge, stop, resume and re-attach to a run from
// any process (server or CLI), one `record.json` per run in the state folder, replaced atomically.
// Reading validates the shape: a damaged record is reported with its file and skipped, never a crash.

import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../dataset/atomic';
import { RUN_STATES, type RunInfo, type RunState } from '../protocol/runs';
import { withFileLock } from './fileLock';
import { runsRoot, runStateDir, RUN_ID_PATTERN, STATE_FILES } from './paths';
import type { LaunchPlan } from './plan';

export const RECORD_VERSION = 1;

/** A process as identified across pid reuse. */
export interface ProcRef {
  pid: number;
  startTicks: number | null;
}

/** The launch plan it was started from (persisted whole), plus what the supervisor learns about the run. */
export interface RunRecord extends LaunchPlan {
  version: typeof RECORD_VERSION;
  id: string;
  state: RunState;
  /** Milliseconds between SIGINT and SIGKILL on stop. */
  graceMs: number;
  /** The first launch already continues an existing run folder (`rubato train --resume` without an earlier record). */
  continues?: boolean;
  /** The exit-recording shim: group leader of the run's process group. */
  leader: ProcRef | null;
  /** Descendants seen while the run was alive (a child that called setsid leaves the group; we still kill it). */
  tree: ProcRef[];
  /** The supervisor process that tails and ingests this run; another one only observes while it lives. */
  owner: ProcRef | null;
  launches: number;
  queuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  stopRequestedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  message: string | null;
  step: number | null;
  lastLoss: number | null;
  etaSec: number | null;
  bestCheckpoint: string | null;
  bestExpressionScore: number | null;
}

export const recordFile = (stateDir: string, id: string): string => path.join(runStateDir(stateDir, id), STATE_FILES.record);

/** The protocol's view of a record. */
export function toRunInfo(r: RunRecord): RunInfo {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    state: r.state,
    specPath: r.specPath,
    runDir: r.runDir,
    pid: r.leader && !['queued', 'finished', 'failed', 'stopped'].includes(r.state) ? r.leader.pid : null,
    device: r.device,
    usesGpu: r.usesGpu,
    step: r.step,
    totalSteps: r.totalSteps,
    lastLoss: r.lastLoss,
    etaSec: r.etaSec,
    queuedAt: r.queuedAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    exitCode: r.exitCode,
    signal: r.signal,
    message: r.message,
    bestCheckpoint: r.bestCheckpoint,
    bestExpressionScore: r.bestExpressionScore,
  };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNumOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isProcRef = (v: unknown): boolean => {
  const o = v as ProcRef | null;
  return typeof o === 'object' && o !== null && Number.isInteger(o.pid) && o.pid > 0 && isNumOrNull(o.startTicks);
};

/** The first problem of a parsed record.json, or null when it has the shape of a RunRecord. */
export function recordProblem(x: unknown): string | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not a JSON object';
  const r = x as Record<string, unknown>;
  if (r.version !== RECORD_VERSION) return `version ${JSON.stringify(r.version)} is not ${RECORD_VERSION}`;
  if (!isStr(r.id) || !RUN_ID_PATTERN.test(r.id)) return 'id is not a run id';
  if (r.kind !== 'trainer' && r.kind !== 'external') return 'kind must be trainer or external';
  if (!RUN_STATES.includes(r.state as RunState)) return `state ${JSON.stringify(r.state)} is unknown`;
  for (const k of ['name', 'specPath', 'runDir', 'cwd', 'device'] as const) if (!isStr(r[k])) return `${k} must be a string`;
  for (const k of ['command', 'resumeArgs'] as const) if (!Array.isArray(r[k]) || !(r[k] as unknown[]).every(isStr)) return `${k} must be a list of strings`;
  if ((r.command as string[]).length === 0) return 'command is empty';
  if (typeof r.env !== 'object' || r.env === null || !Object.values(r.env).every(isStr)) return 'env must map names to strings';
  if (typeof r.usesGpu !== 'boolean') return 'usesGpu must be a boolean';
  if (r.continues !== undefined && typeof r.continues !== 'boolean') return 'continues must be a boolean';
  if (!(Number.isInteger(r.graceMs) && (r.graceMs as number) >= 0)) return 'graceMs must be a non-negative integer';
  if (!(Number.isInteger(r.launches) && (r.launches as number) >= 0)) return 'launches must be a non-negative integer';
  if (!(typeof r.queuedAt === 'number')) return 'queuedAt must be a number';
  for (const k of ['totalSteps', 'startedAt', 'endedAt', 'stopRequestedAt', 'exitCode', 'step', 'lastLoss', 'etaSec', 'bestExpressionScore'] as const) {
    if (!isNumOrNull(r[k])) return `${k} must be a number or null`;
  }
  for (const k of ['signal', 'message', 'bestCheckpoint'] as const) if (!isStrOrNull(r[k])) return `${k} must be a string or null`;
  for (const k of ['leader', 'owner'] as const) if (r[k] !== null && !isProcRef(r[k])) return `${k} must be {pid, startTicks} or null`;
  if (!Array.isArray(r.tree) || !r.tree.every(isProcRef)) return 'tree must be a list of {pid, startTicks}';
  if (r.metricsSource !== null && (typeof r.metricsSource !== 'object' || !isStr((r.metricsSource as { kind?: unknown }).kind))) return 'metricsSource must be an object or null';
  return null;
}

export class RecordError extends Error {}

export function readRecord(stateDir: string, id: string): RunRecord {
  const file = recordFile(stateDir, id);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RecordError(code === 'ENOENT' ? `no run with id ${id} (${file} does not exist)` : `${file}: ${(e as Error).message}`);
  }
  const bad = recordProblem(parsed);
  if (bad) throw new RecordError(`${file}: not a run record: ${bad}`);
  return parsed as RunRecord;
}

export function writeRecord(stateDir: string, r: RunRecord): void {
  mkdirSync(runStateDir(stateDir, r.id), { recursive: true });
  writeFileAtomic(recordFile(stateDir, r.id), JSON.stringify(r, null, 2) + '\n');
}

/** Read-modify-write under the run's lock, so the server and a CLI never lose each other's change. */
export function updateRecord(stateDir: string, id: string, change: (r: RunRecord) => void): RunRecord {
  return withFileLock(path.join(runStateDir(stateDir, id), STATE_FILES.lock), () => {
    const r = readRecord(stateDir, id);
    change(r);
    writeRecord(stateDir, r);
    return r;
  });
}

/** Every readable record, oldest first; damaged ones come back as problems naming their file. */
export function loadRecords(stateDir: string): { records: RunRecord[]; problems: string[] } {
  const root = runsRoot(stateDir);
  const records: RunRecord[] = [];
  const problems: string[] = [];
  if (!existsSync(root)) return { records, problems };
  for (const id of readdirSync(root).sort()) {
    if (!RUN_ID_PATTERN.test(id) || !existsSync(recordFile(stateDir, id))) continue;
    try {
      records.push(readRecord(stateDir, id));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  records.sort((a, b) => a.queuedAt - b.queuedAt || a.id.localeCompare(b.id));
  return { records, problems };
}
