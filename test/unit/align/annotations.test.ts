// Beat annotation parsing: labels with time signature and key, and errors that name file and line.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnnotationParseError, parseAnnotations, readAnnotationsFile } from '../../../server/asap/annotations';

test('parses beats, downbeats, irregular beats, time signatures and keys', () => {
  const text = '0.0\t0.0\tdb,4/4,-3\n0.5\t0.5\tb\n1.0\t1.0\tbR\n1.5\t1.5\tdb,,2\n2.0\t2.0\tdb,6/8\n\n';
  assert.deepEqual(parseAnnotations(text, 'a.txt'), [
    { timeSec: 0, label: 'db', timeSignature: { numerator: 4, denominator: 4 }, keySharps: -3 },
    { timeSec: 0.5, label: 'b' },
    { timeSec: 1, label: 'bR' },
    { timeSec: 1.5, label: 'db', keySharps: 2 },
    { timeSec: 2, label: 'db', timeSignature: { numerator: 6, denominator: 8 } },
  ]);
});

test('accepts CRLF line ends', () => {
  assert.equal(parseAnnotations('0.1\t0.1\tb\r\n0.2\t0.2\tdb\r\n', 'crlf.txt').length, 2);
});

function check(text: string, line: number, problem: RegExp): void {
  assert.throws(
    () => parseAnnotations(text, 'x_annotations.txt'),
    (e: unknown) => e instanceof AnnotationParseError && e.line === line && e.message.startsWith(`x_annotations.txt:${line}: `) && problem.test(e.message),
  );
}

test('bad lines are errors naming file and line', () => {
  check('0.0\t0.0\tb\n0.5 0.5 b\n', 2, /expected 3 tab-separated fields/);
  check('abc\tabc\tb\n', 1, /time is not a number/);
  check('0.0\t0.0\tb\n0.5\t0.5\tx\n', 2, /unknown beat label "x"/);
  check('0.0\t0.0\tdb,4-4\n', 1, /bad time signature "4-4"/);
  check('0.0\t0.0\tdb,4/4,9\n', 1, /bad key "9"/);
  check('0.0\t0.0\tdb,4/4,1,extra\n', 1, /too many fields/);
  check('1.0\t1.0\tb\n0.5\t0.5\tb\n', 2, /goes back before the previous beat/);
  check('-1\t-1\tb\n', 1, /negative time/);
});

test('an unreadable file is an error naming it', () => {
  assert.throws(() => readAnnotationsFile('/nonexistent/y_annotations.txt'), /^Error: \/nonexistent\/y_annotations\.txt: cannot read annotations/);
});
