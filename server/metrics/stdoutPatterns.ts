// Metrics from a script's stdout: user regexes with named groups, one group holding the step and
// every other named group a metric value. Pure decoding of one line at a time; no I/O.
//
// A line is first reduced to what a terminal would show: the text after its last carriage return
// (progress bars redraw themselves with \r), without ANSI colour or cursor sequences. It is then
// capped at STDOUT_LINE_MAX_CHARS, because JavaScript regexes backtrack and a user's pattern over
// a multi-megabyte line could stall the server; patterns whose shape can backtrack exponentially
// (a quantified group that itself contains an unbounded quantifier) get a warning at compile time.

import type { MetricRow } from '../protocol/runs';

export interface StdoutPattern {
  /** JavaScript regular expression; named groups `(?<name>…)` capture the step and the values. */
  regex: string;
  /** Named group holding the step; default `step`. */
  step?: string;
}

export interface CompiledPattern {
  source: StdoutPattern;
  regex: RegExp;
  stepGroup: string;
  /** The other named groups, in source order: each one a metric named after the group. */
  valueGroups: string[];
}

export interface CompiledPatterns {
  patterns: CompiledPattern[];
  /** One per rejected pattern, naming it (by position and source); the others still compile. */
  errors: string[];
  /** Patterns that compile but deserve a second look (possible catastrophic backtracking). */
  warnings: string[];
}

/** Lines are cut to this many characters (after \r and ANSI handling) before any regex runs. */
export const STDOUT_LINE_MAX_CHARS = 8192;
/** A regex source longer than this is refused (it is meant to be one line of a spec). */
export const STDOUT_REGEX_MAX_CHARS = 2000;

/**
 * nanoGPT's train.py (karpathy/nanoGPT, train.py at commit e2221318) prints
 *   print(f"step {iter_num}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")
 *   print(f"iter {iter_num}: loss {lossf:.4f}, time {dt*1000:.2f}ms, mfu {running_mfu*100:.2f}%")
 * `mfu` is a percentage, and -100.00% until the loop has settled (running_mfu starts at -1.0): the
 * pattern matches a negative mfu without capturing it, so those rows carry no mfu point. Not anchored
 * at the line start, so prefixes such as torchrun's `[default0]:` or a timestamp do not hide a line.
 */
export const NANOGPT_PATTERNS: readonly StdoutPattern[] = [
  { regex: String.raw`\bstep (?<step>\d+): train loss (?<train_loss>[^\s,]+), val loss (?<val_loss>[^\s,]+)`, step: 'step' },
  { regex: String.raw`\biter (?<iter>\d+): loss (?<loss>[^\s,]+), time (?<time_ms>[^\s,m]+)ms(?:, mfu (?:-[\d.]+|(?<mfu_percent>[^\s%]+))%)?`, step: 'iter' },
];

export const STDOUT_PRESETS: Readonly<Record<string, readonly StdoutPattern[]>> = { nanogpt: NANOGPT_PATTERNS };

const describe = (p: StdoutPattern, i: number): string => `pattern ${i + 1} (${JSON.stringify(p.regex.length > 80 ? `${p.regex.slice(0, 77)}...` : p.regex)})`;

/** Names of the named groups, in source order: the regex with an empty alternative matches '' and lists them all. */
function groupNames(source: string): string[] {
  const m = new RegExp(`(?:${source})|`).exec('');
  return m?.groups ? Object.keys(m.groups) : [];
}

/**
 * True when a group that contains an unbounded quantifier (+, *, {n,}) is itself quantified without
 * bound: the shape `(a+)+` that backtracks exponentially. A heuristic over the source text.
 */
export function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = []; // per open group: does it contain an unbounded quantifier?
  let closedHadQuantifier = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      closedHadQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const unbounded = c === '+' || c === '*' || (c === '{' && /^\{\d*,\}/.test(source.slice(i, i + 12)));
    if (unbounded) {
      if (closedHadQuantifier) return true;
      if (stack.length) stack[stack.length - 1] = true;
      closedHadQuantifier = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const inner = stack.pop() ?? false;
      if (inner && stack.length) stack[stack.length - 1] = true;
      closedHadQuantifier = inner;
      continue;
    }
    if (c !== '?') closedHadQuantifier = false; // `(a+)?+` is not JS; a lone ? is bounded
  }
  return false;
}

