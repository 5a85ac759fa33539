import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c, maskCrc } from '../../../server/metrics/crc32c';
import { TfEventsDecoder, TfEventsError } from '../../../server/metrics/tfevents';
import { concatBytes, DT_DOUBLE, DT_FLOAT, DT_HALF, DT_INT64, DT_STRING, encodeEvent, eventFile, frameRecord, type EventSpec } from './tfeventsWriter';

const f32 = (x: number): number => Math.fround(x);

test('crc32c matches the published check values (RFC 3720 B.4 and the CRC catalogue)', () => {
  const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  // continuing a CRC over a second range equals one CRC over both
  const b = ascii('hello, tensorboard events');
  assert.equal(crc32c(b, 7, b.length, crc32c(b, 0, 7)), crc32c(b));
  // the mask is a 15-bit right rotation plus a constant, in uint32
  assert.equal(maskCrc(0), 0xa282ead8);
  assert.equal(maskCrc(0x00008000), (1 + 0xa282ead8) >>> 0);
});

const EVENTS: EventSpec[] = [
  // TF1 / tensorboardX / torch add_scalar: simple_value
  { wallTime: 1700000001.25, step: 1, values: [{ tag: 'loss', simpleValue: 2.5 }, { tag: 'lr', simpleValue: 0.001 }] },
  // TF2 tf.summary.scalar: float tensor, metadata on the tag's first event only
  { wallTime: 1700000002.5, step: 2, values: [{ tag: 'val/loss', tensor: { dtype: DT_FLOAT, shape: [], floatVal: [1.75] }, metadata: { pluginName: 'scalars', dataClass: 1 } }] },
  { wallTime: 1700000003.5, step: 3, values: [{ tag: 'val/loss', tensor: { dtype: DT_FLOAT, shape: [], floatVal: [1.5] } }] },
  // torch new_style with double_precision, raw tensor_content, half, int64
  { wallTime: 1700000004, step: 4, values: [{ tag: 'd', tensor: { dtype: DT_DOUBLE, doubleVal: [0.1] }, metadata: { pluginName: 'scalars' } }] },
  { wallTime: 1700000005, step: 5, values: [{ tag: 'raw', tensor: { dtype: DT_FLOAT, content: new Uint8Array(new Float32Array([3.25]).buffer) } }] },
  { wallTime: 1700000006, step: 6, values: [{ tag: 'h', tensor: { dtype: DT_HALF, halfVal: [0x3e00] } }, { tag: 'n', tensor: { dtype: DT_INT64, int64Val: [12345678901] } }] },
  // non-finite → null; a big step
  { wallTime: 1700000007, step: 2 ** 40, values: [{ tag: 'loss', simpleValue: NaN }, { tag: 'gn', simpleValue: Infinity }] },
  // not scalars: text, a histogram-like rank-2 tensor, hparams' empty placeholder; nothing else in the event → no row
  { wallTime: 1700000008, step: 8, values: [
    { tag: 'notes', tensor: { dtype: DT_STRING, stringVal: ['hello'] }, metadata: { pluginName: 'text' } },
    { tag: 'hist', tensor: { dtype: DT_DOUBLE, shape: [2, 3], doubleVal: [1, 2, 3, 4, 5, 6] }, metadata: { pluginName: 'histograms' } },
    { tag: '_hparams_/session_start_info', tensor: { dtype: DT_FLOAT, shape: [] }, metadata: { pluginName: 'hparams' } },
  ] },
  // a later event of the non-scalar tag without metadata stays excluded
  { wallTime: 1700000009, step: 9, values: [{ tag: 'hist', tensor: { dtype: DT_DOUBLE, shape: [1], doubleVal: [7] } }, { tag: 'loss', simpleValue: 1 }] },
];

const EXPECTED = [
  { step: 1, wallTime: 1700000001.25, values: { loss: 2.5, lr: f32(0.001) } },
  { step: 2, wallTime: 1700000002.5, values: { 'val/loss': 1.75 } },
  { step: 3, wallTime: 1700000003.5, values: { 'val/loss': 1.5 } },
  { step: 4, wallTime: 1700000004, values: { d: 0.1 } },
  { step: 5, wallTime: 1700000005, values: { raw: 3.25 } },
  { step: 6, wallTime: 1700000006, values: { h: 1.5, n: 12345678901 } },
  { step: 2 ** 40, wallTime: 1700000007, values: { loss: null, gn: null } },
  { step: 9, wallTime: 1700000009, values: { loss: 1 } },
];

