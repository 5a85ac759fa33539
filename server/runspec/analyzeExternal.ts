// Validates an external run spec ([external] + [metrics] + [run].out): names, types, required keys, the
// stdout patterns (compiled exactly as the supervisor will compile them), and options that contradict
// each other, such as trainer sections in a spec that runs someone else's script. Every problem, not the first.

import type { Range } from 'vscode-languageserver';
import { METRICS_SOURCE_KINDS, type MetricsSourceKind } from '../metrics/source';
import { compileStdoutPatterns, type StdoutPattern } from '../metrics/stdoutPatterns';
import type { SpecProblem, Severity } from './analyze';
import { checkValue, show } from './checkValue';
import { closestName } from './didYouMean';
import { EXTERNAL_SCHEMA, PATTERN_FIELDS, TRAINER_ONLY_SECTIONS } from './externalSchema';
import { kindText } from './schema';
import type { ParsedToml, PlainValue, SpecEntry } from './toml';

/** The external spec's values as written (paths not yet resolved); null where absent or invalid. */
export interface ExternalValues {
  command: string[] | null;
  cwd: string | null;
  env: Record<string, string>;
  gpu: boolean;
  totalSteps: number | null;
  source: MetricsSourceKind;
  path: string | null;
  preset: string | null;
  /** The [[metrics.pattern]] tables that are valid, in order, each with where its regex is written. */
  patterns: { pattern: StdoutPattern; range: Range }[];
  stepKey: string | null;
  timeKey: string | null;
  out: string | null;
}

const DOC_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const SECTIONS = Object.keys(EXTERNAL_SCHEMA);

/** True when the parsed spec has an [external] section in any TOML form. */
export function isExternalParsed(parsed: ParsedToml): boolean {
  return parsed.tables.some((t) => t.path[0] === 'external') || parsed.entries.some((e) => e.path[0] === 'external');
}

