// Runs a datasets job (jobs.ts) in the datasets worker thread, or in the calling thread when the caller injected its
// own FsApi (a function cannot cross to another thread) or no worker script is found.
//
// The worker script: dist/datasetsWorker.js beside the bundle (the server and the CLI), else datasetsWorker.ts beside
// this file through tsx's require hook (tests and the benchmark run from the TypeScript sources). One idle worker is
// kept (unref'd, so it never keeps a process alive) and reused: starting a thread costs tens of milliseconds, about
// what a whole scan of a small tree costs. Cancelling terminates the thread; the next job starts a fresh one.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatasetsProgress } from './types';
import { nodeFs, type FsApi } from './fsApi';
import type { HashCache } from './hashCache';
import { DatasetsAbortError, Limiter, throwIfAborted } from './limit';
import { runJobHere, type DatasetsJob, type JobOf, type JobResults } from './jobs';
import type { WorkerReply, WorkerRequest } from './datasetsWorker';
import type { WalkResult } from './walk';

export interface RunJobOptions {
  fs?: FsApi;
  signal?: AbortSignal;
  onProgress?: (p: DatasetsProgress) => void;
  cache?: HashCache;
}

type WorkerSpec = { file: string; evalCode: boolean };

const YOUNG_GENERATION_MB = 64;

let spec: WorkerSpec | null | undefined;
let idle: Worker | null = null;
// At most two threads at once (a scan beside the watcher's walks, say): a burst of jobs waits rather than starting
// a thread each.
const threads = new Limiter(2);

function workerSpec(): WorkerSpec | null {
  if (spec !== undefined) return spec;
  const js = path.join(__dirname, 'datasetsWorker.js');
  const ts = path.join(__dirname, 'datasetsWorker.ts');
  spec = null;
  if (existsSync(js)) spec = { file: js, evalCode: false };
  else if (existsSync(ts)) {
    try {
      // Running from sources: load the TypeScript worker through tsx's CommonJS hook, registered inside the thread.
      const tsx = require.resolve('tsx/cjs');
      spec = { file: `require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(ts)});`, evalCode: true };
    } catch {
      spec = null;
    }
  }
  return spec;
}

function takeWorker(s: WorkerSpec): Worker {
  const reuse = idle;
  idle = null;
  if (reuse) {
    reuse.ref();
    return reuse;
  }
  // A larger young generation: the walk makes a short-lived stat object (with four Dates) per entry; with V8's
  // default few-MiB nursery the garbage collector took about a tenth of a walk in profiles.
  const w = new Worker(s.file, { eval: s.evalCode, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  w.once('exit', () => {
    if (idle === w) idle = null;
  });
  return w;
}

function release(w: Worker): void {
  if (idle) {
    void w.terminate();
    return;
  }
  w.unref();
  idle = w;
}

/** Runs `job` where it belongs (see the header); the result is the same either way. */
export async function runJob<K extends DatasetsJob['kind']>(job: JobOf<K>, opts: RunJobOptions = {}): Promise<JobResults[K]> {
  throwIfAborted(opts.signal);
  const fs = opts.fs ?? nodeFs;
  const s = fs === nodeFs && process.env.RUBATO_DATASETS_IN_THREAD !== '1' ? workerSpec() : null;
  if (!s) return runJobHere(job, { fs, signal: opts.signal, onProgress: opts.onProgress, cache: opts.cache });
  return threads.run(() => inWorker(s, job, opts));
}

function inWorker<K extends DatasetsJob['kind']>(s: WorkerSpec, job: JobOf<K>, opts: RunJobOptions): Promise<JobResults[K]> {
  return new Promise<JobResults[K]>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new DatasetsAbortError());
    const w = takeWorker(s);
    const cleanup = (): void => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      void w.terminate();
      reject(new DatasetsAbortError());
    };
    const onMessage = (m: WorkerReply): void => {
      if (m.type === 'progress') {
        opts.onProgress?.(m.progress);
        return;
      }
      cleanup();
      release(w);
      if (m.type === 'done') {
        if (m.cache && opts.cache) opts.cache.adopt(m.cache);
        resolve(revive(job, m.result) as JobResults[K]);
      } else reject(Object.assign(new Error(m.error.message), { name: m.error.name, stack: m.error.stack }, m.error.code ? { code: m.error.code } : {}));
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(new Error(`the datasets worker failed: ${e.message}`));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`the datasets worker stopped unexpectedly (exit code ${code})`));
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const req: WorkerRequest = { job, cache: opts.cache?.state() ?? null };
    w.postMessage(req);
  });
}

/** Buffer paths (names that are not UTF-8) arrive as plain Uint8Arrays: make them Buffers again. */
function revive(job: DatasetsJob, result: unknown): unknown {
  const w = job.kind === 'walk' ? (result as WalkResult) : job.kind === 'dupes' ? (result as { walk?: WalkResult }).walk : undefined;
  if (w) {
    for (const x of [...w.dirs, ...w.files]) {
      if (typeof x.path !== 'string' && !Buffer.isBuffer(x.path)) {
        const u = x.path as Uint8Array;
        x.path = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      }
    }
  }
  return result;
}

/** The walk alone (git repositories, watched folders, canonicalize's checks), off the caller's thread. */
export function walkInBackground(roots: readonly string[], opts: RunJobOptions & { followLinkedRoots?: boolean; pruneNames?: readonly string[] } = {}): Promise<WalkResult> {
  return runJob({ kind: 'walk', roots: [...roots], followLinkedRoots: opts.followLinkedRoots, pruneNames: opts.pruneNames && [...opts.pruneNames] }, opts);
}
