// The webview relay with the real panel contracts: valid messages reach the handler, invalid ones are
// logged and dropped (never cast), invalid outgoing messages are refused, handler failures are logged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRelay } from '../../../client/webview/messaging';
import * as lossCurves from '../../../server/protocol/webview/lossCurves';
import * as pianoRoll from '../../../server/protocol/webview/pianoRoll';
import { run } from './fixtures';

function harness<In, Out>(checkIncoming: (x: unknown) => string | null, checkOutgoing: (x: unknown) => string | null, onMessage: (m: In) => void | Promise<void> = () => {}) {
  const logs: string[] = [];
  const sent: Out[] = [];
  const received: In[] = [];
  let listener: ((raw: unknown) => void) | null = null;
  const relay = createRelay<In, Out>({
    name: 'test',
    checkIncoming,
    checkOutgoing,
    send: async (m) => {
      sent.push(m);
      return true;
    },
    subscribe: (l) => {
      listener = l;
      return { dispose: () => (listener = null) };
    },
    onMessage: async (m) => {
      received.push(m);
      await onMessage(m);
    },
    log: (l) => logs.push(l),
  });
  const deliver = async (raw: unknown) => {
    listener?.(raw);
    await new Promise((r) => setImmediate(r));
  };
  return { relay, logs, sent, received, deliver, subscribed: () => listener !== null };
}

const style = { rubato: 0.5, dynamics: 0.5, articulation: 0.5, pedal: 0.5, tempo: 0.5 };

test('piano roll: valid intents reach the host; malformed ones are dropped with the reason logged', async () => {
  const h = harness<pianoRoll.ViewToHost, pianoRoll.HostToView>(pianoRoll.checkViewToHost, pianoRoll.checkHostToView);
  const cases: [unknown, boolean, RegExp?][] = [
    [{ kind: 'ready' }, true],
    [{ kind: 'humanize', seq: 3, style, strength: 0.7, method: 'auto' }, true],
    [{ kind: 'humanize', seq: -1, style, strength: 0.7, method: 'auto' }, false, /seq/],
    [{ kind: 'humanize', seq: 1, style: { ...style, tempo: 'fast' }, strength: 0.7, method: 'auto' }, false, /style\.tempo/],
    [{ kind: 'save', style, strength: 2, method: 'auto' }, false, /strength/],
    [{ kind: 'bytes', data: 'AAAA' }, false, /unknown message kind "bytes"/],
    ['ready', false, /must be an object/],
    [null, false, /must be an object/],
  ];
  for (const [raw, ok, why] of cases) {
    const before = h.received.length;
    await h.deliver(raw);
    assert.equal(h.received.length - before, ok ? 1 : 0, JSON.stringify(raw));
    if (why) assert.match(h.logs.at(-1) ?? '', why);
  }
  assert.equal(h.logs.length, 6);
  assert.ok(h.logs.every((l) => l.startsWith('[test] dropped an invalid message from the view: ')));
});

test('host messages are checked before they are sent', async () => {
  const h = harness<lossCurves.ViewToHost, lossCurves.HostToView>(lossCurves.checkViewToHost, lossCurves.checkHostToView);
  assert.equal(await h.relay.post({ kind: 'runs', runs: [run()] }), true);
  assert.equal(await h.relay.post({ kind: 'appended', runId: 'r1', rows: [{ step: 1, wallTime: 0.5, values: { train_loss: 2 } }], fromOffset: 0, nextOffset: 40 }), true);
  assert.equal(await h.relay.post({ kind: 'appended', runId: 'r1', rows: [], fromOffset: 40, nextOffset: 10 }), false);
  assert.equal(await h.relay.post({ kind: 'runs', runs: [run({ id: 'bad id!' })] }), false);
  assert.equal(h.sent.length, 2);
  assert.match(h.logs[0]!, /refused to send an invalid 'appended' message: nextOffset/);
  assert.match(h.logs[1]!, /refused to send an invalid 'runs' message: runs\[0\]: run id/);
});

test('a failing handler is logged, later messages still flow, and nothing flows after dispose', async () => {
  const h = harness<lossCurves.ViewToHost, lossCurves.HostToView>(lossCurves.checkViewToHost, lossCurves.checkHostToView, (m) => {
    if (m.kind === 'backfill') throw new Error('server gone');
  });
  await h.deliver({ kind: 'backfill', runId: 'r1', fromOffset: 0 });
  assert.match(h.logs[0]!, /handling 'backfill' failed: server gone/);
  await h.deliver({ kind: 'ready' });
  assert.equal(h.received.length, 2);
  h.relay.dispose();
  assert.equal(h.subscribed(), false);
  assert.equal(await h.relay.post({ kind: 'focusRun', runId: 'r1' }), false);
  assert.equal(h.sent.length, 0);
});
