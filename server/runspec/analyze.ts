// Validates a run spec's text against the schema: syntax, structure, unknown names, types, ranges, required keys and
// the cross-key rules of config.py's parse_spec (all problems, not just the first), plus the effective values.

import type { Range } from 'vscode-languageserver';
import { parseSpecToml, type ParsedToml, type SpecEntry } from './toml';
import { SPEC_SCHEMA, SECTION_NAMES, keySpec, kindText, type KeyDefault } from './schema';
import { checkValue } from './checkValue';
import { closestName } from './didYouMean';
import type { MemoryInput } from './memoryEstimate';
import { analyzeExternal, isExternalParsed, type ExternalValues } from './analyzeExternal';

export type Severity = 'error' | 'warning' | 'info';

export interface SpecProblem {
  range: Range;
  severity: Severity;
  /** Where, as config.py names it: `[model].n_heads`, `[modle]`, `(syntax)`. */
  key: string;
  message: string;
}

/** Effective value of every key: the spec's valid value, else the default. */
export type EffectiveValues = Map<string, KeyDefault>;

export interface SpecAnalysis {
  parsed: ParsedToml;
  problems: SpecProblem[];
  values: EffectiveValues;
  /** `section.key` → its entry, for valid and invalid values alike (first occurrence). */
  entries: Map<string, SpecEntry>;
  /** Keys whose value was rejected (their effective value is the default). */
  invalid: Set<string>;
  /** Set for an external spec (it has [external]): its values. Then `values` holds only trainer defaults. */
  external?: ExternalValues;
}

const DOC_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function analyzeSpec(text: string): SpecAnalysis {
  const parsed = parseSpecToml(text);
  const problems: SpecProblem[] = [];
  const values: EffectiveValues = new Map();
  const entries = new Map<string, SpecEntry>();
  const invalid = new Set<string>();
  for (const [sname, s] of Object.entries(SPEC_SCHEMA)) for (const [k, ks] of Object.entries(s.keys)) values.set(`${sname}.${k}`, ks.default);
  const result: SpecAnalysis = { parsed, problems, values, entries, invalid };
  if (parsed.syntaxError) {
    problems.push({ range: parsed.syntaxError.range, severity: 'error', key: '(syntax)', message: parsed.syntaxError.message });
    return result;
  }
  if (isExternalParsed(parsed)) {
    result.external = analyzeExternal(parsed, problems);
    problems.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
    return result;
  }
  const error = (range: Range, key: string, message: string): void => {
    problems.push({ range, severity: 'error', key, message: `${key}: ${message}` });
  };
  const reported = new Set<string>();
  const once = (id: string, f: () => void): void => {
    if (reported.has(id)) return;
    reported.add(id);
    f();
  };
  /** Problems of a path's section and key names; true when the path names a known section and key. */
  const checkNames = (path: string[], ranges: Range[]): boolean => {
    const [sname, kname] = path;
    if (sname === undefined) return false;
    if (!SPEC_SCHEMA[sname]) {
      once(`section:${sname}`, () => error(ranges[0]!, `[${sname}]`, unknownName(sname, SECTION_NAMES, 'section')));
      return false;
    }
    if (kname === undefined) return false;
    if (!keySpec(sname, kname)) {
      once(`key:${sname}.${kname}`, () => error(ranges[1]!, `[${sname}].${kname}`, unknownName(kname, Object.keys(SPEC_SCHEMA[sname]!.keys), 'key')));
      return false;
    }
    return true;
  };
  for (const t of parsed.tables) {
    const sname = t.path[0]!;
    if (t.isArray) {
      once(`table:${sname}`, () =>
        SPEC_SCHEMA[sname] ? error(t.headerRange, sname, 'must be a table ([section] with keys), not an array of tables') : error(t.partRanges[0]!, `[${sname}]`, unknownName(sname, SECTION_NAMES, 'section')),
      );
      continue;
    }
    if (checkNames(t.path, t.partRanges) && t.path.length >= 2) {
      const kname = t.path[1]!;
      invalid.add(`${sname}.${kname}`);
      once(`key:${sname}.${kname}`, () => error(t.partRanges[1]!, `[${sname}].${kname}`, `must be ${kindText(keySpec(sname, kname)!.kind)}, got a table`));
    }
  }
  for (const e of parsed.entries) {
    const sname = e.path[0]!;
    if (e.path.length === 1) {
      // A top-level `name = value`: an empty inline table is an empty section; anything else is not a section.
      if (!SPEC_SCHEMA[sname]) checkNames(e.path, e.partRanges);
      else if (e.tomlType !== 'table') once(`table:${sname}`, () => error(e.partRanges[0]!, sname, 'must be a table ([section] with keys)'));
      continue;
    }
    if (!checkNames(e.path, e.partRanges)) continue;
    const kname = e.path[1]!;
    const id = `${sname}.${kname}`;
    if (!entries.has(id)) entries.set(id, e);
    const ks = keySpec(sname, kname)!;
    if (e.path.length > 2) {
      invalid.add(id);
      once(`key:${id}`, () => error(e.partRanges[1]!, `[${sname}].${kname}`, `must be ${kindText(ks.kind)}, got a table`));
      continue;
    }
    const checked = checkValue(ks, e.value, e.tomlType);
    if (checked.ok) values.set(id, checked.value);
    else {
      invalid.add(id);
      error(e.valueRange, `[${sname}].${kname}`, checked.problem);
    }
  }
  for (const [sname, s] of Object.entries(SPEC_SCHEMA)) {
    for (const [kname, ks] of Object.entries(s.keys)) {
      if (ks.required && !entries.has(`${sname}.${kname}`) && !reported.has(`key:${sname}.${kname}`)) {
        error(sectionRange(parsed, sname), `[${sname}].${kname}`, 'is required');
      }
    }
  }
  crossChecks(result);
  problems.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
  return result;
}

