// Hover in a run spec: a section's or key's documentation (type, default, range, choices), and the training-memory
// estimate on the sections and keys that change it.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { defaultToml, kindText, type KeySpec } from './schema';
import { looksExternal, schemaForText } from './externalSchema';
import { analyzeSpec, memoryInputOf } from './analyze';
import { estimateMemory, estimateMarkdown } from './memoryEstimate';
import { currentSection } from './completion';

/** Keys (and, by their section name alone, sections) whose value changes the memory estimate. */
const MEMORY_KEYS = new Set(['model', 'batch', 'model.d_model', 'model.n_layers', 'model.n_heads', 'model.ff_mult', 'model.dropout', 'batch.micro_batch', 'batch.grad_checkpointing', 'data.window', 'precision.mode', 'device.device']);

export function specHover(text: string, pos: Position, gpuMemoryGiB: number): Hover | null {
  const lines = text.split(/\r?\n/);
  const line = lines[pos.line] ?? '';
  const schema = schemaForText(text);
  const header = /^(\s*\[\s*)([A-Za-z0-9_-]+)\s*\]/.exec(line);
  if (header) {
    const name = header[2]!;
    const s = schema[name];
    if (!s) return null;
    const start = header[1]!.length;
    return hoverOf(`**[${name}]**\n\n${s.doc}${memorySuffix(name, text, gpuMemoryGiB)}`, pos.line, start, start + name.length);
  }
  const kv = /^(\s*)([A-Za-z0-9_-]+)\s*=/.exec(line);
  if (!kv) return null;
  const section = currentSection(lines, pos.line);
  const key = kv[2]!;
  const keys = section ? schema[section]?.keys : undefined;
  const ks = keys && Object.prototype.hasOwnProperty.call(keys, key) ? keys[key] : undefined;
  if (!section || !ks) return null;
  const start = kv[1]!.length;
  return hoverOf(`${keyDoc(section, key, ks)}${memorySuffix(`${section}.${key}`, text, gpuMemoryGiB)}`, pos.line, start, start + key.length);
}

export function keyDoc(section: string, key: string, ks: KeySpec): string {
  const facts = [kindText(ks.kind)];
  const dflt = defaultToml(ks);
  if (ks.required) facts.push('required');
  else facts.push(dflt === undefined ? (ks.kind === 'optionalFloat' ? 'default: none (no limit)' : 'default: none') : `default \`${dflt}\``);
  if (ks.min !== undefined || ks.max !== undefined) facts.push(`${ks.min !== undefined ? `${ks.minExclusive ? '>' : '≥'} ${ks.min}` : ''}${ks.min !== undefined && ks.max !== undefined ? ', ' : ''}${ks.max !== undefined ? `≤ ${ks.max}` : ''}`);
  if (ks.choices) facts.push(`one of ${ks.choices.map((c) => `\`"${c}"\``).join(', ')}`);
  return `**[${section}].${key}** — ${facts.join('; ')}\n\n${ks.doc}`;
}

function memorySuffix(id: string, text: string, gpuMemoryGiB: number): string {
  if (!MEMORY_KEYS.has(id) || looksExternal(text)) return '';
  const input = memoryInputOf(analyzeSpec(text).values);
  return `\n\n---\n\n${estimateMarkdown(estimateMemory(input), input, gpuMemoryGiB)}`;
}

function hoverOf(markdown: string, line: number, startChar: number, endChar: number): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: { start: { line, character: startChar }, end: { line, character: endChar } } };
}
