// Where runs are recorded: the state folder (one sub-folder per run id, no shared index file, so the
// server and any number of CLI processes can read and update runs side by side) and the fixed file
// names inside a run's state folder and its run folder.

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** `RUBATO_STATE_DIR`, else `$XDG_STATE_HOME/rubato`, else `~/.local/state/rubato`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUBATO_STATE_DIR) return path.resolve(env.RUBATO_STATE_DIR);
  if (env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)) return path.join(env.XDG_STATE_HOME, 'rubato');
  return path.join(os.homedir(), '.local', 'state', 'rubato');
}

export const runsRoot = (stateDir: string): string => path.join(stateDir, 'runs');
export const runStateDir = (stateDir: string, id: string): string => path.join(runsRoot(stateDir), id);

/** Files in a run's state folder (ours alone; the run folder is shared with the trainer). */
export const STATE_FILES = {
  /** The persisted record (RunRecord), replaced atomically. */
  record: 'record.json',
  /** Written by the shim when the command exits: {code, signal}. */
  exit: 'exit.json',
  /** The ingest offsets of the supervisor that tails the run (source and metrics positions). */
  ingest: 'ingest.json',
  /** Short-lived lock for read-modify-write of record.json. */
  lock: 'record.lock',
} as const;

/** Files in the run folder. */
export const RUN_FILES = {
  /** Combined stdout + stderr of every launch of the run, appended. */
  log: 'output.log',
  /** One JSON object per line: the trainer's own, or rows the ingestor normalized from an external source. */
  metrics: 'metrics.jsonl',
  /** The trainer's status (atomic); external runs have none. */
  status: 'status.json',
  /** A copy of the spec as it was at the last launch (not `.run.toml`, so editors do not treat it as a live spec). */
  specCopy: 'spec.toml',
  checkpoints: 'checkpoints',
} as const;

/** Sortable, unique, safe in paths and in the protocol's run-id pattern: `20250101-120000-ab12cd`. */
export function newRunId(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const RUN_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
