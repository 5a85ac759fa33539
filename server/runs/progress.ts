// Step, last loss and ETA of a run from its metric rows. The ETA extrapolates the recent rate
// (steps per second over the last rows, not the whole run: warmup, evals and resumes skew the mean).

import type { MetricRow } from '../protocol/runs';

const WINDOW_ROWS = 50;
const LOSS_KEYS = ['train_loss', 'loss', 'train/loss', 'train/loss_step'];

/** The training loss of a row: a known name first, else the first `*loss*` value that is not a validation one. */
export function lossOf(row: MetricRow): number | null | undefined {
  for (const k of LOSS_KEYS) if (k in row.values) return row.values[k];
  const k = Object.keys(row.values).find((n) => /loss/i.test(n) && !/val|eval|test/i.test(n));
  return k === undefined ? undefined : row.values[k];
}

export class ProgressMeter {
  /** (step, seconds) pairs; seconds are the rows' wall_time, or arrival time for sources without one. */
  private samples: { step: number; sec: number }[] = [];
  private clock: 'wall' | 'arrival' | undefined;
  step: number | null = null;
  lastLoss: number | null = null;

  add(rows: MetricRow[], nowSec = Date.now() / 1000): void {
    for (const row of rows) {
      const clock = row.wallTime === null ? 'arrival' : 'wall';
      if (clock !== this.clock) {
        this.clock = clock;
        this.samples = [];
      }
      const sec = row.wallTime ?? nowSec;
      const last = this.samples[this.samples.length - 1];
      // A step going back (a resumed run re-doing steps) or time going back (a new wall-time base) restarts the window.
      if (last && (row.step < last.step || sec < last.sec)) this.samples = [];
      if (!last || row.step !== last.step) this.samples.push({ step: row.step, sec });
      if (this.samples.length > WINDOW_ROWS) this.samples.shift();
      this.step = this.step === null ? row.step : Math.max(this.step, row.step);
      const loss = lossOf(row);
      if (loss !== undefined && loss !== null) this.lastLoss = loss;
    }
  }

  /** Seconds left to `totalSteps`, or null when the rate is unknown. */
  etaSec(totalSteps: number | null): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (totalSteps === null || this.step === null || !first || !last || last.step <= first.step || last.sec <= first.sec) return null;
    const stepsPerSec = (last.step - first.step) / (last.sec - first.sec);
    return Math.max(0, (totalSteps - this.step) / stepsPerSec);
  }
}
