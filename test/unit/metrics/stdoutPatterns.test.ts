import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileStdoutPatterns, hasNestedQuantifier, NANOGPT_PATTERNS, parseCapturedNumber, parseStdoutLine, rowFromStdoutLine, STDOUT_LINE_MAX_CHARS, visibleLine } from '../../../server/metrics/stdoutPatterns';

const nano = compileStdoutPatterns(NANOGPT_PATTERNS);

test('the nanoGPT preset compiles cleanly', () => {
  assert.deepEqual(nano.errors, []);
  assert.deepEqual(nano.warnings, []);
  assert.deepEqual(nano.patterns.map((p) => [p.stepGroup, p.valueGroups]), [
    ['step', ['train_loss', 'val_loss']],
    ['iter', ['loss', 'time_ms', 'mfu_percent']],
  ]);
});

test('nanoGPT iteration and eval lines', () => {
  assert.deepEqual(rowFromStdoutLine('iter 100: loss 2.3112, time 54.21ms, mfu 12.34%', nano.patterns), { step: 100, wallTime: null, values: { loss: 2.3112, time_ms: 54.21, mfu_percent: 12.34 } });
  assert.deepEqual(rowFromStdoutLine('step 250: train loss 1.2345, val loss 1.5678', nano.patterns), { step: 250, wallTime: null, values: { train_loss: 1.2345, val_loss: 1.5678 } });
  // mfu is -100.00% until the loop has settled: no mfu point, the rest is kept
  assert.deepEqual(rowFromStdoutLine('iter 0: loss 10.9876, time 31234.56ms, mfu -100.00%', nano.patterns), { step: 0, wallTime: null, values: { loss: 10.9876, time_ms: 31234.56 } });
  // a diverged run prints nan
  assert.deepEqual(rowFromStdoutLine('iter 3: loss nan, time 50.00ms, mfu 1.00%', nano.patterns), { step: 3, wallTime: null, values: { loss: null, time_ms: 50, mfu_percent: 1 } });
  // torchrun's rank prefix does not hide the line; other lines give nothing
  assert.equal(rowFromStdoutLine('[default0]:iter 5: loss 2.0000, time 1.00ms, mfu 2.00%', nano.patterns)?.step, 5);
  assert.equal(rowFromStdoutLine('saving checkpoint to out-shakespeare-char', nano.patterns), undefined);
  assert.equal(rowFromStdoutLine('number of parameters: 10.65M', nano.patterns), undefined);
});

test('numbers: decimals, signs, exponents; nan and inf are null; unreadable text is null', () => {
  const c = compileStdoutPatterns([{ regex: String.raw`s=(?<step>\S+) v=(?<v>\S+)` }]).patterns;
  const v = (x: string): unknown => rowFromStdoutLine(`s=1 v=${x}`, c)?.values.v;
  assert.equal(v('1e-3'), 0.001);
  assert.equal(v('-2.5E+2'), -250);
  assert.equal(v('.5'), 0.5);
  assert.equal(v('+3'), 3);
  for (const bad of ['nan', 'NaN', 'inf', '-inf', 'Infinity', 'abc', '0x10', '1e999']) assert.equal(v(bad), null, bad);
  assert.equal(parseCapturedNumber(' 7 '), 7);
  // a step that does not read as a number makes no row
  assert.equal(rowFromStdoutLine('s=x v=1', c), undefined);
});

test('the first matching pattern wins; a match without a readable step falls through to the next', () => {
  const { patterns, errors } = compileStdoutPatterns([
    { regex: String.raw`epoch (?<step>\w+) acc (?<acc>\S+)` },
    { regex: String.raw`epoch (?<n>\d+) acc (?<acc2>\S+)`, step: 'n' },
    { regex: String.raw`epoch (?<step>\d+)(?: loss (?<loss>\S+))?` },
  ]);
  assert.deepEqual(errors, []);
  assert.deepEqual(parseStdoutLine('epoch 3 acc 0.9', patterns), { row: { step: 3, wallTime: null, values: { acc: 0.9 } }, truncated: false, pattern: 0 });
  assert.deepEqual(parseStdoutLine('epoch three acc 0.9', patterns).pattern, undefined);
  // an optional group that did not take part is no point (not null)
  assert.deepEqual(rowFromStdoutLine('epoch 4', patterns), { step: 4, wallTime: null, values: {} });
});

