// The corpus round trip on a sample (the whole corpus: `rubato roundtrip --data ../shared/data/asap`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rubato } from '../cli/helpers';
import { asapDir } from './helpers';

test('score + targets reproduce every aligned onset within 1 ms and every velocity, on a corpus sample', (t) => {
  if (!existsSync(asapDir)) return t.skip(`ASAP corpus not found at ${asapDir}`);
  const r = rubato(['roundtrip', '--data', asapDir, '--sample', '12', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const s = JSON.parse(r.stdout) as { performances: number; notes_checked: number; max_onset_error_ms: number; max_file_onset_error_ms: number; velocity_mismatches: number; failed: string[] };
  assert.equal(s.performances, 12);
  assert.ok(s.notes_checked > 10_000);
  assert.ok(s.max_onset_error_ms < 1e-3, `in memory ${s.max_onset_error_ms} ms`);
  assert.ok(s.max_file_onset_error_ms <= 1, `through a file ${s.max_file_onset_error_ms} ms`);
  assert.equal(s.velocity_mismatches, 0);
  assert.deepEqual(s.failed, []);
});