/** Compiles every pattern it can; each rejected one is an error naming it. */
export function compileStdoutPatterns(list: readonly StdoutPattern[]): CompiledPatterns {
  const patterns: CompiledPattern[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  list.forEach((p, i) => {
    const name = describe(p, i);
    if (typeof p.regex !== 'string' || p.regex === '') return void errors.push(`${name}: regex is empty`);
    if (p.regex.length > STDOUT_REGEX_MAX_CHARS) return void errors.push(`${name}: regex is ${p.regex.length} characters, over the ${STDOUT_REGEX_MAX_CHARS} limit`);
    let regex: RegExp;
    try {
      regex = new RegExp(p.regex);
    } catch (err) {
      return void errors.push(`${name}: invalid regular expression: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}`);
    }
    const stepGroup = p.step ?? 'step';
    const names = groupNames(p.regex);
    if (!names.includes(stepGroup)) return void errors.push(`${name}: no named group (?<${stepGroup}>…) for the step${names.length ? `; its groups are ${names.join(', ')}` : ''}`);
    const valueGroups = names.filter((n) => n !== stepGroup);
    if (valueGroups.length === 0) return void errors.push(`${name}: no named group for a metric value besides the step group "${stepGroup}"`);
    if (hasNestedQuantifier(p.regex)) warnings.push(`${name}: a repeated group contains + or *, which can backtrack catastrophically on long lines; prefer a pattern without nested repetition`);
    patterns.push({ source: { regex: p.regex, step: stepGroup }, regex, stepGroup, valueGroups });
  });
  return { patterns, errors, warnings };
}

// CSI (colours, cursor moves), OSC (titles, links; ended by BEL or ST) and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

/** What a terminal would show of the line: after the last \r that has text after it, ANSI removed, capped. */
export function visibleLine(line: string): { text: string; truncated: boolean } {
  let text = line.endsWith('\n') ? line.slice(0, line.endsWith('\r\n') ? -2 : -1) : line;
  let cr = text.lastIndexOf('\r');
  while (cr >= 0 && cr === text.length - 1) {
    text = text.slice(0, -1); // a trailing \r redraws nothing
    cr = text.lastIndexOf('\r');
  }
  if (cr >= 0) text = text.slice(cr + 1);
  // Cap before stripping too (a multi-megabyte escape soup), then after.
  let truncated = false;
  if (text.length > 4 * STDOUT_LINE_MAX_CHARS) {
    text = text.slice(0, 4 * STDOUT_LINE_MAX_CHARS);
    truncated = true;
  }
  if (text.includes('\x1b')) text = text.replace(ANSI, '');
  if (text.length > STDOUT_LINE_MAX_CHARS) {
    text = text.slice(0, STDOUT_LINE_MAX_CHARS);
    truncated = true;
  }
  return { text, truncated };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A captured number: decimal or scientific; nan, inf (Python's spelling) and anything else unreadable are null. */
export function parseCapturedNumber(s: string): number | null {
  const t = s.trim();
  if (NUMBER.test(t)) {
    const v = Number(t);
    return Number.isFinite(v) ? v : null;
  }
  return null;
}

export interface StdoutLineResult {
  row?: MetricRow;
  /** The line was cut to STDOUT_LINE_MAX_CHARS before matching. */
  truncated: boolean;
  /** Index of the pattern that matched. */
  pattern?: number;
}

/** Like rowFromStdoutLine, and says which pattern matched and whether the line was cut. */
export function parseStdoutLine(line: string, compiled: readonly CompiledPattern[]): StdoutLineResult {
  const { text, truncated } = visibleLine(line);
  for (let i = 0; i < compiled.length; i++) {
    const p = compiled[i]!;
    const m = p.regex.exec(text);
    const groups = m?.groups;
    if (!groups) continue;
    const stepText = groups[p.stepGroup];
    const step = stepText === undefined ? null : parseCapturedNumber(stepText);
    if (step === null) continue; // a match without a readable step is no row: try the next pattern
    const values: Record<string, number | null> = {};
    for (const g of p.valueGroups) {
      const v = groups[g];
      if (v !== undefined) values[g] = parseCapturedNumber(v); // a group that did not take part is no point
    }
    return { row: { step, wallTime: null, values }, truncated, pattern: i };
  }
  return { truncated };
}

/** One stdout line → a row from the first pattern that matches with a readable step, else undefined. */
export function rowFromStdoutLine(line: string, compiled: readonly CompiledPattern[]): MetricRow | undefined {
  return parseStdoutLine(line, compiled).row;
}