test('compile errors name the pattern: invalid regex, no step group, no value group, empty', () => {
  const { patterns, errors } = compileStdoutPatterns([
    { regex: 'loss (?<loss>[0-9' },
    { regex: String.raw`loss (?<loss>\S+)` },
    { regex: String.raw`iter (?<step>\d+)` },
    { regex: String.raw`it (?<i>\d+) (?<loss>\S+)`, step: 'iter' },
    { regex: '' },
    { regex: String.raw`ok (?<step>\d+) (?<v>\S+)` },
  ]);
  assert.equal(patterns.length, 1);
  assert.equal(errors.length, 5);
  assert.match(errors[0]!, /^pattern 1 \("loss \(\?<loss>\[0-9"\): invalid regular expression: /);
  assert.match(errors[1]!, /^pattern 2 .*no named group \(\?<step>…\) for the step; its groups are loss/);
  assert.match(errors[2]!, /^pattern 3 .*no named group for a metric value besides the step group "step"/);
  assert.match(errors[3]!, /^pattern 4 .*no named group \(\?<iter>…\)/);
  assert.match(errors[4]!, /^pattern 5 .*regex is empty/);
});

test('nested quantifiers are warned about; ordinary patterns are not', () => {
  assert.equal(hasNestedQuantifier(String.raw`(a+)+b`), true);
  assert.equal(hasNestedQuantifier(String.raw`(?:\s*\w+)*x`), true);
  assert.equal(hasNestedQuantifier(String.raw`((a|b)*c)+`), true);
  assert.equal(hasNestedQuantifier(String.raw`(?<loss>\d+)\s+(?<x>\S+)`), false);
  assert.equal(hasNestedQuantifier(String.raw`[(+)]+ (\d+)?`), false);
  assert.equal(hasNestedQuantifier(String.raw`\(a+\)+`), false);
  const { warnings, patterns } = compileStdoutPatterns([{ regex: String.raw`(?<step>\d+)(?:(?<v>a+))+$` }]);
  assert.equal(patterns.length, 1);
  assert.match(warnings[0] ?? '', /^pattern 1 .*can backtrack catastrophically/);
});

test('ANSI colours and \\r progress-bar redraws are removed before matching', () => {
  const colored = '\x1b[32miter 7\x1b[0m: loss \x1b[1;31m1.5000\x1b[0m, time 3.00ms, mfu 4.00%';
  assert.deepEqual(rowFromStdoutLine(colored, nano.patterns)?.values, { loss: 1.5, time_ms: 3, mfu_percent: 4 });
  const bar = ' 10%|█         | 1/10 [00:01<00:09]\r 50%|█████     | 5/10 [00:05<00:05]\riter 8: loss 1.2500, time 2.00ms, mfu 3.00%\r\n';
  assert.equal(rowFromStdoutLine(bar, nano.patterns)?.step, 8);
  assert.equal(visibleLine('abc\r').text, 'abc');
  assert.equal(visibleLine('old\rnew\r\r').text, 'new');
  assert.equal(visibleLine('\x1b]0;title\x07text\x1b[2K').text, 'text');
});

test('long lines are cut before matching and the cut is reported', () => {
  const line = `iter 9: loss 1.0000, time 2.00ms, mfu 3.00% ${'x'.repeat(STDOUT_LINE_MAX_CHARS * 10)}`;
  const r = parseStdoutLine(line, nano.patterns);
  assert.equal(r.truncated, true);
  assert.equal(r.row?.step, 9);
  const cut = parseStdoutLine(`${'y'.repeat(STDOUT_LINE_MAX_CHARS)}iter 9: loss 1.0, time 1ms`, nano.patterns);
  assert.deepEqual(cut, { truncated: true });
  assert.equal(visibleLine('z'.repeat(STDOUT_LINE_MAX_CHARS * 100)).text.length, STDOUT_LINE_MAX_CHARS);
});
