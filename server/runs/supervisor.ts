// The run supervisor: starts runs (the trainer or an external command) detached in their own process
// group through the exit-recording shim, queues them (GPU slots), stops them (SIGINT, grace, then SIGKILL
// of the whole tree), resumes them, and tails their metrics into typed events. Everything it knows is
// persisted per run in the state folder, so a new supervisor (a restarted server, or the CLI) re-attaches
// to runs that are still alive and judges the ones that died while nobody watched.
//
// Several supervisors may share one state folder (the server and a `rubato train` in a terminal): each
// active run has one *owner* (recorded by pid + start time) that ingests, records progress and judges the
// end; the others only observe. A dead owner is replaced by the next supervisor that looks.

import { EventEmitter } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isSameProcess } from '../proc/procTable';
import { isTerminalState, type CheckpointInfo, type MetricRow, type RunInfo, type RunState } from '../protocol/runs';
import { listCheckpoints, readTrainerStatus } from './checkpoints';
import { selfIdentity, withFileLock } from './fileLock';
import { Ingestor, type SourceParsers } from './ingest';
import { launchDetached } from './launch';
import { killRun, runProcesses, signalGroup } from './killTree';
import { readLines, tailLines } from './lines';
import { runsRoot, runStateDir, RUN_FILES, STATE_FILES, newRunId } from './paths';
import type { LaunchPlan } from './plan';
import { ProgressMeter } from './progress';
import { loadRecords, readRecord, RECORD_VERSION, recordFile, toRunInfo, updateRecord, writeRecord, type ProcRef, type RunRecord } from './record';
import { readMetrics, rowFromMetricsLine, type MetricsPage } from './rows';

export interface MetricsAppended {
  id: string;
  rows: MetricRow[];
  fromOffset: number;
  nextOffset: number;
}

export interface SupervisorEvents {
  runUpdated: [RunInfo];
  metricsAppended: [MetricsAppended];
}

export interface SupervisorOptions {
  /** The state folder (default: defaultStateDir()). */
  stateDir: string;
  /** Turns a spec path into a launch plan (trainer or external); throws an Error with a clear message when it cannot. */
  planFromSpec: (specPath: string) => LaunchPlan;
  /** Decoders for external runs' metrics sources. */
  parsers?: SourceParsers;
  /** Runs holding the GPU at once (default 1). */
  maxGpuRuns?: number;
  /** CPU runs at once (default: no limit). */
  maxCpuRuns?: number;
  /** Milliseconds between SIGINT and SIGKILL on stop (default 30 000: the trainer finishes its step and checkpoints). */
  graceMs?: number;
  /** Poll period of the tail (default 200 ms; fs.watch wakes it sooner where it works). */
  pollMs?: number;
  /** false: no timers and no watching (one-shot CLI commands); default true. */
  watch?: boolean;
}

/** A refusal the user must act on (untrusted workspace, busy run folder, wrong state): shown as is. */
export class RunRefused extends Error {}

export const UNTRUSTED_MESSAGE =
  'this workspace is not trusted, so Rubato does not start runs or external commands in it; trust the workspace (Workspaces: Manage Workspace Trust) to train';

const ACTIVE: readonly RunState[] = ['starting', 'running', 'stopping'];
const isActive = (s: RunState): boolean => ACTIVE.includes(s);
const LOG_LINES_ON_FAILURE = 12;
const TREE_EVERY_MS = 1000;
const PERSIST_EVERY_MS = 2000;
const RESCAN_EVERY_MS = 1000;
const SEED_BYTES = 64 << 10;
const WAKE_COALESCE_MS = 20;

/** What this supervisor holds about one run between ticks. */
interface Watch {
  record: RunRecord;
  recordMtimeMs: number;
  /** Next byte of metrics.jsonl to announce (and its identity, to notice a rewrite). */
  metricsOffset: number;
  metricsIno: number | null;
  meter: ProgressMeter;
  ingestor?: Ingestor;
  logSizeAtLaunch: number;
  statusMtimeMs: number;
  lastTreeAt: number;
  lastPersistAt: number;
  dirty: boolean;
  lastEmitted: string;
}

