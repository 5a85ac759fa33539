import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { descendants, isSameProcess, parseStat, procAvailable, readCmdline, readStat } from '../../../server/proc/procTable';

test('parseStat keeps a comm with spaces and parentheses', () => {
  const s = parseStat('4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615');
  assert.deepEqual(s && { pid: s.pid, ppid: s.ppid, pgid: s.pgid, comm: s.comm, state: s.state, startTicks: s.startTicks }, {
    pid: 4242, ppid: 1, pgid: 4242, comm: 'my (odd) name', state: 'S', startTicks: 987654,
  });
  assert.equal(parseStat('garbage'), undefined);
});

test('a live child is found by pid + start time, its own tree, and is gone after it exits', { skip: !procAvailable() && 'needs /proc' }, async () => {
  const child = spawn('/bin/sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
  try {
    const pid = child.pid!;
    let stat = readStat(pid);
    for (let i = 0; i < 50 && !(stat && descendants(pid).length > 0); i++) {
      await new Promise((r) => setTimeout(r, 20));
      stat = readStat(pid);
    }
    assert.ok(stat);
    assert.equal(stat.pgid, pid, 'detached child leads its own group');
    assert.deepEqual(readCmdline(pid), ['/bin/sh', '-c', 'sleep 30 & wait']);
    assert.equal(isSameProcess(pid, stat.startTicks), true);
    assert.equal(isSameProcess(pid, stat.startTicks + 1), false, 'another start time is another process');
    assert.deepEqual(descendants(pid).map((p) => p.comm), ['sleep']);
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
  }
  await new Promise((r) => child.once('exit', r));
  assert.equal(isSameProcess(child.pid!, undefined), false);
});
