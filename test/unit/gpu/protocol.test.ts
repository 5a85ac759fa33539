// Validators of the GPU protocol messages: every inbound rubato/gpu/… request is checked before acting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGpuStatusParams, checkStopProcessParams, GpuStatusRequest, StopProcessRequest } from '../../../server/protocol';

test('method names', () => {
  assert.equal(GpuStatusRequest.method, 'rubato/gpu/status');
  assert.equal(StopProcessRequest.method, 'rubato/gpu/stopProcess');
});

test('gpu/status takes no params', () => {
  for (const ok of [undefined, null, {}]) assert.equal(checkGpuStatusParams(ok), null);
  assert.match(checkGpuStatusParams({ all: true }) ?? '', /unexpected params "all"/);
  assert.match(checkGpuStatusParams([1]) ?? '', /must be an object/);
});

test('gpu/stopProcess needs pid, startTicks and confirm: true', () => {
  const check = (x: unknown, want: RegExp | null): void => {
    const got = checkStopProcessParams(x);
    if (want === null) assert.equal(got, null, JSON.stringify(x));
    else assert.match(got ?? '(valid)', want, JSON.stringify(x));
  };
  check({ pid: 1234, startTicks: 98765, confirm: true }, null);
  check({ pid: 1234, startTicks: 98765 }, /confirm must be true/);
  check({ pid: 1234, startTicks: 98765, confirm: 'yes' }, /confirm must be true/);
  check({ pid: 1, startTicks: 0, confirm: true }, /pid must be an integer in 2\.\./);
  check({ pid: 12.5, startTicks: 0, confirm: true }, /pid must be/);
  check({ pid: '1234', startTicks: 0, confirm: true }, /pid must be/);
  check({ pid: 1234, confirm: true }, /startTicks must be a non-negative integer/);
  check({ pid: 1234, startTicks: -1, confirm: true }, /startTicks/);
  check(null, /params must be an object/);
});