export class RunSupervisor extends EventEmitter<SupervisorEvents> {
  readonly stateDir: string;
  private readonly opts: Required<Omit<SupervisorOptions, 'parsers'>> & { parsers?: SourceParsers };
  private readonly me: ProcRef;
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  private watchers = new Map<string, FSWatcher>();
  private lastRescanAt = 0;
  private ticking = false;
  private wakePending = false;
  private disposed = false;
  /** Problems met while loading or tailing (damaged records, unreadable files), for logs and status. */
  readonly problems: string[] = [];

  constructor(options: SupervisorOptions) {
    super();
    this.opts = { maxGpuRuns: 1, maxCpuRuns: Number.POSITIVE_INFINITY, graceMs: 30_000, pollMs: 200, watch: true, ...options };
    this.stateDir = options.stateDir;
    this.me = selfIdentity();
    mkdirSync(runsRoot(this.stateDir), { recursive: true });
    this.rescan();
    if (this.opts.watch) {
      this.tick();
      this.timer = setInterval(() => this.tick(), this.opts.pollMs);
    }
  }

  // ---------------------------------------------------------------- API

  /** Registers a run (queued) and starts it when its slot is free. */
  start(input: string | LaunchPlan, opts: { trusted: boolean; continues?: boolean }): RunInfo {
    if (!opts.trusted) throw new RunRefused(UNTRUSTED_MESSAGE);
    const plan = typeof input === 'string' ? this.opts.planFromSpec(input) : input;
    this.rescan();
    const busy = [...this.watches.values()].find((w) => !isTerminalState(w.record.state) && samePath(w.record.runDir, plan.runDir));
    if (busy) throw new RunRefused(`${plan.runDir} is the run folder of run ${busy.record.id} (${busy.record.state}); stop it first or choose another [run].out`);
    if (plan.kind === 'trainer' && !opts.continues && existsSync(path.join(plan.runDir, RUN_FILES.checkpoints, 'latest'))) {
      const prev = [...this.watches.values()].reverse().find((w) => samePath(w.record.runDir, plan.runDir));
      const hint = prev ? `resume run ${prev.record.id} (\`rubato runs resume ${prev.record.id}\`)` : 'resume it with `rubato train --resume`';
      throw new RunRefused(`${plan.runDir} already holds checkpoints; ${hint}, or choose another [run].out`);
    }
    const record: RunRecord = {
      version: RECORD_VERSION,
      id: newRunId(),
      ...plan,
      state: 'queued',
      graceMs: this.opts.graceMs,
      continues: !!opts.continues,
      leader: null,
      tree: [],
      owner: null,
      launches: 0,
      queuedAt: Date.now(),
      startedAt: null,
      endedAt: null,
      stopRequestedAt: null,
      exitCode: null,
      signal: null,
      message: null,
      step: null,
      lastLoss: null,
      etaSec: null,
      bestCheckpoint: null,
      bestExpressionScore: null,
    };
    writeRecord(this.stateDir, record);
    this.adopt(record);
    this.schedule();
    return this.info(record.id);
  }

  /**
   * Stop: a queued run leaves the queue; a live one gets SIGINT now and SIGKILL (whole tree) after the grace
   * period. `force`: SIGKILL now (a second Ctrl-C).
   */
  stop(id: string, opts: { force?: boolean } = {}): RunInfo {
    const before = this.read(id);
    if (isTerminalState(before.state)) throw new RunRefused(`run ${id} has already ended (${before.state})`);
    let first = false;
    const r = updateRecord(this.stateDir, id, (x) => {
      if (x.state === 'queued') {
        x.state = 'stopped';
        x.endedAt = Date.now();
        x.message = 'removed from the queue before it started';
      } else if (isActive(x.state) && x.stopRequestedAt === null) {
        x.state = 'stopping';
        x.stopRequestedAt = Date.now();
        first = true;
      }
    });
    if (r.state === 'stopping' && opts.force) killRun(r.leader, r.tree);
    else if (first && r.leader) signalGroup(r.leader, 'SIGINT');
    this.refresh(r);
    if (r.state === 'stopped') this.schedule();
    return this.info(id);
  }

  /** Queues an ended run again: the trainer continues from its latest checkpoint (`--resume`), a command starts again. */
  resume(id: string, opts: { trusted: boolean }): RunInfo {
    if (!opts.trusted) throw new RunRefused(UNTRUSTED_MESSAGE);
    const before = this.read(id);
    if (!isTerminalState(before.state)) throw new RunRefused(`run ${id} is ${before.state}; only an ended run can be resumed`);
    if (before.state === 'finished' && before.kind === 'trainer') throw new RunRefused(`run ${id} has finished all its steps; start a new run to train more`);
    const r = updateRecord(this.stateDir, id, (x) => {
      if (!isTerminalState(x.state)) return;
      Object.assign(x, { state: 'queued', queuedAt: Date.now(), endedAt: null, stopRequestedAt: null, exitCode: null, signal: null, message: null, etaSec: null });
    });
    this.refresh(r);
    this.schedule();
    return this.info(id);
  }

