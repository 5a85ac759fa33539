// The small type tests every protocol validator is built from, kept in one place so each message's
// checks read the same way. Pure: imports nothing (client, server and webviews all bundle the protocol).

/** The value as a plain object (not null, not an array), or null when it is not one. */
export function asRecord(x: unknown): Record<string, unknown> | null {
  return isRecord(x) ? x : null;
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Sequence numbers, request ids and byte offsets: safe integers from 0. */
export function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

/** A finite number, or null (JSON carries a non-finite value as null). */
export function isFiniteOrNull(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}
