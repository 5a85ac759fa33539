// Parses run-spec TOML with toml-eslint-parser (a full TOML 1.0 parser that keeps source ranges) and flattens
// it into one entry per leaf key path, each with the ranges of its key parts and value, for the language features.

import { parseTOML, ParseError, getStaticTOMLValue, type AST } from 'toml-eslint-parser';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver';

/** A TOML value as plain data (what Python's tomllib would give, dates aside). */
export type PlainValue = string | number | boolean | Date | PlainValue[] | { [key: string]: PlainValue };

export interface SpecEntry {
  /** Full key path: `[section]` then `key` gives `['section', 'key']`; dotted keys and inline tables add parts. */
  path: string[];
  /** Source range of each part of `path` (table-header parts point into the header). */
  partRanges: Range[];
  /** The whole `key = value` line. */
  range: Range;
  valueRange: Range;
  value: PlainValue;
  /** The TOML type, which plain numbers lose: `1` is an integer, `1.0` a float. */
  tomlType: TomlType;
  /** Index in `tables` of the table whose body holds the entry (tells apart the `[[x]]` tables of one array). */
  tableIndex?: number;
}

export type TomlType = 'integer' | 'float' | 'boolean' | 'string' | 'array' | 'table' | 'datetime';

export interface SpecTable {
  path: string[];
  /** `[[name]]` tables are arrays of tables, never a run-spec section. */
  isArray: boolean;
  headerRange: Range;
  partRanges: Range[];
}

export interface ParsedToml {
  entries: SpecEntry[];
  tables: SpecTable[];
  /** Set when the text is not valid TOML; then `entries` and `tables` are empty. */
  syntaxError?: { message: string; range: Range };
}

export function parseSpecToml(text: string): ParsedToml {
  const doc = TextDocument.create('inmemory://spec', 'rubato-run', 0, text);
  const rangeOf = (r: AST.Range): Range => ({ start: doc.positionAt(r[0]), end: doc.positionAt(r[1]) });
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text, { tomlVersion: '1.0' });
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const start = doc.positionAt(err.index);
    const lineEnd = doc.positionAt(doc.offsetAt({ line: start.line + 1, character: 0 }) - 1);
    const end = lineEnd.line === start.line && lineEnd.character > start.character ? lineEnd : start;
    return { entries: [], tables: [], syntaxError: { message: `not valid TOML: ${err.message}`, range: { start, end } } };
  }
  const entries: SpecEntry[] = [];
  const tables: SpecTable[] = [];
  const keyParts = (k: AST.TOMLKey): { names: string[]; ranges: Range[] } => ({
    names: k.keys.map((p) => (p.type === 'TOMLBare' ? p.name : p.value)),
    ranges: k.keys.map((p) => rangeOf(p.range)),
  });
  const addKeyValues = (body: AST.TOMLKeyValue[], prefix: string[], prefixRanges: Range[], tableIndex?: number): void => {
    for (const kv of body) {
      const k = keyParts(kv.key);
      const path = [...prefix, ...k.names];
      const partRanges = [...prefixRanges, ...k.ranges];
      // An inline table is the same as a table: `model = { d_model = 64 }` sets [model].d_model, as tomllib reads it.
      // An empty one still is a value (a table where a number may be due), so it stays an entry.
      if (kv.value.type === 'TOMLInlineTable' && kv.value.body.length > 0) addKeyValues(kv.value.body, path, partRanges, tableIndex);
      else entries.push({ path, partRanges, range: rangeOf(kv.range), valueRange: rangeOf(kv.value.range), value: getStaticTOMLValue(kv.value) as PlainValue, tomlType: tomlTypeOf(kv.value), ...(tableIndex !== undefined ? { tableIndex } : {}) });
    }
  };
  const top = program.body[0];
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') {
      addKeyValues([item], [], []);
      continue;
    }
    const k = keyParts(item.key);
    tables.push({ path: k.names, isArray: item.kind === 'array', headerRange: rangeOf([item.range[0], headerEnd(text, item)]), partRanges: k.ranges });
    addKeyValues(item.body, k.names, k.ranges, tables.length - 1);
  }
  return { entries, tables };
}

/** Offset just after the closing `]` (or `]]`) of a table header. */
function headerEnd(text: string, table: AST.TOMLTable): number {
  const close = text.indexOf(']', table.key.range[1]);
  if (close < 0) return table.key.range[1];
  return table.kind === 'array' && text[close + 1] === ']' ? close + 2 : close + 1;
}

function tomlTypeOf(v: AST.TOMLContentNode): TomlType {
  if (v.type === 'TOMLArray') return 'array';
  if (v.type === 'TOMLInlineTable') return 'table';
  if (v.kind === 'integer' || v.kind === 'float' || v.kind === 'boolean' || v.kind === 'string') return v.kind;
  return 'datetime';
}
