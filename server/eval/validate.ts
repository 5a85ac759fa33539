// Input guards shared by the metrics: every bad value is reported by name and index, never turned into NaN.

/** Throws a RangeError naming `label[i]` for the first value that is NaN or infinite. */
export function assertFiniteSeries(values: readonly number[], label: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${label}[${i}] is ${String(v)}; every value must be a finite number`);
    }
  }
}

/** Throws a RangeError unless `a` and `b` have the same length. */
export function assertSameLength(a: readonly unknown[], b: readonly unknown[], labelA: string, labelB: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${labelA} has ${a.length} values but ${labelB} has ${b.length}; they must pair one to one`);
  }
}

/** Throws a RangeError unless `w` is a positive integer window size. */
export function assertWindow(w: number, label = 'window'): void {
  if (!Number.isInteger(w) || w < 1) {
    throw new RangeError(`${label} must be a positive integer, got ${String(w)}`);
  }
}
