// A small stderr progress bar for long builds: redrawn in place on a terminal, a line per ~10% otherwise (CI logs).

export interface ProgressSnapshot {
  done: number;
  total: number;
  /** Of `done`, how many were reused from the cache (left out of the rate once anything has been built). */
  reused: number;
  elapsedSec: number;
}

/** The stream the bar writes to; `isTTY`/`columns` are those of a tty.WriteStream when present. */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  label: string;
  stream?: ProgressStream;
  /** Milliseconds clock; injectable for tests. */
  nowMs?: () => number;
  /** Minimum milliseconds between redraws on a terminal. */
  redrawMs?: number;
}

export interface ProgressBar {
  /** Call once per finished item; the signature matches BuildOptions.onProgress. */
  update(done: number, total: number, item?: unknown, cached?: boolean): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.round(sec);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Counts, percent, rate of freshly built items and ETA, e.g. "  42/100  42% (10 reused) 3.1/s ETA 19s". */
export function formatProgress(p: ProgressSnapshot): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
  // Reused items cost almost nothing, so they would inflate the rate; until something is built, count everything.
  const built = p.done - p.reused;
  const counted = built > 0 ? built : p.done;
  const rate = p.elapsedSec > 0 ? counted / p.elapsedSec : 0;
  const left = p.total - p.done;
  const eta = left === 0 ? 0 : rate > 0 ? left / rate : Number.POSITIVE_INFINITY;
  const width = String(p.total).length;
  const reused = p.reused > 0 ? ` (${p.reused} reused)` : '';
  return `${String(p.done).padStart(width)}/${p.total} ${String(pct).padStart(3)}%${reused} ${rate.toFixed(1)}/s ETA ${formatDuration(eta)}`;
}

function bar(done: number, total: number, cells: number): string {
  const full = total > 0 ? Math.round((cells * done) / total) : cells;
  return `[${'#'.repeat(full)}${'.'.repeat(cells - full)}]`;
}

export function createProgressBar(opts: ProgressOptions): ProgressBar {
  const stream = opts.stream ?? process.stderr;
  const now = opts.nowMs ?? (() => Date.now());
  const redrawMs = opts.redrawMs ?? 100;
  const start = now();
  let done = 0;
  let total = 0;
  let reused = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastDecile = -1;
  let finished = false;

  const snapshot = (): ProgressSnapshot => ({ done, total, reused, elapsedSec: (now() - start) / 1000 });
  const draw = (): void => {
    const text = `${opts.label} ${bar(done, total, 20)} ${formatProgress(snapshot())}`;
    const cols = stream.columns ?? 80;
    // \r + erase-line redraws in place; the text is cut to the width so it never wraps onto a second line.
    stream.write(`\r\x1b[2K${text.slice(0, Math.max(10, cols - 1))}`);
  };

  return {
    update(d, t, _item, cached) {
      if (finished) return;
      done = d;
      total = t;
      if (cached === true) reused += 1;
      if (stream.isTTY === true) {
        const t0 = now();
        if (t0 - lastDraw >= redrawMs || done === total) {
          lastDraw = t0;
          draw();
        }
        return;
      }
      const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${opts.label} ${formatProgress(snapshot())}\n`);
      }
    },
    finish() {
      if (finished) return;
      finished = true;
      if (stream.isTTY === true) {
        draw();
        stream.write('\n');
      } else if (lastDecile < 10 || done !== total) {
        stream.write(`${opts.label} ${formatProgress(snapshot())}\n`);
      }
    },
  };
}