export function analyzeExternal(parsed: ParsedToml, problems: SpecProblem[]): ExternalValues {
  const v: ExternalValues = { command: null, cwd: null, env: {}, gpu: true, totalSteps: null, source: 'stdout', path: null, preset: null, patterns: [], stepKey: null, timeKey: null, out: null };
  const report = (severity: Severity, range: Range, key: string, message: string): void => {
    problems.push({ range, severity, key, message: `${key}: ${message}` });
  };
  const reported = new Set<string>();
  const once = (id: string, f: () => void): void => {
    if (!reported.has(id)) {
      reported.add(id);
      f();
    }
  };
  const sectionRange = (s: string): Range => parsed.tables.find((t) => t.path.length === 1 && t.path[0] === s)?.headerRange ?? DOC_START;
  const written = new Map<string, SpecEntry>();
  const at = (id: string, orSection: string): Range => written.get(id)?.valueRange ?? sectionRange(orSection);

  /** A section name problem, or null when the section belongs in an external spec. */
  const sectionProblem = (s: string, range: Range): boolean => {
    if (TRAINER_ONLY_SECTIONS.includes(s)) {
      once(`section:${s}`, () => report('error', range, `[${s}]`, 'contradictory options: this spec has an [external] section, so it runs its own command and the trainer sections do not apply; remove it (or remove [external] to train PerformanceNet)'));
      return true;
    }
    if (!EXTERNAL_SCHEMA[s]) {
      const close = closestName(s, SECTIONS);
      once(`section:${s}`, () => report('error', range, `[${s}]`, `unknown section${close ? ` (did you mean "${close}"?)` : ''}; an external spec has: ${SECTIONS.join(', ')}`));
      return true;
    }
    return false;
  };
  const keyProblem = (s: string, k: string, range: Range): boolean => {
    if (Object.prototype.hasOwnProperty.call(EXTERNAL_SCHEMA[s]!.keys, k)) return false;
    const known = Object.keys(EXTERNAL_SCHEMA[s]!.keys);
    const close = closestName(k, known);
    once(`key:${s}.${k}`, () => report('error', range, `[${s}].${k}`, `unknown key${close ? ` (did you mean "${close}"?)` : ''}; known: ${known.join(', ')}`));
    return true;
  };

  // Tables: [external], [metrics], [run], [external.env] and [[metrics.pattern]] are the only ones.
  const patternTables = new Map<number, { fields: Map<string, SpecEntry>; range: Range }>();
  parsed.tables.forEach((t, i) => {
    const [s, k] = t.path;
    if (sectionProblem(s!, t.partRanges[0]!) || k === undefined || keyProblem(s!, k, t.partRanges[1]!)) return;
    const kind = EXTERNAL_SCHEMA[s!]!.keys[k]!.kind;
    const id = `${s}.${k}`;
    if (kind === 'patterns' && t.isArray && t.path.length === 2) patternTables.set(i, { fields: new Map(), range: t.headerRange });
    else if (kind === 'env' && !t.isArray && t.path.length === 2) written.set(id, { path: t.path, partRanges: t.partRanges, range: t.headerRange, valueRange: t.headerRange, value: {}, tomlType: 'table' });
    else once(`key:${id}`, () => report('error', t.partRanges[1]!, `[${s}].${k}`, `must be ${kindText(kind)}, got ${t.isArray ? 'an array of tables' : 'a table'}`));
  });

  for (const e of parsed.entries) {
    const [s, k] = e.path;
    if (sectionProblem(s!, e.partRanges[0]!)) continue;
    if (k === undefined) {
      if (e.tomlType !== 'table') once(`table:${s}`, () => report('error', e.partRanges[0]!, s!, 'must be a table ([section] with keys)'));
      continue;
    }
    if (keyProblem(s!, k, e.partRanges[1]!)) continue;
    const id = `${s}.${k}`;
    const ks = EXTERNAL_SCHEMA[s!]!.keys[k]!;
    const key = `[${s}].${k}`;
    if (ks.kind === 'env') {
      written.set(id, written.get(id) ?? e);
      if (e.path.length === 3 && typeof e.value === 'string') v.env[e.path[2]!] = e.value;
      else if (e.path.length === 3) report('error', e.valueRange, `${key}.${e.path[2]}`, `must be a string (environment values are text: quote numbers), got ${show(e.value, e.tomlType)}`);
      else if (!(e.path.length === 2 && e.tomlType === 'table')) report('error', e.path.length === 2 ? e.valueRange : e.partRanges[3]!, key, `must be ${kindText('env')}, got ${e.path.length === 2 ? show(e.value, e.tomlType) : 'a nested table'}`);
      continue;
    }
    if (ks.kind === 'patterns') {
      const table = e.tableIndex !== undefined ? patternTables.get(e.tableIndex) : undefined;
      if (table && e.path.length === 3) {
        const field = e.path[2]!;
        if (!PATTERN_FIELDS[field]) {
          const close = closestName(field, Object.keys(PATTERN_FIELDS));
          report('error', e.partRanges[2]!, `${key}.${field}`, `unknown key${close ? ` (did you mean "${close}"?)` : ''}; known: ${Object.keys(PATTERN_FIELDS).join(', ')}`);
        } else if (typeof e.value !== 'string' || e.value === '') report('error', e.valueRange, `${key}.${field}`, `must be a non-empty string, got ${show(e.value, e.tomlType)}`);
        else table.fields.set(field, e);
      } else if (e.path.length === 2 && e.tomlType === 'array') inlinePatterns(e, key, v, report);
      else report('error', e.valueRange, key, `must be ${kindText('patterns')}, got ${show(e.value, e.tomlType)}`);
      continue;
    }
    if (e.path.length > 2) {
      once(`key:${id}`, () => report('error', e.partRanges[1]!, key, `must be ${kindText(ks.kind)}, got a table`));
      continue;
    }
    if (written.has(id)) continue; // TOML forbids duplicate keys; the parser reports them
    written.set(id, e);
    if (ks.kind === 'command') {
      const c = e.value;
      if (!Array.isArray(c) || c.some((x) => typeof x !== 'string')) report('error', e.valueRange, key, `must be ${kindText('command')} (the program, then its arguments), got ${show(c, e.tomlType)}${typeof c === 'string' ? `; write it as a list, e.g. ${JSON.stringify(c.trim().split(/\s+/))}` : ''}`);
      else if (c.length === 0) report('error', e.valueRange, key, 'is empty: give the program to run, then its arguments, e.g. ["python", "train.py"]');
      else if ((c[0] as string).trim() === '') report('error', e.valueRange, key, 'must start with the program to run, got an empty string');
      else v.command = c as string[];
      continue;
    }
    const checked = checkValue(ks, e.value, e.tomlType);
    if (!checked.ok) {
      report('error', e.valueRange, key, checked.problem);
      continue;
    }
    const val = checked.value;
    if (id === 'external.cwd') v.cwd = val as string;
    else if (id === 'external.gpu') v.gpu = val as boolean;
    else if (id === 'external.total_steps') v.totalSteps = val as number;
    else if (id === 'metrics.source') v.source = val as MetricsSourceKind;
    else if (id === 'metrics.path') v.path = val as string;
    else if (id === 'metrics.preset') v.preset = val as string;
    else if (id === 'metrics.step_key' || id === 'metrics.time_key') {
      if (val === '') report('error', e.valueRange, key, 'must be a non-empty string (leave the key out for the defaults)');
      else if (id === 'metrics.step_key') v.stepKey = val as string;
      else v.timeKey = val as string;
    } else if (id === 'run.out') v.out = val as string;
  }

  for (const [, t] of patternTables) {
    const regex = t.fields.get('regex');
    if (!regex) report('error', t.range, '[[metrics.pattern]]', 'needs a regex');
    else {
      const step = t.fields.get('step');
      v.patterns.push({ pattern: { regex: regex.value as string, ...(step ? { step: step.value as string } : {}) }, range: regex.valueRange });
    }
  }

  // Required keys, then the combinations.
  if (!written.has('external.command') && !reported.has('key:external.command')) report('error', sectionRange('external'), '[external].command', 'is required: the program to run and its arguments, e.g. ["python", "train.py"]');
  if (!written.has('run.out')) report('error', sectionRange('run'), '[run].out', 'is required');
  const valid: { pattern: StdoutPattern; range: Range }[] = [];
  for (const p of v.patterns) {
    const c = compileStdoutPatterns([p.pattern]);
    for (const err of c.errors) report('error', p.range, '[[metrics.pattern]].regex', err.replace(/^pattern 1 /, 'pattern '));
    for (const w of c.warnings) report('warning', p.range, '[[metrics.pattern]].regex', w.replace(/^pattern 1 /, 'pattern '));
    if (c.errors.length === 0) valid.push(p);
  }
  const hadPatterns = v.patterns.length > 0;
  v.patterns = valid;
  const metricsWritten = parsed.tables.some((t) => t.path[0] === 'metrics') || parsed.entries.some((e) => e.path[0] === 'metrics');
  if (v.source === 'stdout') {
    if (!metricsWritten) report('warning', sectionRange('external'), '[metrics]', 'is missing: the run will have no curves; add [metrics] with source = "stdout" and a preset or patterns, "jsonl" or "tfevents"');
    else if (v.preset === null && !hadPatterns && !reported.has('key:metrics.pattern')) report('error', at('metrics.source', 'metrics'), '[metrics].source', 'stdout metrics need preset = "nanogpt" or [[metrics.pattern]] tables with a regex');
    if (v.path !== null) report('warning', at('metrics.path', 'metrics'), '[metrics].path', 'is ignored: source is "stdout"');
  } else {
    if (!written.has('metrics.path')) report('error', at('metrics.source', 'metrics'), '[metrics].path', `is required when source is ${JSON.stringify(v.source)}: the ${v.source === 'jsonl' ? 'JSON-lines file' : 'folder of event files'}, relative to [external].cwd`);
    if (v.preset !== null) report('warning', at('metrics.preset', 'metrics'), '[metrics].preset', `is ignored: source is ${JSON.stringify(v.source)}`);
    if (hadPatterns) report('warning', v.patterns[0]?.range ?? sectionRange('metrics'), '[[metrics.pattern]]', `is ignored: source is ${JSON.stringify(v.source)}`);
  }
  if (v.source !== 'jsonl') {
    for (const k of ['step_key', 'time_key']) if (written.has(`metrics.${k}`)) report('warning', at(`metrics.${k}`, 'metrics'), `[metrics].${k}`, `is ignored: it applies to source = "jsonl"`);
  }
  if (!METRICS_SOURCE_KINDS.includes(v.source)) v.source = 'stdout';
  return v;
}

/** `pattern = [{ regex = "…", step = "…" }, …]`: the inline spelling of [[metrics.pattern]]. */
function inlinePatterns(e: SpecEntry, key: string, v: ExternalValues, report: (s: Severity, r: Range, k: string, m: string) => void): void {
  (e.value as PlainValue[]).forEach((item, i) => {
    const bad = (m: string): void => report('error', e.valueRange, `${key}[${i}]`, m);
    if (typeof item !== 'object' || item === null || Array.isArray(item) || item instanceof Date) return bad(`must be a table with a regex, got ${show(item)}`);
    const unknown = Object.keys(item).filter((k) => !PATTERN_FIELDS[k]);
    if (unknown.length) return bad(`unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: ${Object.keys(PATTERN_FIELDS).join(', ')}`);
    const { regex, step } = item as Record<string, PlainValue>;
    if (typeof regex !== 'string' || regex === '') return bad('needs a regex (a non-empty string)');
    if (step !== undefined && (typeof step !== 'string' || step === '')) return bad(`step must be a non-empty string, got ${show(step)}`);
    v.patterns.push({ pattern: { regex, ...(step !== undefined ? { step } : {}) }, range: e.valueRange });
  });
}