test('a hand-made event file: every scalar kind, non-scalars left out, one row per event with scalars', () => {
  const bytes = eventFile(EVENTS);
  const d = new TfEventsDecoder();
  assert.deepEqual(d.push(bytes), EXPECTED);
  assert.equal(d.records, EVENTS.length + 1, 'the file_version record is read but gives no row');
  assert.equal(d.offset, bytes.length);
  assert.equal(d.pendingBytes, 0);
  assert.deepEqual(d.warnings, []);
});

test('records split at every byte boundary decode the same', () => {
  const bytes = eventFile(EVENTS.slice(0, 4));
  const whole = new TfEventsDecoder().push(bytes);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const d = new TfEventsDecoder();
    const rows = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    assert.deepEqual(rows, whole, `cut at ${cut}`);
  }
  // and one byte at a time
  const d = new TfEventsDecoder();
  const rows = [];
  for (let i = 0; i < bytes.length; i++) rows.push(...d.push(bytes.subarray(i, i + 1)));
  assert.deepEqual(rows, whole);
});

test('a truncated tail waits for more bytes, with no error, and resumes', () => {
  const bytes = eventFile(EVENTS.slice(0, 2));
  const d = new TfEventsDecoder();
  const head = d.push(bytes.subarray(0, bytes.length - 3));
  assert.deepEqual(head, EXPECTED.slice(0, 1));
  assert.equal(d.pendingBytes > 0, true);
  const lastRecordStart = d.offset;
  assert.deepEqual(d.push(new Uint8Array(0)), []);
  assert.deepEqual(d.push(bytes.subarray(bytes.length - 3)), EXPECTED.slice(1, 2));
  // resuming a new decoder from the saved offset of a complete record gives the rest
  const resumed = new TfEventsDecoder({ startOffset: lastRecordStart });
  assert.deepEqual(resumed.push(bytes.subarray(lastRecordStart)), EXPECTED.slice(1, 2));
  assert.equal(resumed.offset, bytes.length);
});

test('a corrupted data CRC is a TfEventsError with the byte offset of the record', () => {
  const r0 = frameRecord(encodeEvent({ wallTime: 1, fileVersion: 'brain.Event:2' }));
  const r1 = frameRecord(encodeEvent(EVENTS[0]!));
  const bytes = concatBytes([r0, r1]);
  bytes[r0.length + 14]! ^= 0x01; // a data byte of the second record
  const d = new TfEventsDecoder();
  assert.throws(() => d.push(bytes), (e: unknown) => e instanceof TfEventsError && e.offset === r0.length && /data checksum mismatch.*record at byte \d+/.test(e.message));
  // the decoder stays failed
  assert.throws(() => d.push(new Uint8Array(1)), TfEventsError);
  // with a start offset, the error's offset is absolute
  assert.throws(() => new TfEventsDecoder({ startOffset: 1000 }).push(bytes), (e: unknown) => e instanceof TfEventsError && e.offset === 1000 + r0.length);
});

test('a damaged length, an absurd length, or a file that is not TFRecord at all', () => {
  const rec = frameRecord(encodeEvent(EVENTS[0]!));
  const badLen = rec.slice();
  badLen[0]! ^= 0x40;
  assert.throws(() => new TfEventsDecoder().push(badLen), (e: unknown) => e instanceof TfEventsError && e.offset === 0 && /length checksum mismatch/.test(e.message));
  assert.throws(() => new TfEventsDecoder().push(new TextEncoder().encode('{"step": 1, "loss": 2}\n')), /length checksum mismatch/);
  // an absurd length whose own CRC is right is refused before waiting for gigabytes
  const huge = new Uint8Array(12);
  const v = new DataView(huge.buffer);
  v.setUint32(0, 0xffffffff, true);
  v.setUint32(4, 7, true);
  v.setUint32(8, maskCrc(crc32c(huge, 0, 8)), true);
  assert.throws(() => new TfEventsDecoder().push(huge), /record length 34359738367 bytes is over the 67108864-byte limit/);
  assert.throws(() => new TfEventsDecoder({ maxRecordBytes: 10 }).push(rec), /over the 10-byte limit/);
});

test('a sound record holding a damaged Event is skipped with a warning, later records still read', () => {
  const garbage = frameRecord(Uint8Array.from([0x0a, 0x05, 0x01])); // field 1 length 5, only 1 byte
  const bytes = concatBytes([garbage, frameRecord(encodeEvent(EVENTS[0]!))]);
  const d = new TfEventsDecoder();
  assert.deepEqual(d.push(bytes), EXPECTED.slice(0, 1));
  assert.equal(d.skippedRecords, 1);
  assert.match(d.warnings[0] ?? '', /^record at byte 0: not a readable Event \(.*past the end.*\); skipped$/);
});
