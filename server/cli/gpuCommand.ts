// `rubato gpu [--json]`, `rubato gpu stop <pid> [--yes]` and `rubato gpu preflight --spec X.run.toml [--json]`:
// the GPUs and who holds their memory, stopping a stray after confirmation, and a spec's estimate against free memory.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { formatMemory } from '../gpu/format';
import { preflight } from '../gpu/preflight';
import { gpuStatus } from '../gpu/status';
import { stopProcess, DEFAULT_GRACE_MS } from '../gpu/stop';
import { strayLabel } from '../gpu/strays';
import { readCmdline, readStat } from '../proc/procTable';
import { PREFLIGHT_MODES, type GpuStatusResult, type PreflightMode } from '../protocol/gpu';
import { analyzeSpec, memoryInputOf } from '../runspec/analyze';
import { estimateMemory } from '../runspec/memoryEstimate';
import { CliError, EXIT } from './errors';

type Out = (line: string) => void;

const mem = (b: number | null): string => (b === null ? 'n/a' : formatMemory(b));

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function statusText(s: GpuStatusResult): string[] {
  const lines: string[] = [];
  if (s.state !== 'ok') lines.push(s.message ?? 'no GPU information');
  if (s.gpus.length) {
    lines.push(
      ...pad([
        ['GPU', 'NAME', 'USED / TOTAL', 'FREE', 'UTIL', 'TEMP'],
        ...s.gpus.map((g) => [
          String(g.index),
          g.name,
          `${mem(g.memoryUsedBytes)} / ${mem(g.memoryTotalBytes)}`,
          mem(g.memoryFreeBytes),
          g.utilizationPct === null ? 'n/a' : `${g.utilizationPct} %`,
          g.temperatureC === null ? 'n/a' : `${g.temperatureC} °C`,
        ]),
      ]),
    );
    lines.push('');
    if (s.processes.length === 0) lines.push('No process holds GPU memory.');
    else {
      lines.push('Processes holding GPU memory:');
      lines.push(...pad([['PID', 'GPU', 'MEMORY', 'PROCESS'], ...s.processes.map((p) => [String(p.pid), p.gpuIndex === null ? '?' : String(p.gpuIndex), mem(p.usedMemoryBytes), p.processName])]).map((l) => `  ${l}`));
    }
  }
  lines.push('');
  if (s.strays.length === 0) lines.push('No stray training process (none holds GPU memory or looks like training outside Rubato).');
  else {
    lines.push('Not started by Rubato:');
    for (const st of s.strays) lines.push(`  ${strayLabel(st)}: ${st.reasons.join('; ')}`);
    lines.push('Stop one with: rubato gpu stop <pid>');
  }
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines;
}

