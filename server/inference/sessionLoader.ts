// Loading onnxruntime-node sessions from model files: the runtime loaded lazily, one cached session per file
// version, execution providers tried in order. Shared by the humanizer model (./onnxSession.ts) and the
// normalizer (server/normalize/model.ts), which differ only in what they check of the file.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelFileError } from './onnxMetadata';

export type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;

/** onnxruntime-node is loaded on first use: its native library is large and only the model methods need it. */
export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((ort) => {
    // Failed provider probes (no CUDA libraries, no GPU) log errors from native code; we report the outcome ourselves.
    ort.env.logLevel = 'fatal';
    return ort;
  });
  return ortModule;
}

/**
 * Loaded models by absolute path. An entry is reused while the file (mtime, size) and `variant` (e.g. the
 * providers asked for) are unchanged; a changed file replaces and releases the old session.
 */
export class SessionCache<M extends { session: InferenceSession }> {
  private readonly entries = new Map<string, { key: string; model: Promise<M> }>();

  /**
   * The cached model for the file, else `create(absolutePath)`'s. Errors (`ModelFileError`) name the file;
   * a missing file or a folder fails before anything is read.
   */
  async load(modelPath: string, create: (file: string) => Promise<M>, variant = ''): Promise<M> {
    const file = path.resolve(modelPath);
    let key: string;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new ModelFileError(file, 'not a file');
      key = `${st.mtimeMs}:${st.size}:${variant}`;
    } catch (e) {
      if (e instanceof ModelFileError) throw e;
      throw new ModelFileError(file, `model file not found or unreadable (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    const hit = this.entries.get(file);
    if (hit?.key === key) return hit.model;
    if (hit) void hit.model.then((m) => m.session.release()).catch(() => undefined);
    const model = create(file);
    this.entries.set(file, { key, model });
    // A failed load is not cached: the user may fix the file and try again.
    model.catch(() => {
      if (this.entries.get(file)?.model === model) this.entries.delete(file);
    });
    return model;
  }

  /** Releases every cached session (tests, and the server on shutdown). */
  async clear(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((e) => e.model.then((m) => m.session.release()).catch(() => undefined)));
  }
}

export function readModelBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ModelFileError(file, `cannot read the model file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/**
 * A session on the first of `providers` that loads the model and passes `check` (which throws a
 * ModelFileError for a model of the wrong shape: that ends the search, as another provider will not help).
 */
export async function createSession<P extends string>(
  bytes: Uint8Array,
  file: string,
  providers: readonly P[],
  check: (session: InferenceSession) => void,
): Promise<{ session: InferenceSession; provider: P }> {
  const ort = await loadOrt();
  const failures: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
      check(session);
      return { session, provider };
    } catch (e) {
      if (e instanceof ModelFileError) throw e;
      failures.push(`${provider}: ${firstLine(e)}`);
    }
  }
  throw new ModelFileError(file, `onnxruntime could not load the model (${failures.join('; ')})`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}
