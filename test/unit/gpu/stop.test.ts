// Stopping a stray: refused without confirmation, with a start time that no longer matches, for a supervised run or
// this server; SIGTERM then (after the grace) SIGKILL on real processes; EPERM explained.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isSameProcess, procAvailable } from '../../../server/proc/procTable';
import { stopProcess } from '../../../server/gpu/stop';
import { fakeJobs, PYTHON } from './helpers';

const skip = !procAvailable() ? 'needs /proc' : !existsSync(PYTHON) ? `needs ${PYTHON}` : false;

test('refusals send nothing: no confirmation, a wrong start time, a supervised run, this server', { skip }, async () => {
  const jobs = fakeJobs();
  try {
    const job = await jobs.startOrphan();
    const notConfirmed = await stopProcess({ pid: job.pid, startTicks: job.startTicks, confirm: false });
    assert.equal(notConfirmed.outcome, 'refused');
    assert.match(notConfirmed.message, /explicit confirmation/);

    const reused = await stopProcess({ pid: job.pid, startTicks: job.startTicks + 1, confirm: true });
    assert.equal(reused.outcome, 'refused');
    assert.match(reused.message, /no longer the process that was listed .*nothing was sent/);

    const supervised = await stopProcess({ pid: job.pid, startTicks: job.startTicks, confirm: true, supervisedPids: new Set([job.pid]) });
    assert.equal(supervised.outcome, 'refused');
    assert.match(supervised.message, /supervised run .*stop the run instead/);

    const self = await stopProcess({ pid: process.pid, startTicks: 0, confirm: true });
    assert.equal(self.outcome, 'refused');
    assert.match(self.message, /this Rubato server/);

    for (const r of [notConfirmed, reused, supervised, self]) assert.deepEqual(r.signalsSent, []);
    assert.equal(isSameProcess(job.pid, job.startTicks), true, 'still running after every refusal');
  } finally {
    jobs.cleanup();
  }
});

test('confirmed: SIGTERM stops it and it is gone afterwards', { skip }, async () => {
  const jobs = fakeJobs();
  try {
    const job = await jobs.startOrphan();
    const r = await stopProcess({ pid: job.pid, startTicks: job.startTicks, confirm: true });
    assert.equal(r.outcome, 'terminated', r.message);
    assert.deepEqual(r.signalsSent, ['SIGTERM']);
    assert.match(r.message, new RegExp(`^pid ${job.pid} \\(.*train_marker\\.py\\) exited after SIGTERM$`));
    assert.equal(isSameProcess(job.pid, job.startTicks), false);
  } finally {
    jobs.cleanup();
  }
});

test('a process that ignores SIGTERM is killed after the grace period', { skip }, async () => {
  const jobs = fakeJobs();
  try {
    const job = await jobs.startOrphan([], true);
    const r = await stopProcess({ pid: job.pid, startTicks: job.startTicks, confirm: true, graceMs: 300 });
    assert.equal(r.outcome, 'killed', r.message);
    assert.deepEqual(r.signalsSent, ['SIGTERM', 'SIGKILL']);
    assert.match(r.message, /ignored SIGTERM for 0\.3 s and was killed \(SIGKILL\)/);
    assert.equal(isSameProcess(job.pid, job.startTicks), false);
  } finally {
    jobs.cleanup();
  }
});

test("another user's process: EPERM is explained, nothing is claimed", { skip }, async () => {
  // Tests run as root, which never gets EPERM; the signal is refused the way the kernel refuses it for others.
  const jobs = fakeJobs();
  try {
    const job = await jobs.startOrphan();
    const eperm = (): never => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    };
    const r = await stopProcess({ pid: job.pid, startTicks: job.startTicks, confirm: true, sendSignal: eperm });
    assert.equal(r.outcome, 'refused');
    assert.deepEqual(r.signalsSent, []);
    assert.match(r.message, /belongs to user \S+; Rubato runs as \S+ and is not allowed to signal it \(ask its owner or an administrator\)/);
    assert.equal(isSameProcess(job.pid, job.startTicks), true);
  } finally {
    jobs.cleanup();
  }
});