  /** The launch plan a spec would get (the trainer's interpreter is looked up here). */
  plan(specPath: string): LaunchPlan {
    return this.opts.planFromSpec(specPath);
  }

  /** The run's stop grace period in milliseconds. */
  graceMsOf(id: string): number {
    return this.read(id).graceMs;
  }

  list(): RunInfo[] {
    this.rescan();
    return [...this.watches.values()].map((w) => this.infoOf(w));
  }

  get(id: string): RunInfo | undefined {
    this.rescan();
    const w = this.watches.get(id);
    return w && this.infoOf(w);
  }

  readMetrics(id: string, fromOffset: number, limit?: number): MetricsPage {
    return readMetrics(this.read(id).runDir, fromOffset, limit);
  }

  /** The run's log file and its last `n` lines. */
  logTail(id: string, n = 50): { logPath: string; tail: string[] } {
    const logPath = logPathOf(this.read(id));
    return { logPath, tail: tailLines(logPath, n) };
  }

  checkpoints(id?: string): CheckpointInfo[] {
    this.rescan();
    const runs = id ? [this.read(id)] : [...this.watches.values()].map((w) => w.record);
    return runs.flatMap((r) => listCheckpoints(r.id, r.runDir));
  }

  /** Every live process of every active run (for telling the GPU's stray processes from ours). */
  ownedPids(): number[] {
    const out = new Set<number>();
    for (const w of this.watches.values()) if (isActive(w.record.state)) for (const p of runProcesses(w.record.leader, w.record.tree)) out.add(p.pid);
    return [...out];
  }

