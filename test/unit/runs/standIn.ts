// Test helpers: a trainer stand-in (a Node script the test writes), a tmp state folder, polling, and the
// process-table scan for leftovers. The stand-in behaves like native/rubato_native/train.py where the
// supervisor can see it: metrics.jsonl, status.json (atomic), stdout/stderr lines, a grandchild process,
// SIGINT → a final line and exit 0, `--resume` continues after the last step in metrics.jsonl.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MetricsSourceSpec } from '../../../server/metrics/source';
import type { LaunchPlan } from '../../../server/runs/plan';

const SCRIPT = String.raw`
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const [runDir, mode, totalText, marker, ...rest] = process.argv.slice(2);
const total = Number(totalText);
const resume = rest.includes('--resume');
const stepMs = Number(process.env.STAND_IN_STEP_MS || 60);
fs.mkdirSync(runDir, { recursive: true });
// External modes write no metrics.jsonl / status.json: the supervisor's ingestor reads their output.
const external = ['nanogpt', 'jsonl', 'tfevents'].includes(mode);
const metrics = path.join(runDir, 'metrics.jsonl');
const frames = process.env.STAND_IN_FRAMES ? JSON.parse(fs.readFileSync(process.env.STAND_IN_FRAMES, 'utf8')) : [];
const tbFile = path.join(runDir, 'tb', 'sub', 'events.out.tfevents.1700000000.standin');
if (mode === 'tfevents') fs.mkdirSync(path.dirname(tbFile), { recursive: true });
let step = 0;
if (resume && fs.existsSync(metrics)) {
  const lines = fs.readFileSync(metrics, 'utf8').split('\n').filter(Boolean);
  if (lines.length) step = JSON.parse(lines[lines.length - 1]).step;
}
const status = (state) => {
  if (external) return;
  const tmp = path.join(runDir, '.status.tmp');
  fs.writeFileSync(tmp, JSON.stringify({ state, pid: process.pid, step, total_steps: total, best_checkpoint: null, best_expression_score: null, error: null }));
  fs.renameSync(tmp, path.join(runDir, 'status.json'));
};
// A grandchild that never exits by itself (like a data-loader worker): only the supervisor's tree kill ends it.
const gc = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker + '-grandchild'], { stdio: 'ignore', detached: mode === 'setsid' });
console.log('stand-in ' + marker + ' starting at step ' + step + (resume ? ' (resume)' : '') + ' grandchild ' + gc.pid);
status('running');
process.on('SIGINT', () => {
  if (mode === 'ignore-int') { console.log('ignoring SIGINT'); return; }
  console.log('got SIGINT at step ' + step + ', checkpoint written');
  status('stopped');
  process.exit(0);
});
const timer = setInterval(() => {
  step += 1;
  const t0 = Date.now();
  const loss = 10 / step;
  if (!external) fs.appendFileSync(metrics, JSON.stringify({ step, wall_time: step * stepMs / 1000, train_loss: loss, velocity_r: { '1': 0.1, '8': 0.2, '32': null } }) + '\n');
  status('running');
  if (mode === 'nanogpt') {
    console.log('iter ' + step + ': loss ' + loss.toFixed(4) + ', time 54.21ms, mfu ' + (step < 5 ? '-100.00' : '12.50') + '%');
    if (step % 5 === 0) console.log('step ' + step + ': train loss ' + loss.toFixed(4) + ', val loss ' + (loss + 1).toFixed(4));
  } else console.log('step ' + step + ' loss ' + loss.toFixed(4));
  if (mode === 'jsonl') fs.appendFileSync(path.join(runDir, 'train_log.jsonl'), JSON.stringify({ iter: step, loss, lr: 0.001, nested: { acc: step / 100 } }) + '\n');
  if (mode === 'tfevents' && frames[step - 1]) {
    // Each record in two writes, so the ingestor sees half-written frames.
    const b = Buffer.from(frames[step - 1], 'base64');
    fs.appendFileSync(tbFile, b.subarray(0, 7));
    setTimeout(() => fs.appendFileSync(tbFile, b.subarray(7)), stepMs / 3);
  }
  if (mode === 'crash' && step === 3) { console.error('boom: CUDA out of memory (stand-in)'); process.exit(3); }
  if (step >= total) { status('finished'); clearInterval(timer); console.log('finished'); process.exit(0); }
}, stepMs);
`;

export interface Sandbox {
  root: string;
  stateDir: string;
  script: string;
  marker: string;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rubato-runs-'));
  const script = path.join(root, 'stand-in.cjs');
  writeFileSync(script, SCRIPT);
  const marker = `rbtest${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
  return {
    root,
    stateDir: path.join(root, 'state'),
    script,
    marker,
    cleanup() {
      for (const p of processesWith(marker)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export type Mode = 'ok' | 'crash' | 'ignore-int' | 'setsid' | 'nanogpt' | 'jsonl' | 'tfevents';

/** A plan that runs the stand-in as a trainer (its own metrics.jsonl), one spec file per run folder. */
export function standInPlan(sb: Sandbox, name: string, opts: { mode?: Mode; steps?: number; usesGpu?: boolean; stepMs?: number; metricsSource?: MetricsSourceSpec; env?: Record<string, string> } = {}): LaunchPlan {
  const runDir = path.join(sb.root, 'runs', name);
  const specPath = path.join(sb.root, `${name}.run.toml`);
  writeFileSync(specPath, `# stand-in spec ${name}\n[run]\nout = "runs/${name}"\n`);
  return {
    kind: opts.metricsSource ? 'external' : 'trainer',
    name,
    specPath,
    runDir,
    command: [process.execPath, sb.script, runDir, opts.mode ?? 'ok', String(opts.steps ?? 20), sb.marker],
    cwd: sb.root,
    env: { STAND_IN_STEP_MS: String(opts.stepMs ?? 60), ...opts.env },
    resumeArgs: opts.metricsSource ? [] : ['--resume'],
    device: opts.usesGpu ? 'cuda' : 'cpu',
    usesGpu: !!opts.usesGpu,
    totalSteps: opts.steps ?? 20,
    metricsSource: opts.metricsSource ?? null,
  };
}

/** Pids (other than ours) whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // exited, waiting to be reaped
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** Polls `cond` every 25 ms until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, cond: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
