// The tfevents decoder against an event file written by an independent implementation: Python with Google's
// protobuf library (or a hand-written Python encoder) and a bitwise CRC-32C (write_tfevents.py). No real
// TensorBoard writer is installable here (no tensorboard/tensorflow package; torch's SummaryWriter needs
// tensorboard), so this is the closest to "a file produced by a real tool" that the machine allows.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { MetricRow } from '../../../server/protocol/runs';
import { TfEventsDecoder } from '../../../server/metrics/tfevents';

const PYTHON = '/usr/bin/python3';

test('an event file written by Python decodes to the rows Python expects', (t) => {
  if (!existsSync(PYTHON)) return t.skip(`${PYTHON} not found`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rubato-tfevents-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'events.out.tfevents.1710000000.host.1.0');
  const r = spawnSync(PYTHON, [path.join(__dirname, 'write_tfevents.py'), file], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as { encoder: string; crc: string; rows: MetricRow[] };
  t.diagnostic(`written with ${expected.encoder}; ${expected.crc}`);
  const bytes = readFileSync(file);
  const d = new TfEventsDecoder();
  // in uneven chunks, as a growing file is read
  const rows: MetricRow[] = [];
  for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 7) % 61 + 1) rows.push(...d.push(bytes.subarray(at, at + n)));
  assert.equal(expected.rows.length, 8);
  assert.deepEqual(rows, expected.rows);
  assert.equal(d.records, 10);
  assert.deepEqual(d.warnings, []);
});
