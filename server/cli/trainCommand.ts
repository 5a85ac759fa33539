// `rubato train --spec <file> [--resume] [--detach]` and `rubato export <checkpoint> -o <model.onnx>`.
// Training is a supervised run: registered in the state folder (so `rubato runs` and the editor see it),
// started detached in its own process group, and followed here in the foreground: its output is printed
// (JSON event lines on stdout, the rest on stderr, as the worker writes them), Ctrl-C stops it with a
// checkpoint (a second Ctrl-C kills it), and the exit code is the worker's. `--detach` returns at once.

import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunInfo } from '../protocol/runs';
import { runNative } from '../python/runNative';
import { createSupervisor } from '../runs/createSupervisor';
import { RUN_FILES } from '../runs/paths';
import { RunRefused, type RunSupervisor } from '../runs/supervisor';
import { SpecRefused } from '../runs/trainerPlan';
import { CliError, EXIT } from './errors';
import { describeEnd, LogFollower, waitForEnd } from './runsCommand';

export interface TrainArgs {
  spec: string;
  resume?: boolean;
  python?: string;
  detach?: boolean;
  json?: boolean;
  /** Seconds between Ctrl-C (SIGINT to the run) and killing it. */
  grace?: string;
}

type Out = (line: string) => void;

export async function runTrain(args: TrainArgs, out: Out = (l) => void process.stdout.write(l + '\n')): Promise<number> {
  const spec = path.resolve(args.spec);
  if (!existsSync(spec)) throw new CliError(`train: run spec ${args.spec} not found`, EXIT.input);
  const graceSec = Number(args.grace ?? 30);
  if (!Number.isFinite(graceSec) || graceSec < 0) throw new CliError(`train: --grace must be a number of seconds, got ${args.grace}`, EXIT.usage);
  const sup = createSupervisor({ ...(args.python ? { python: args.python } : {}), graceMs: Math.round(graceSec * 1000), watch: !args.detach });
  try {
    const { run, logOffset } = startOrResume(sup, spec, !!args.resume);
    if (args.detach) {
      out(args.json ? JSON.stringify({ run }) : `run ${run.id} ${run.state}${run.pid ? ` (pid ${run.pid})` : ''}; log: ${path.join(run.runDir, RUN_FILES.log)}`);
      return EXIT.ok;
    }
    return await follow(sup, run, logOffset);
  } finally {
    sup.dispose();
  }
}

/** The run, and the size of its log before this launch (the follower prints from there). */
function startOrResume(sup: RunSupervisor, spec: string, resume: boolean): { run: RunInfo; logOffset: number } {
  try {
    const plan = sup.plan(spec);
    const logOffset = sizeOf(path.join(plan.runDir, RUN_FILES.log));
    if (!resume) return { run: sup.start(plan, { trusted: true }), logOffset };
    const same = sup.list().filter((r) => path.resolve(r.runDir) === path.resolve(plan.runDir));
    const last = same.sort((a, b) => a.queuedAt - b.queuedAt).pop();
    if (last && !['finished', 'failed', 'stopped'].includes(last.state)) {
      throw new RunRefused(`run ${last.id} is already ${last.state} in ${plan.runDir}; follow it with \`rubato runs log ${last.id} --follow\``);
    }
    // One record per run folder: resuming a recorded run keeps its history; otherwise a new record continues the folder.
    return { run: last && last.state !== 'finished' ? sup.resume(last.id, { trusted: true }) : sup.start(plan, { trusted: true, continues: true }), logOffset };
  } catch (e) {
    if (e instanceof SpecRefused || e instanceof RunRefused) throw new CliError(`train: ${e.message}`, EXIT.usage);
    if (e instanceof CliError) throw e;
    // No interpreter with torch, and other launch problems: the message says what was tried and how to fix it.
    throw new CliError(`train: ${(e as Error).message}`, EXIT.usage);
  }
}

async function follow(sup: RunSupervisor, run: RunInfo, logOffset: number): Promise<number> {
  const logPath = path.join(run.runDir, RUN_FILES.log);
  process.stderr.write(`rubato: run ${run.id} ${run.state}; log ${logPath}; Ctrl-C stops it with a checkpoint\n`);
  if (run.state === 'queued') process.stderr.write('rubato: queued: it starts when a GPU slot is free (`rubato runs` shows what holds it)\n');
  const follower = new LogFollower(logPath, printWorkerLine, logOffset);
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    try {
      if (interrupts === 1) {
        const r = sup.stop(run.id);
        if (r.state === 'stopping') process.stderr.write(`rubato: stopping run ${run.id}: waiting for its checkpoint (Ctrl-C again to kill it now)\n`);
      } else {
        sup.stop(run.id, { force: true });
        process.stderr.write(`rubato: killing run ${run.id}\n`);
      }
    } catch {
      // it ended meanwhile: the loop below reports how
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const end = await waitForEnd(sup, run.id, () => follower.poll());
    follower.poll();
    process.stderr.write(`rubato: ${describeEnd(end).split('\n')[0]}\n`);
    return exitCodeOf(end);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The worker's convention: JSON event lines on stdout, human text on stderr. */
function printWorkerLine(line: string): void {
  if (line.startsWith('=== rubato: run ')) return;
  if (line.startsWith('{')) process.stdout.write(line + '\n');
  else process.stderr.write(line + '\n');
}

/** The exit code `rubato train` always had: the worker's own, or 128 + the signal that ended it. */
export function exitCodeOf(r: RunInfo): number {
  if (r.exitCode !== null) return r.exitCode;
  if (r.signal) return 128 + (os.constants.signals[r.signal as NodeJS.Signals] ?? 0);
  if (r.state === 'stopped') return 128 + os.constants.signals.SIGKILL; // killed after the grace period
  return r.state === 'finished' ? 0 : 1;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export async function runExport(args: { checkpoint: string; output: string; goldens?: string; force?: boolean; python?: string }): Promise<number> {
  if (!existsSync(args.checkpoint)) throw new CliError(`export: checkpoint ${args.checkpoint} not found`, EXIT.input);
  const rest = [path.resolve(args.checkpoint), '-o', path.resolve(args.output), ...(args.goldens ? ['--goldens', path.resolve(args.goldens)] : []), ...(args.force ? ['--force'] : [])];
  try {
    return await runNative(['export', ...rest], args.python ? { python: args.python } : {});
  } catch (err) {
    throw new CliError(`export: ${(err as Error).message}`, EXIT.usage);
  }
}
