// The run-spec TextMate grammar: valid JSON, every include resolves, every regex compiles, and the main rules
// capture what they should on run-spec lines (JavaScript regexes stand in for Oniguruma on these patterns).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  patterns?: Rule[];
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = JSON.parse(readFileSync(path.join(repoRoot, 'syntaxes/rubato-run.tmLanguage.json'), 'utf8')) as Grammar;

function rules(): Rule[] {
  const out: Rule[] = [];
  const walk = (r: Rule): void => {
    out.push(r);
    r.patterns?.forEach(walk);
  };
  grammar.patterns.forEach(walk);
  Object.values(grammar.repository).forEach(walk);
  return out;
}

/** The named rule's single regex (or its sub-rule with the given scope prefix). */
function regex(name: string, scope?: string): RegExp {
  const r = grammar.repository[name]!;
  const m = scope ? r.patterns!.find((p) => p.name?.startsWith(scope))!.match! : r.match!;
  return new RegExp(m);
}

test('the grammar is scoped source.rubato-run, its includes resolve and its regexes compile', () => {
  assert.equal(grammar.scopeName, 'source.rubato-run');
  for (const r of rules()) {
    if (r.include) assert.ok(grammar.repository[r.include.slice(1)], `unresolved include ${r.include}`);
    for (const re of [r.match, r.begin, r.end]) if (re !== undefined) assert.doesNotThrow(() => new RegExp(re), re);
    if (r.name) assert.ok(r.name.endsWith('.rubato-run'), r.name);
  }
});

test('sections, keys, numbers, booleans and comments are told apart', () => {
  const header = grammar.repository.table!.patterns!.map((p) => new RegExp(p.match!));
  assert.equal(header[1]!.exec('[model]  # size')?.[2], 'model');
  assert.equal(header[0]!.exec('[[model]]')?.[2], 'model');
  assert.equal(regex('keyValue').exec('micro_batch = 16')?.[1], 'micro_batch');
  assert.equal(regex('keyValue').exec('"d_model" = 16')?.[1], '"d_model"');
  const float = regex('number', 'constant.numeric.float.rubato-run');
  const int = regex('number', 'constant.numeric.integer.rubato-run');
  assert.equal(float.exec('lr = 3e-4')?.[0], '3e-4');
  assert.equal(float.exec('dropout = 0.1')?.[0], '0.1');
  assert.equal(float.exec('seed = 128'), null);
  assert.equal(int.exec('seed = 2_000')?.[0], '2_000');
  assert.equal(regex('boolean').exec('cosine = true')?.[0], 'true');
  assert.equal(regex('boolean').exec('x = "untrue"')?.[0], undefined);
  assert.equal(regex('comment').exec('mode = "auto"   # bf16 on Ampere')?.[0], '# bf16 on Ampere');
});