export async function runGpuStatus(o: { json?: boolean }, out: Out): Promise<number> {
  const s = await gpuStatus(new Set());
  if (o.json) out(JSON.stringify(s, null, 2));
  else statusText(s).forEach((l) => out(l));
  // No GPU is an answer (0); nvidia-smi failing or hanging is not (5), whatever else could be listed.
  return s.state === 'error' ? EXIT.nothingDone : EXIT.ok;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runGpuStop(pidText: string, o: { yes?: boolean; grace?: string; json?: boolean }, out: Out): Promise<number> {
  if (!/^\d+$/.test(pidText)) throw new CliError(`gpu stop: pid must be a number, got ${JSON.stringify(pidText)}`, EXIT.usage);
  const pid = Number(pidText);
  const graceSec = o.grace === undefined ? DEFAULT_GRACE_MS / 1000 : Number(o.grace);
  if (!(Number.isFinite(graceSec) && graceSec >= 0 && graceSec <= 600)) throw new CliError(`gpu stop: --grace must be seconds in 0..600, got ${JSON.stringify(o.grace)}`, EXIT.usage);
  // The identity the user confirms is read now; stopProcess re-checks it, so a pid reused meanwhile is not hit.
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z') throw new CliError(`gpu stop: no running process with pid ${pid}`, EXIT.input);
  const cmd = readCmdline(pid).join(' ') || stat.comm;
  if (!o.yes) {
    if (!process.stdin.isTTY) throw new CliError(`gpu stop: not stopping pid ${pid} (${cmd}) without --yes: stdin is not a terminal to confirm on`, EXIT.usage);
    if (!(await confirm(`Stop pid ${pid} (${cmd})? SIGTERM, then SIGKILL after ${graceSec} s. [y/N] `))) {
      process.stderr.write('rubato: nothing was sent\n');
      return EXIT.nothingDone;
    }
  }
  const r = await stopProcess({ pid, startTicks: stat.startTicks, confirm: true, graceMs: graceSec * 1000 });
  if (o.json) out(JSON.stringify(r, null, 2));
  else out(r.message);
  if (r.outcome === 'refused' || r.outcome === 'survived') {
    if (!o.json) process.stderr.write(`rubato: ${r.message}\n`);
    return EXIT.nothingDone;
  }
  return EXIT.ok;
}

export async function runGpuPreflight(o: { spec: string; gpu?: string; mode?: string; gpuMemoryGib?: string; json?: boolean }, out: Out): Promise<number> {
  const mode = (o.mode ?? 'warn') as PreflightMode;
  if (!PREFLIGHT_MODES.includes(mode)) throw new CliError(`gpu preflight: --mode must be one of ${PREFLIGHT_MODES.join(', ')}, got ${JSON.stringify(o.mode)}`, EXIT.usage);
  const gpuIndex = o.gpu === undefined ? 0 : Number(o.gpu);
  if (!(Number.isInteger(gpuIndex) && gpuIndex >= 0)) throw new CliError(`gpu preflight: --gpu must be a GPU index, got ${JSON.stringify(o.gpu)}`, EXIT.usage);
  const gpuMemoryGiB = o.gpuMemoryGib === undefined ? 8 : Number(o.gpuMemoryGib);
  if (!(Number.isFinite(gpuMemoryGiB) && gpuMemoryGiB > 0)) throw new CliError(`gpu preflight: --gpu-memory-gib must be a positive number, got ${JSON.stringify(o.gpuMemoryGib)}`, EXIT.usage);
  const specPath = path.resolve(o.spec);
  let text: string;
  try {
    text = readFileSync(specPath, 'utf8');
  } catch (err) {
    throw new CliError(`gpu preflight: cannot read run spec ${o.spec}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.input);
  }
  const a = analyzeSpec(text);
  const errors = a.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    throw new CliError(`gpu preflight: ${o.spec} is not a valid run spec:\n${errors.map((p) => `  ${o.spec}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.message}`).join('\n')}`, EXIT.input);
  }
  const input = memoryInputOf(a.values);
  const estimate = estimateMemory(input);
  if (input.device === 'cpu') {
    const r = { ok: true, mode, estimateBytes: estimate.totalBytes, freeBytes: null, gpu: null, warnings: ['the spec runs on the CPU ([device].device = "cpu"): no GPU preflight'], strays: [] };
    if (o.json) out(JSON.stringify({ spec: specPath, ...r }, null, 2));
    else out(`${o.spec}: estimated training memory ${formatMemory(estimate.totalBytes)}; ${r.warnings[0]}`);
    return EXIT.ok;
  }
  const r = await preflight({ estimateBytes: estimate.totalBytes, gpuIndex, mode, gpuMemoryGiB });
  if (o.json) out(JSON.stringify({ spec: specPath, ...r }, null, 2));
  else {
    const where = r.gpu ? `GPU ${r.gpu.index} (${r.gpu.name}) has ${mem(r.freeBytes)} free` : 'no GPU read';
    out(`${o.spec}: estimated training memory ${formatMemory(estimate.totalBytes)}; ${where}`);
    if (r.refusal) out(`refused: ${r.refusal}`);
    for (const w of r.warnings) out(`warning: ${w}`);
    if (r.ok && !r.refusal && r.warnings.length === 0) out('ok: fits');
  }
  return r.ok ? EXIT.ok : EXIT.nothingDone;
}


/** `rubato gpu …`, registered by main.ts in one line. */
export function registerGpuCommands(program: Command, out: Out, setExitCode: (code: number) => void): void {
  const gpu = program.command('gpu').description('GPUs and their memory, processes holding it, strays; stop a stray; memory preflight for a spec');
  // The listing is a default subcommand so that `gpu --json` and `gpu preflight --json` each reach their own --json.
  gpu
    .command('status', { isDefault: true })
    .description('GPUs with used/free memory, processes holding GPU memory, and training processes not started by Rubato')
    .option('--json', 'print one JSON object (see README)')
    .action(async (o: { json?: boolean }) => setExitCode(await runGpuStatus(o, out)));
  gpu
    .command('stop')
    .description('stop a stray process by pid: SIGTERM, then SIGKILL after a grace period (asks first; never a supervised run)')
    .argument('<pid>')
    .option('--yes', 'do not ask (required when stdin is not a terminal)')
    .option('--grace <sec>', 'seconds between SIGTERM and SIGKILL', String(DEFAULT_GRACE_MS / 1000))
    .option('--json', 'print the outcome as JSON')
    .action(async (pid: string, o: { yes?: boolean; grace?: string; json?: boolean }) => setExitCode(await runGpuStop(pid, o, out)));
  gpu
    .command('preflight')
    .description("a run spec's estimated training memory against the selected GPU's free memory, and strays on it")
    .requiredOption('--spec <file>', 'run spec (*.run.toml)')
    .option('--gpu <index>', 'GPU the run will use', '0')
    .option('--mode <mode>', 'warn | refuse (exit 5 when the estimate does not fit) | off', 'warn')
    .option('--gpu-memory-gib <GiB>', 'compared with when no GPU can be read (the rubato.gpuMemoryGiB setting)', '8')
    .option('--json', 'print one JSON object (see README)')
    .action(async (o: { spec: string; gpu?: string; mode?: string; gpuMemoryGib?: string; json?: boolean }) => setExitCode(await runGpuPreflight(o, out)));
}