  /** Stops tailing and hands ownership back; never touches the runs themselves (they outlive the server). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const w of this.watches.values()) {
      if (!this.owns(w.record) || !isActive(w.record.state)) continue;
      try {
        this.persistProgress(w);
        updateRecord(this.stateDir, w.record.id, (x) => {
          if (x.owner && x.owner.pid === this.me.pid && x.owner.startTicks === this.me.startTicks) x.owner = null;
        });
      } catch {
        // the next supervisor sees our pid gone and takes over anyway
      }
    }
    this.removeAllListeners();
  }

  /** One pass of the tail now (tests and the CLI call it; the timer calls it every pollMs). */
  tick(): void {
    if (this.ticking || this.disposed) return;
    this.ticking = true;
    // Called from timers and fs.watch: nothing may escape (the server must keep serving whatever a run does).
    try {
      if (Date.now() - this.lastRescanAt >= RESCAN_EVERY_MS) this.rescan();
      let anyQueued = false;
      for (const w of this.watches.values()) {
        try {
          this.reloadIfChanged(w);
          if (isActive(w.record.state)) this.tickActive(w);
          if (w.record.state === 'queued') anyQueued = true;
          this.emitIfChanged(w);
        } catch (e) {
          this.problem(`run ${w.record.id}: ${(e as Error).message}`);
        }
      }
      if (anyQueued) this.schedule();
    } catch (e) {
      this.problem(`state folder ${this.stateDir}: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  // ---------------------------------------------------------------- records and watches

  private read(id: string): RunRecord {
    const r = readRecord(this.stateDir, id);
    this.refresh(r);
    return r;
  }

  private info(id: string): RunInfo {
    const w = this.watches.get(id);
    return w ? this.infoOf(w) : toRunInfo(readRecord(this.stateDir, id));
  }

  /** The record with this supervisor's live progress (an observer computes it from the rows it read). */
  private infoOf(w: Watch): RunInfo {
    const info = toRunInfo(w.record);
    if (isActive(w.record.state) && w.meter.step !== null) {
      info.step = Math.max(info.step ?? 0, w.meter.step);
      info.lastLoss = w.meter.lastLoss ?? info.lastLoss;
      info.etaSec = roundEta(w.meter.etaSec(w.record.totalSteps));
    }
    return info;
  }

  private rescan(): void {
    this.lastRescanAt = Date.now();
    const { records, problems } = loadRecords(this.stateDir);
    for (const p of problems) this.problem(p);
    for (const r of records) {
      const w = this.watches.get(r.id);
      if (w) this.refresh(r);
      else this.adopt(r);
    }
  }

  private adopt(r: RunRecord): void {
    const metricsFile = path.join(r.runDir, RUN_FILES.metrics);
    const w: Watch = {
      record: r,
      recordMtimeMs: mtimeOf(recordFile(this.stateDir, r.id)),
      metricsOffset: 0,
      metricsIno: null,
      meter: new ProgressMeter(),
      logSizeAtLaunch: 0,
      statusMtimeMs: 0,
      lastTreeAt: 0,
      lastPersistAt: Date.now(),
      dirty: false,
      lastEmitted: '',
    };
    if (isActive(r.state)) {
      // Announce only what is new from here on (views backfill with readMetrics); seed the ETA from the file's tail.
      const end = sizeOf(metricsFile);
      w.metricsOffset = end;
      w.metricsIno = inoOf(metricsFile);
      w.meter.add(rowsBefore(metricsFile, end));
      w.logSizeAtLaunch = r.state === 'starting' ? sizeOf(logPathOf(r)) : 0;
    }
    w.lastEmitted = JSON.stringify(this.infoOf(w));
    this.watches.set(r.id, w);
  }

  private refresh(r: RunRecord): void {
    const w = this.watches.get(r.id);
    if (!w) return this.adopt(r);
    const wasActive = isActive(w.record.state);
    w.record = r;
    w.recordMtimeMs = mtimeOf(recordFile(this.stateDir, r.id));
    if (!wasActive && isActive(r.state)) {
      // (Re)launched by someone: announce its metrics from the current end of the file on.
      const file = path.join(r.runDir, RUN_FILES.metrics);
      w.metricsOffset = sizeOf(file);
      w.metricsIno = inoOf(file);
      w.meter = new ProgressMeter();
      w.logSizeAtLaunch = sizeOf(logPathOf(r));
    }
  }

  private reloadIfChanged(w: Watch): void {
    const m = mtimeOf(recordFile(this.stateDir, w.record.id));
    if (m !== w.recordMtimeMs) this.refresh(readRecord(this.stateDir, w.record.id));
  }

  private owns(r: RunRecord): boolean {
    return !!r.owner && r.owner.pid === this.me.pid && r.owner.startTicks === this.me.startTicks;
  }

  /** Becomes the owner when there is none or the recorded one is gone. */
  private claim(w: Watch): boolean {
    if (this.owns(w.record)) return true;
    const o = w.record.owner;
    if (o && isSameProcess(o.pid, o.startTicks ?? undefined)) return false;
    const r = updateRecord(this.stateDir, w.record.id, (x) => {
      const cur = x.owner;
      if (!cur || !isSameProcess(cur.pid, cur.startTicks ?? undefined)) x.owner = this.me;
    });
    this.refresh(r);
    if (this.owns(r)) this.openIngestor(w);
    return this.owns(r);
  }

  private openIngestor(w: Watch): void {
    const r = w.record;
    if (!r.metricsSource || w.ingestor) return;
    if (!this.opts.parsers) throw new Error('external metrics sources need the metrics parsers (server/metrics), which this supervisor was not given');
    w.ingestor = new Ingestor(r.metricsSource, r.runDir, logPathOf(r), path.join(runStateDir(this.stateDir, r.id), STATE_FILES.ingest), this.opts.parsers);
  }

  // ---------------------------------------------------------------- the queue

  /** Starts queued runs, oldest first, while their kind of slot is free. One supervisor at a time decides. */
  private schedule(): void {
    const started: RunRecord[] = [];
    withFileLock(path.join(this.stateDir, 'queue.lock'), () => {
      const { records } = loadRecords(this.stateDir);
      let gpu = records.filter((r) => isActive(r.state) && r.usesGpu).length;
      let cpu = records.filter((r) => isActive(r.state) && !r.usesGpu).length;
      for (const q of records.filter((r) => r.state === 'queued')) {
        if (q.usesGpu ? gpu >= this.opts.maxGpuRuns : cpu >= this.opts.maxCpuRuns) continue;
        const r = this.launch(q);
        if (isActive(r.state)) {
          if (q.usesGpu) gpu++;
          else cpu++;
        }
        started.push(r);
      }
    });
    for (const r of started) {
      this.refresh(r);
      const w = this.watches.get(r.id);
      if (w) {
        this.openIngestorSafe(w);
        this.watchRunDir(w);
        this.emitIfChanged(w);
      }
    }
  }

  private openIngestorSafe(w: Watch): void {
    try {
      if (this.owns(w.record)) this.openIngestor(w);
    } catch (e) {
      this.problem(`run ${w.record.id}: ${(e as Error).message}`);
    }
  }

  private launch(q: RunRecord): RunRecord {
    return updateRecord(this.stateDir, q.id, (x) => {
      if (x.state !== 'queued') return;
      const resume = x.launches > 0 || x.continues === true;
      const command = [...x.command, ...(resume ? x.resumeArgs : [])];
      try {
        mkdirSync(x.runDir, { recursive: true });
        copyFileSync(x.specPath, path.join(x.runDir, RUN_FILES.specCopy));
        const leader = launchDetached({
          runId: x.id,
          command,
          cwd: x.cwd,
          env: x.env,
          logPath: logPathOf(x),
          exitPath: path.join(runStateDir(this.stateDir, x.id), STATE_FILES.exit),
          banner: `=== rubato: run ${x.id}, launch ${x.launches + 1}${resume ? ' (resume)' : ''}, ${new Date().toISOString()}: ${command.join(' ')}`,
        });
        Object.assign(x, { state: 'starting', leader, tree: [], owner: this.me, launches: x.launches + 1, startedAt: Date.now(), endedAt: null, stopRequestedAt: null, exitCode: null, signal: null, message: null, etaSec: null });
        // An external command starts over, so its progress does too (the trainer continues from its checkpoint).
        if (x.kind === 'external') Object.assign(x, { step: null, lastLoss: null });
      } catch (e) {
        Object.assign(x, { state: 'failed', endedAt: Date.now(), message: `could not start: ${(e as Error).message}` });
      }
    });
  }

  // ---------------------------------------------------------------- tailing an active run

  private tickActive(w: Watch): void {
    const owner = this.claim(w);
    if (owner && w.ingestor) w.ingestor.poll();
    this.tailMetrics(w);
    const r = w.record;
    if (r.kind === 'trainer') this.readStatus(w);
    if (r.state === 'starting' && (sizeOf(logPathOf(r)) > w.logSizeAtLaunch || w.meter.step !== null)) {
      if (owner) this.setState(w, 'running');
    }
    const alive = !!r.leader && isSameProcess(r.leader.pid, r.leader.startTicks ?? undefined);
    if (r.state === 'stopping' && r.stopRequestedAt !== null && Date.now() - r.stopRequestedAt >= r.graceMs) {
      // Grace is over: the whole tree goes, whoever notices first (idempotent).
      killRun(r.leader, r.tree);
    }
    if (!owner) return;
    if (!alive) return this.finalize(w);
    if (Date.now() - w.lastTreeAt >= TREE_EVERY_MS) this.captureTree(w);
    if (w.dirty && Date.now() - w.lastPersistAt >= PERSIST_EVERY_MS) this.persistProgress(w);
  }

  private tailMetrics(w: Watch): void {
    const file = path.join(w.record.runDir, RUN_FILES.metrics);
    let chunk = readLines(file, w.metricsOffset);
    if (!chunk) return;
    if (chunk.ino !== w.metricsIno || chunk.size < w.metricsOffset) {
      // Rewritten (the trainer keeps only the durable prefix on resume): the prefix was announced; take the rest.
      w.metricsIno = chunk.ino;
      const known = w.meter.step ?? -1;
      chunk = readLines(file, 0);
      if (!chunk) return;
      const firstNew = chunk.lines.find((l) => (rowFromMetricsLine(l.text)?.step ?? -1) > known);
      w.metricsOffset = firstNew ? firstNew.start : chunk.nextOffset;
      chunk = readLines(file, w.metricsOffset);
      if (!chunk) return;
    }
    if (!chunk.lines.length) return;
    const rows: MetricRow[] = [];
    for (const l of chunk.lines) {
      const row = rowFromMetricsLine(l.text);
      if (row) rows.push(row);
    }
    const fromOffset = w.metricsOffset;
    w.metricsOffset = chunk.nextOffset;
    if (!rows.length) return;
    w.meter.add(rows);
    w.dirty = true;
    this.emit('metricsAppended', { id: w.record.id, rows, fromOffset, nextOffset: w.metricsOffset });
  }

  private readStatus(w: Watch): void {
    const file = path.join(w.record.runDir, RUN_FILES.status);
    const m = mtimeOf(file);
    if (m === w.statusMtimeMs) return;
    w.statusMtimeMs = m;
    const s = readTrainerStatus(w.record.runDir);
    if (!s) return;
    const r = w.record;
    r.step = s.step; // the trainer's own count (after a resume it restarts from the checkpoint's step)
    if (s.totalSteps !== null) r.totalSteps = s.totalSteps;
    r.bestCheckpoint = s.bestCheckpoint;
    r.bestExpressionScore = s.bestExpressionScore;
    w.dirty = true;
  }

  private captureTree(w: Watch): void {
    w.lastTreeAt = Date.now();
    const r = w.record;
    const now = runProcesses(r.leader, r.tree);
    const known = new Set(r.tree.map((p) => `${p.pid}:${p.startTicks}`));
    const fresh = now.filter((p) => p.pid !== r.leader?.pid && !known.has(`${p.pid}:${p.startTicks}`));
    if (!fresh.length) return;
    const nr = updateRecord(this.stateDir, r.id, (x) => {
      // Keep only processes still alive plus the new ones, so the list stays short on long runs.
      x.tree = [...x.tree.filter((p) => now.some((q) => q.pid === p.pid && q.startTicks === p.startTicks)), ...fresh];
    });
    this.refresh(nr);
  }

  private persistProgress(w: Watch): void {
    w.lastPersistAt = Date.now();
    w.dirty = false;
    const { step, lastLoss } = w.meter;
    const eta = roundEta(w.meter.etaSec(w.record.totalSteps));
    const local = w.record;
    const nr = updateRecord(this.stateDir, local.id, (x) => {
      // This launch's rows, or the trainer's status, whichever is further (both restart at a resume's checkpoint).
      if (step !== null || local.step !== null) x.step = Math.max(step ?? 0, local.step ?? 0);
      if (lastLoss !== null) x.lastLoss = lastLoss;
      x.etaSec = isActive(x.state) ? eta : null;
      if (local.totalSteps !== null) x.totalSteps = local.totalSteps;
      x.bestCheckpoint = local.bestCheckpoint ?? x.bestCheckpoint;
      x.bestExpressionScore = local.bestExpressionScore ?? x.bestExpressionScore;
    });
    this.refresh(nr);
  }

  private setState(w: Watch, state: RunState): void {
    const nr = updateRecord(this.stateDir, w.record.id, (x) => {
      if (isActive(x.state)) x.state = state;
    });
    this.refresh(nr);
  }

  /** The leader is gone: drain the metrics, end any process left, and say how the run ended. */
  private finalize(w: Watch): void {
    if (w.ingestor) w.ingestor.poll();
    this.tailMetrics(w);
    if (w.record.kind === 'trainer') {
      w.statusMtimeMs = 0;
      this.readStatus(w);
    }
    this.persistProgress(w);
    const r = w.record;
    const leftover = killRun(r.leader, r.tree);
    const exit = readExit(path.join(runStateDir(this.stateDir, r.id), STATE_FILES.exit));
    const status = r.kind === 'trainer' ? readTrainerStatus(r.runDir) : undefined;
    const verdict = judge(r, exit, status?.state, status?.error ?? null, leftover, () => tailLines(logPathOf(r), LOG_LINES_ON_FAILURE));
    const nr = updateRecord(this.stateDir, r.id, (x) => {
      if (!isActive(x.state)) return;
      Object.assign(x, verdict, { owner: null, etaSec: null, endedAt: exit?.endedAt ?? Date.now() });
    });
    w.ingestor = undefined;
    this.watchers.get(r.id)?.close();
    this.watchers.delete(r.id);
    this.refresh(nr);
    this.emitIfChanged(w);
    this.schedule();
  }

  private watchRunDir(w: Watch): void {
    if (!this.opts.watch || this.watchers.has(w.record.id)) return;
    try {
      // Wakes the tail as soon as the run writes; the poll covers platforms and file systems where this is silent.
      const watcher = watch(w.record.runDir, { persistent: false }, () => this.wake());
      watcher.on('error', () => watcher.close());
      this.watchers.set(w.record.id, watcher);
    } catch {
      // polling only
    }
  }

  /** A tick soon, coalescing bursts of file events (a trainer writes several files per step). */
  private wake(): void {
    if (this.wakePending || this.disposed) return;
    this.wakePending = true;
    setTimeout(() => {
      this.wakePending = false;
      this.tick();
    }, WAKE_COALESCE_MS).unref();
  }

  private emitIfChanged(w: Watch): void {
    const info = this.infoOf(w);
    const text = JSON.stringify(info);
    if (text === w.lastEmitted) return;
    w.lastEmitted = text;
    this.emit('runUpdated', info);
  }

  private problem(message: string): void {
    if (this.problems.includes(message)) return;
    this.problems.push(message);
    if (this.problems.length > 100) this.problems.shift();
  }
}

// ---------------------------------------------------------------- helpers

export const logPathOf = (r: Pick<RunRecord, 'runDir'>): string => path.join(r.runDir, RUN_FILES.log);

const samePath = (a: string, b: string): boolean => path.resolve(a) === path.resolve(b);
const roundEta = (s: number | null): number | null => (s === null ? null : Math.round(s));

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
function inoOf(file: string): number | null {
  try {
    return statSync(file).ino;
  } catch {
    return null;
  }
}

/** Rows in the last SEED_BYTES before `end` (to seed the ETA of a run we start watching mid-way). */
function rowsBefore(file: string, end: number): MetricRow[] {
  const chunk = readLines(file, Math.max(0, end - SEED_BYTES), SEED_BYTES);
  if (!chunk) return [];
  return chunk.lines.filter((l) => l.end <= end).map((l) => rowFromMetricsLine(l.text)).filter((r): r is MetricRow => r !== null);
}

interface ExitRecord {
  code: number | null;
  signal: string | null;
  endedAt?: number;
  error?: string;
}

function readExit(file: string): ExitRecord | undefined {
  try {
    const x = JSON.parse(readFileSync(file, 'utf8')) as ExitRecord;
    return typeof x === 'object' && x !== null ? x : undefined;
  } catch {
    return undefined;
  }
}

/** How a run ended, from the shim's exit record, the trainer's last status and whether a stop was asked. */
export function judge(
  r: Pick<RunRecord, 'kind' | 'stopRequestedAt' | 'graceMs'>,
  exit: ExitRecord | undefined,
  trainerState: string | undefined,
  trainerError: string | null,
  leftover: number,
  lastLines: () => string[],
): Pick<RunRecord, 'state' | 'exitCode' | 'signal' | 'message'> {
  const exitCode = exit?.code ?? null;
  const signal = exit?.signal ?? null;
  const stopped = r.stopRequestedAt !== null;
  const cleaned = leftover ? ` (${leftover} leftover process${leftover > 1 ? 'es' : ''} of the run killed)` : '';
  if (exit && exitCode === 0) {
    if (r.kind === 'trainer' && trainerState === 'stopped') return { state: 'stopped', exitCode, signal, message: `stopped with a checkpoint${cleaned}` };
    if (stopped) return { state: 'stopped', exitCode, signal, message: `stopped${cleaned}` };
    return { state: 'finished', exitCode, signal, message: cleaned ? cleaned.trim().slice(1, -1) : null };
  }
  if (stopped) {
    const how = !exit || signal === 'SIGKILL' ? `killed after the ${Math.round(r.graceMs / 1000)} s grace period` : signal ? `ended by ${signal}` : `exited with code ${exitCode}`;
    return { state: 'stopped', exitCode, signal, message: `stopped: ${how}${cleaned}` };
  }
  const why = !exit
    ? "its processes were killed before they could report an exit status (the run's shim was killed)"
    : exit.error
      ? exit.error
      : signal
        ? `killed by ${signal}`
        : `exited with code ${exitCode}`;
  const lines = lastLines().filter((l) => l.trim() !== '' && !l.startsWith('=== rubato: run '));
  const parts = [`failed: ${why}${cleaned}`];
  if (trainerError) parts.push(`trainer: ${trainerError}`);
  if (lines.length) parts.push(`last log lines:\n${lines.join('\n')}`);
  return { state: 'failed', exitCode, signal, message: parts.join('\n') };
}

/** Run ids in a state folder, without loading the records (for completion and cheap checks). */
export function runIds(stateDir: string): string[] {
  try {
    return readdirSync(runsRoot(stateDir)).filter((n) => existsSync(recordFile(stateDir, n))).sort();
  } catch {
    return [];
  }
}
