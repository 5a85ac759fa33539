// Completion, hover and code lenses of a run spec.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver';
import { specCompletions } from '../../../server/runspec/completion';
import { specHover } from '../../../server/runspec/hover';
import { specCodeLenses } from '../../../server/runspec/codeLens';
import { countParameters } from '../../../server/runspec/memoryEstimate';

const newTexts = (items: CompletionItem[]): string[] => items.map((i) => (i.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : i.label));

test('completion offers the keys a section does not have yet, with their defaults', () => {
  const text = '[model]\nd_model = 64\nn_\n[batch]\n';
  const items = specCompletions(text, { line: 2, character: 2 });
  assert.deepEqual(newTexts(items), ['n_layers = 2', 'n_heads = 4', 'ff_mult = 4', 'dropout = 0.1']);
  const edit = items[0]!.textEdit;
  assert.ok(edit && 'range' in edit);
  assert.deepEqual(edit.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 2 } });
  assert.deepEqual(newTexts(specCompletions('[data]\n\n', { line: 1, character: 0 })), ['cache = ""', 'window = 512', 'overlap = 64']);
});

test('completion offers enum values and booleans after the equals sign, and sections in a header', () => {
  assert.deepEqual(newTexts(specCompletions('[precision]\nmode = \n', { line: 1, character: 7 })), ['"auto"', '"fp32"', '"bf16"', '"fp16"']);
  assert.deepEqual(newTexts(specCompletions('[device]\ndevice = "c\n', { line: 1, character: 11 })), ['"auto"', '"cpu"', '"cuda"']);
  assert.deepEqual(newTexts(specCompletions('[batch]\ngrad_checkpointing = \n', { line: 1, character: 21 })), ['true', 'false']);
  const sections = newTexts(specCompletions('[model]\n[b\n', { line: 1, character: 2 }));
  assert.ok(sections.includes('batch]') && !sections.includes('model]'), JSON.stringify(sections));
  assert.deepEqual(specCompletions('[model]\nd_model = 64 # a\n', { line: 1, character: 16 }), []);
});

test('hover documents a key with its type, default and range', () => {
  const text = '[schedule]\nwarmup_steps = 10\n';
  const h = specHover(text, { line: 1, character: 3 }, 8);
  assert.ok(h);
  const md = (h.contents as MarkupContent).value;
  assert.ok(md.startsWith('**[schedule].warmup_steps** — an integer; default `100`; ≥ 0'), md);
  assert.ok(md.includes('linear warmup'), md);
  assert.ok(!md.includes('Estimated training memory'), 'schedule keys do not change memory');
  assert.deepEqual(h.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 12 } });
  assert.equal(specHover('[schedule]\nwarmup = 10\n', { line: 1, character: 2 }, 8), null);
});

test('hover on model and batch keys shows the memory estimate for this spec', () => {
  const text = '[model]\nd_model = 128\nn_layers = 3\nff_mult = 2\n[batch]\nmicro_batch = 64\n[data]\nwindow = 1024\n[device]\ndevice = "cuda"\n';
  const md = (specHover(text, { line: 5, character: 1 }, 8)!.contents as MarkupContent).value;
  assert.ok(md.includes(`| parameters | ${countParameters({ dModel: 128, nLayers: 3, nHeads: 4, ffMult: 2 }).toLocaleString('en-US')} |`), md);
  assert.ok(md.includes('| activations (64 × 1024 notes, 2-byte) |'), md);
  assert.ok(md.includes("⚠ exceeds the GPU's 8 GiB"), md);
  const header = (specHover(text, { line: 0, character: 2 }, 80)!.contents as MarkupContent).value;
  assert.ok(header.includes("fits the GPU's 80 GiB"), header);
});

test('code lenses start a run at the top and tune the batch at [batch], with the spec URI', () => {
  const uri = 'file:///w/a.run.toml';
  const lenses = specCodeLenses('# spec\n[model]\n\n[batch]\nmicro_batch = 8\n', uri);
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]), [
    [0, '▶ Start run', 'rubato.startRun', [uri]],
    [3, 'Tune batch size', 'rubato.tuneBatch', [uri]],
  ]);
  assert.equal(specCodeLenses('[model]\n', uri)[1]!.range.start.line, 0);
});
