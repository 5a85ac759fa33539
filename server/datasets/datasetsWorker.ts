// Entry point of the datasets worker thread (bundled as dist/datasetsWorker.js; started by workerClient.ts). It runs
// one job at a time with synchronous file-system calls — blocking here is the point: the server's event loop, in the
// main thread, stays free. Progress goes out as messages; the caller cancels by terminating the thread.

import { parentPort } from 'node:worker_threads';
import { errCode } from './fsApi';
import { HashCache, type HashCacheState } from './hashCache';
import { runJobHere, type DatasetsJob } from './jobs';
import { nodeFs } from './fsApi';
import type { HashBatch } from './hasher';
import { runJob } from './workerClient';

export interface WorkerRequest {
  job: DatasetsJob;
  cache: HashCacheState | null;
}

export type WorkerReply =
  | { type: 'progress'; progress: import('./types').DatasetsProgress }
  | { type: 'done'; result: unknown; cache: HashCacheState | null }
  | { type: 'failed'; error: { name: string; message: string; code?: string; stack?: string } };

const port = parentPort;
if (port) {
  const send = (m: WorkerReply): void => port.postMessage(m);
  port.on('message', (req: WorkerRequest) => {
    const cache = req.cache ? HashCache.fromState(req.cache) : undefined;
    // The duplicates job hashes half its files in a second worker (started from here, reused between jobs).
    const hashElsewhere = req.job.kind === 'dupes' ? (batch: HashBatch) => runJob({ kind: 'hash', batch }) : undefined;
    runJobHere(req.job, { fs: nodeFs, cache, hashElsewhere, onProgress: (progress) => send({ type: 'progress', progress }) }).then(
      (result) => send({ type: 'done', result, cache: cache?.state() ?? null }),
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        const code = errCode(e);
        send({ type: 'failed', error: { name: err.name, message: err.message, stack: err.stack, ...(code ? { code } : {}) } });
      },
    );
  });
}
