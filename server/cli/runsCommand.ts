// `rubato runs [--json]`, `rubato runs stop|resume|log <id>`: the supervised runs recorded in the state
// folder (shared with the editor's server), and the training processes on this machine that are not ours.

import { statSync } from 'node:fs';
import { findStrays } from '../gpu/strays';
import type { StrayProcess } from '../protocol/gpu';
import { isTerminalState, type RunInfo } from '../protocol/runs';
import { createSupervisor } from '../runs/createSupervisor';
import { readLines } from '../runs/lines';
import { RecordError } from '../runs/record';
import { RunRefused, type RunSupervisor } from '../runs/supervisor';
import { CliError, EXIT } from './errors';

type Out = (line: string) => void;

/** A supervisor for one CLI command: one pass judges runs whose processes died unseen and starts free queued runs. */
export function cliSupervisor(watch = false): RunSupervisor {
  const sup = createSupervisor({ watch });
  sup.tick();
  return sup;
}

/** `1:02:03`, `4:05`, or '' when unknown. */
export function formatEta(sec: number | null): string {
  if (sec === null) return '';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const fmtLoss = (v: number | null): string => (v === null ? '' : Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));

export function runsTable(runs: RunInfo[]): string[] {
  const rows = runs.map((r) => [
    r.id,
    r.name,
    r.state,
    r.step === null ? '' : r.totalSteps === null ? String(r.step) : `${r.step}/${r.totalSteps}`,
    fmtLoss(r.lastLoss),
    formatEta(r.etaSec),
    r.device,
    r.pid === null ? '' : String(r.pid),
  ]);
  const head = ['ID', 'NAME', 'STATE', 'STEP', 'LOSS', 'ETA', 'DEVICE', 'PID'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(width[i]!)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

/** The end of a run for people: its state, and why when it did not finish. */
export function describeEnd(r: RunInfo): string {
  const code = r.exitCode !== null ? `, exit code ${r.exitCode}` : r.signal ? `, ${r.signal}` : '';
  return `run ${r.id} ${r.state}${r.step !== null ? ` at step ${r.step}${r.totalSteps !== null ? `/${r.totalSteps}` : ''}` : ''}${code}${r.message ? `: ${r.message}` : ''}`;
}

function refusal<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RecordError) throw new CliError(`runs: ${e.message}`, EXIT.input);
    if (e instanceof RunRefused) throw new CliError(`runs: ${e.message}`, EXIT.usage);
    throw e;
  }
}

export async function runRunsList(o: { json?: boolean; others?: boolean }, out: Out): Promise<number> {
  const sup = cliSupervisor();
  try {
    const runs = sup.list().sort((a, b) => a.queuedAt - b.queuedAt);
    let others: StrayProcess[] = [];
    let othersNote = '';
    if (o.others !== false) {
      try {
        others = await findStrays(new Set(sup.ownedPids()));
      } catch (e) {
        othersNote = `other training processes: not checked (${(e as Error).message})`;
      }
    }
    if (o.json) {
      out(JSON.stringify({ stateDir: sup.stateDir, runs, others, problems: sup.problems }));
      return EXIT.ok;
    }
    if (!runs.length) out(`no runs recorded in ${sup.stateDir}`);
    else for (const l of runsTable(runs)) out(l);
    for (const p of sup.problems) process.stderr.write(`rubato: ${p}\n`);
    if (others.length) {
      out('');
      out('other training processes (not started by Rubato):');
      for (const s of others) out(`  pid ${s.pid}${s.user ? ` (${s.user})` : ''}: ${s.reasons.join('; ')}: ${s.cmdline.length > 100 ? `${s.cmdline.slice(0, 97)}...` : s.cmdline}`);
    }
    if (othersNote) process.stderr.write(`rubato: ${othersNote}\n`);
    return EXIT.ok;
  } finally {
    sup.dispose();
  }
}

/** Polls the supervisor until run `id` has ended; `onTick` sees each pass. */
export async function waitForEnd(sup: RunSupervisor, id: string, onTick: () => void = () => undefined): Promise<RunInfo> {
  for (;;) {
    sup.tick();
    onTick();
    const r = sup.get(id);
    if (!r) throw new CliError(`runs: run ${id} disappeared from the state folder`, EXIT.internal);
    if (isTerminalState(r.state)) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

export async function runRunsStop(id: string, o: { json?: boolean; wait?: boolean; force?: boolean }, out: Out): Promise<number> {
  const sup = cliSupervisor();
  try {
    let r = refusal(() => sup.stop(id, { force: !!o.force }));
    if (o.wait !== false && !isTerminalState(r.state)) {
      if (!o.json) process.stderr.write(`rubato: stopping run ${id}: SIGINT sent, the whole run is killed if it has not ended ${Math.round(sup.graceMsOf(id) / 1000)} s after\n`);
      r = await waitForEnd(sup, id);
    }
    out(o.json ? JSON.stringify({ run: r }) : isTerminalState(r.state) ? describeEnd(r) : `run ${id} ${r.state}`);
    return EXIT.ok;
  } finally {
    sup.dispose();
  }
}

export function runRunsResume(id: string, o: { json?: boolean }, out: Out): number {
  const sup = cliSupervisor();
  try {
    const r = refusal(() => sup.resume(id, { trusted: true }));
    out(o.json ? JSON.stringify({ run: r }) : `run ${id} ${r.state}${r.pid ? ` (pid ${r.pid})` : ''}; follow it with \`rubato runs log ${id} --follow\``);
    return EXIT.ok;
  } finally {
    sup.dispose();
  }
}

export async function runRunsLog(id: string, o: { lines?: string; follow?: boolean }, out: Out): Promise<number> {
  const n = Number(o.lines ?? 50);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`runs log: --lines must be a non-negative integer, got ${o.lines}`, EXIT.usage);
  const sup = cliSupervisor();
  try {
    const { logPath, tail } = refusal(() => sup.logTail(id, n));
    for (const l of tail) out(l);
    if (!o.follow) return EXIT.ok;
    const follower = new LogFollower(logPath, out);
    const r = await waitForEnd(sup, id, () => follower.poll());
    follower.poll();
    process.stderr.write(`rubato: ${describeEnd(r)}\n`);
    return EXIT.ok;
  } finally {
    sup.dispose();
  }
}

/** Prints lines appended to a log file after it was created (complete lines only). */
export class LogFollower {
  private offset: number;
  constructor(
    private readonly file: string,
    private readonly out: Out,
    fromOffset?: number,
  ) {
    this.offset = fromOffset ?? sizeOf(file);
  }
  poll(): void {
    const chunk = readLines(this.file, this.offset);
    if (!chunk) return;
    for (const l of chunk.lines) this.out(l.text);
    this.offset = chunk.nextOffset;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
