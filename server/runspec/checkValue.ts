// Checks one run-spec value against its schema entry: type, choices and range, in config.py's order and with its
// rules (`_check_type`, CHOICES, `_check_range`), so the editor rejects exactly what the trainer rejects.

import type { KeySpec } from './schema';
import { kindText } from './schema';
import type { PlainValue, TomlType } from './toml';

export type Checked = { ok: true; value: number | boolean | string | [number, number] } | { ok: false; problem: string };

export function checkValue(spec: KeySpec, value: PlainValue, tomlType: TomlType): Checked {
  const typed = checkType(spec, value, tomlType);
  if (!typed.ok) return typed;
  const v = typed.value;
  if (spec.choices && typeof v === 'string' && !spec.choices.includes(v)) {
    return { ok: false, problem: `must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}, got ${show(v)}` };
  }
  if (typeof v === 'number') {
    // Comparisons written as config.py writes them: NaN passes both, as it does there.
    if (spec.min !== undefined && (spec.minExclusive ? v <= spec.min : v < spec.min)) {
      return { ok: false, problem: `must be ${spec.minExclusive ? '>' : '>='} ${spec.min}, got ${show(v)}` };
    }
    if (spec.max !== undefined && v > spec.max) return { ok: false, problem: `must be <= ${spec.max}, got ${show(v)}` };
  }
  return typed;
}

function checkType(spec: KeySpec, value: PlainValue, tomlType: TomlType): Checked {
  const bad = (): Checked => ({ ok: false, problem: `must be ${kindText(spec.kind)}, got ${show(value, tomlType)}` });
  switch (spec.kind) {
    case 'bool':
      return typeof value === 'boolean' ? { ok: true, value } : bad();
    case 'int':
    case 'optionalInt':
      return tomlType === 'integer' && typeof value === 'number' ? { ok: true, value } : bad();
    case 'command':
    case 'env':
    case 'patterns':
      return bad(); // structured values of external specs: checked by analyzeExternal.ts
    case 'float':
    case 'optionalFloat':
      return (tomlType === 'integer' || tomlType === 'float') && typeof value === 'number' ? { ok: true, value } : bad();
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : bad();
    case 'path':
      return typeof value === 'string' && value !== '' ? { ok: true, value } : bad();
    case 'betas': {
      if (!Array.isArray(value) || value.length !== 2) return bad();
      const [b1, b2] = value;
      if (typeof b1 !== 'number' || typeof b2 !== 'number') return bad();
      for (const b of [b1, b2]) {
        if (!(b >= 0 && b < 1)) return { ok: false, problem: `each beta must be in [0, 1), got ${show(b)}` };
      }
      return { ok: true, value: [b1, b2] };
    }
  }
}

/** A value as the user wrote it, roughly: TOML strings quoted, tables named. */
export function show(value: PlainValue, tomlType?: TomlType): string {
  if (tomlType === 'table') return 'a table';
  if (tomlType === 'datetime' || value instanceof Date) return 'a date/time';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => show(v)).join(', ')}]`;
  if (typeof value === 'object') return 'a table';
  return String(value);
}
