// Completion in a run spec: section names in a `[` header, the keys of the current section (with their defaults), and
// enum / boolean values after `key =`. Works line by line, so it also helps while the document is not valid TOML.
// An external spec (one with [external]) gets the external sections; a trainer spec gets [external] offered only
// while it has no trainer-only section, since the two contradict each other.

import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { defaultToml, kindText, type KeySpec } from './schema';
import { EXTERNAL_SCHEMA, EXTERNAL_SECTION, TRAINER_ONLY_SECTIONS, schemaForText } from './externalSchema';

const HEADER = /^\s*\[\s*([A-Za-z0-9_-]+)\s*\]/;
const KEY_LINE = /^\s*([A-Za-z0-9_-]+)\s*=/;

export function specCompletions(text: string, pos: Position): CompletionItem[] {
  const lines = text.split(/\r?\n/);
  const line = lines[pos.line] ?? '';
  const before = line.slice(0, pos.character);
  const range = (startChar: number) => ({ start: { line: pos.line, character: startChar }, end: pos });
  const schema = schemaForText(text);
  const keySpec = (section: string, key: string): KeySpec | undefined => (Object.prototype.hasOwnProperty.call(schema[section]?.keys ?? {}, key) ? schema[section]!.keys[key] : undefined);

  const header = /^(\s*\[\s*)([A-Za-z0-9_-]*)$/.exec(before);
  if (header) {
    const present = new Set(lines.map((l) => HEADER.exec(l)?.[1]).filter((s): s is string => !!s));
    const start = header[1]!.length;
    const offerExternal = !(EXTERNAL_SECTION in schema) && !TRAINER_ONLY_SECTIONS.some((s) => present.has(s));
    const sections = Object.entries(schema).concat(offerExternal ? [[EXTERNAL_SECTION, EXTERNAL_SCHEMA.external!]] : []);
    return sections
      .filter(([name]) => !present.has(name))
      .map(([name, s]) => ({ label: name, kind: CompletionItemKind.Module, documentation: { kind: MarkupKind.Markdown, value: s.doc }, textEdit: { range: range(start), newText: line.includes(']') ? name : `${name}]` } }));
  }

  const section = currentSection(lines, pos.line);
  const value = /^(\s*([A-Za-z0-9_-]+)\s*=\s*)("?[^"#]*)$/.exec(before);
  if (value) {
    const ks = section ? keySpec(section, value[2]!) : undefined;
    return ks ? valueItems(ks, range(value[1]!.length)) : [];
  }

  const word = /^(\s*)([A-Za-z0-9_-]*)$/.exec(before);
  if (!word) return [];
  const start = word[1]!.length;
  if (!section || !schema[section]) {
    return Object.entries(schema).map(([name, s]) => ({ label: `[${name}]`, kind: CompletionItemKind.Module, documentation: { kind: MarkupKind.Markdown, value: s.doc }, textEdit: { range: range(start), newText: `[${name}]` } }));
  }
  const present = keysInSection(lines, pos.line);
  return Object.entries(schema[section]!.keys)
    .filter(([k]) => !present.has(k))
    .map(([k, ks]) => {
      const dflt = defaultToml(ks);
      return {
        label: k,
        kind: CompletionItemKind.Property,
        detail: kindText(ks.kind),
        documentation: { kind: MarkupKind.Markdown, value: ks.doc },
        textEdit: { range: range(start), newText: `${k} = ${dflt ?? EMPTY_VALUE[ks.kind] ?? ''}` },
      };
    });
}

/** What to write after `key = ` when a key has no default. */
const EMPTY_VALUE: Partial<Record<KeySpec['kind'], string>> = { path: '""', string: '""', command: '[]', env: '{}', patterns: '[{ regex = "" }]' };

function valueItems(ks: KeySpec, range: { start: Position; end: Position }): CompletionItem[] {
  if (ks.choices) return ks.choices.map((c) => ({ label: JSON.stringify(c), kind: CompletionItemKind.EnumMember, textEdit: { range, newText: JSON.stringify(c) } }));
  if (ks.kind === 'bool') return ['true', 'false'].map((b) => ({ label: b, kind: CompletionItemKind.Value, textEdit: { range, newText: b } }));
  const dflt = defaultToml(ks);
  return dflt === undefined ? [] : [{ label: dflt, kind: CompletionItemKind.Value, detail: 'default', textEdit: { range, newText: dflt } }];
}

/** The section whose header is the nearest above `line` (or on it). */
export function currentSection(lines: string[], line: number): string | undefined {
  for (let i = Math.min(line, lines.length - 1); i >= 0; i--) {
    const m = HEADER.exec(lines[i]!);
    if (m) return m[1];
    if (/^\s*\[/.test(lines[i]!)) return undefined;
  }
  return undefined;
}

/** Keys already set in the section around `line` (skipping `line` itself, which is being typed). */
function keysInSection(lines: string[], line: number): Set<string> {
  const out = new Set<string>();
  for (let i = line - 1; i >= 0 && !/^\s*\[/.test(lines[i]!); i--) addKey(lines[i]!, out);
  for (let i = line + 1; i < lines.length && !/^\s*\[/.test(lines[i]!); i++) addKey(lines[i]!, out);
  return out;
}

function addKey(l: string, out: Set<string>): void {
  const m = KEY_LINE.exec(l);
  if (m) out.add(m[1]!);
}
