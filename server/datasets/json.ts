// The CLI's `--json` shapes (documented in README.md): the plain result types with snake_case keys, `sizeBytes`
// written as `size` (bytes). Serialization happens here only; inside, results stay camelCase data.

function snakeKey(k: string): string {
  if (k === 'sizeBytes') return 'size';
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Deep copy with snake_case keys (arrays and nested objects included; bigint never appears in results). */
export function toJsonShape(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(toJsonShape);
  if (typeof x === 'object' && x !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[snakeKey(k)] = toJsonShape(v);
    return out;
  }
  return x;
}