function unknownName(name: string, known: readonly string[], what: 'key' | 'section'): string {
  const close = closestName(name, known);
  return `unknown ${what}${close ? ` (did you mean "${close}"?)` : ''}; known: ${known.join(', ')}`;
}

/** The header of a section, else the document start (where a missing section would go). */
export function sectionRange(parsed: ParsedToml, sname: string): Range {
  return parsed.tables.find((t) => t.path.length === 1 && t.path[0] === sname)?.headerRange ?? DOC_START;
}

/** Where to report about a key: its value, else its section's header, else the document start. */
export function keyRange(a: SpecAnalysis, sname: string, kname: string): Range {
  return a.entries.get(`${sname}.${kname}`)?.valueRange ?? sectionRange(a.parsed, sname);
}

/** config.py's rules across keys (errors there), and combinations it accepts but that do not do what they say. */
function crossChecks(a: SpecAnalysis): void {
  const num = (id: string): number | undefined => (a.invalid.has(id) ? undefined : (a.values.get(id) as number));
  const str = (id: string): string | undefined => (a.invalid.has(id) ? undefined : (a.values.get(id) as string));
  /** Reported on the key's value, else on `orAt`'s value (the other key of the rule, when that one is written). */
  const report = (severity: Severity, sname: string, kname: string, message: string, orAt?: string): void => {
    const range = a.entries.get(`${sname}.${kname}`)?.valueRange ?? (orAt ? a.entries.get(`${sname}.${orAt}`)?.valueRange : undefined) ?? sectionRange(a.parsed, sname);
    a.problems.push({ range, severity, key: `[${sname}].${kname}`, message: `[${sname}].${kname}: ${message}` });
  };
  const d = num('model.d_model');
  const h = num('model.n_heads');
  if (d !== undefined && h !== undefined && d % h !== 0) report('error', 'model', 'n_heads', `must divide d_model (${d}), got ${h}`, 'd_model');
  if (d !== undefined && d % 2 !== 0) report('error', 'model', 'd_model', `must be even (sinusoidal positions), got ${d}`);
  const window = num('data.window');
  const overlap = num('data.overlap');
  if (window !== undefined && overlap !== undefined && overlap >= window) report('error', 'data', 'overlap', `must be smaller than [data].window (${window}), got ${overlap}`, 'window');
  const warmup = num('schedule.warmup_steps');
  const maxSteps = num('schedule.max_steps');
  if (warmup !== undefined && maxSteps !== undefined && warmup > maxSteps) report('error', 'schedule', 'warmup_steps', `must be <= max_steps (${maxSteps})`, 'max_steps');
  const every = num('eval.every_steps');
  if (every !== undefined && maxSteps !== undefined && every > maxSteps) report('warning', 'eval', 'every_steps', `is more than max_steps (${maxSteps}): the run is evaluated only at its last step`);
  const device = str('device.device');
  const mode = str('precision.mode');
  if (device === 'cpu' && mode === 'fp16') report('warning', 'precision', 'mode', 'fp16 autocast is for CUDA; on the CPU the trainer uses fp32');
  if (device === 'cpu' && mode === 'bf16') report('info', 'precision', 'mode', 'bf16 runs only on CPUs with native bf16 (avx512_bf16 or AMX); elsewhere the trainer uses fp32');
}

/** The memory estimate's inputs from a spec's effective values. */
export function memoryInputOf(values: EffectiveValues): MemoryInput {
  const n = (id: string): number => values.get(id) as number;
  return {
    dModel: n('model.d_model'),
    nLayers: n('model.n_layers'),
    nHeads: n('model.n_heads'),
    ffMult: n('model.ff_mult'),
    dropout: n('model.dropout'),
    microBatch: n('batch.micro_batch'),
    window: n('data.window'),
    precision: values.get('precision.mode') as MemoryInput['precision'],
    device: values.get('device.device') as MemoryInput['device'],
    gradCheckpointing: values.get('batch.grad_checkpointing') === true,
  };
}
