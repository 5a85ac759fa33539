// Bounded concurrency and cancellation for the datasets jobs: the Limiter caps the worker threads running at once
// (workerClient.ts); the abort helpers turn an AbortSignal into the error the LSP handler maps to "cancelled".

export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** Thrown when the caller's AbortSignal fires; the LSP handler maps it to a cancelled request. */
export class DatasetsAbortError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DatasetsAbortError();
}

/** Calls `fn` at most every `ms` milliseconds (the last call of a burst may be dropped; callers send a final one). */
export function throttle<A extends unknown[]>(fn: ((...a: A) => void) | undefined, ms: number): (...a: A) => void {
  if (!fn) return () => {};
  let last = 0;
  return (...a: A) => {
    const now = Date.now();
    if (now - last >= ms) {
      last = now;
      fn(...a);
    }
  };
}
