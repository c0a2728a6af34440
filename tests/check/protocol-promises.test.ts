/**
 * Synthetic histories for promises 11–17 (the protocol, leases and holders,
 * task contracts, timeouts) plus the new halves of 5 (late retries) and 10
 * (spurious disconnects): each broken story is reported under its promise,
 * and the clean story next to it passes.
 */
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { SystemEvent } from '../../system/core/events.js';
import { H, baseContext } from './builder.js';

type MsgEv = Extract<SystemEvent, { type: 'msg_sent' | 'msg_delivered' }>;
const check = (h: H, p: PromiseName, ctx = baseContext): string[] => checkHistory(h.history(), [p], ctx).map((v) => `${v.promise.name}: ${v.message}`);

/** w1 sends `key` (seq) in session s; the coordinator hands it over. */
function send(h: H, seq: number, key: string, s = 's-w1', resend = false): H {
  const m: Omit<MsgEv, 'type' | 'at' | 'source'> = { workerId: 'w1', sessionId: s, dir: 'to_coordinator', seq, msgType: 'result', key };
  return h.emit('w1', { type: 'msg_sent', ...m, resend });
}
function deliver(h: H, seq: number, key: string, s = 's-w1'): H {
  return h.emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: s, dir: 'to_coordinator', seq, msgType: 'result', key });
}
function reconnect(h: H, session: string, resumed: boolean): H {
  h.emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'gone' });
  h.emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: session, resumed, connectionId: `c-${h.now}` });
  return h.emit('w1', { type: 'connected', workerId: 'w1', sessionId: session, resumed, afterMs: 5 });
}
const synced = (h: H): H => h.emit('w1', { type: 'synced', workerId: 'w1', confirmed: 0, revoked: 0 });
const cut = { id: 'f1', action: 'down', target: 'w1', workers: ['w1'], coordinator: false };

describe('11 delivery', () => {
  it('a clean resume and a clean renumbering pass', () => {
    const h = new H().connect('w1');
    send(h, 1, 'a').at(10);
    deliver(h, 1, 'a');
    send(h, 2, 'b').at(20).fault('start', cut);
    reconnect(h.at(30), 's-w1', true);
    send(h, 2, 'b', 's-w1', true);
    deliver(h, 2, 'b');
    synced(h);
    send(h.at(40), 3, 'c');
    reconnect(h.at(50), 's2', false);
    send(h, 1, 'c', 's2', true);
    deliver(h, 1, 'c', 's2');
    synced(h).fault('stop', cut);
    expect(check(h, 'delivery')).toEqual([]);
  });
  it('reports a message dropped at resume, a gap, a duplicate and reordering after renumbering', () => {
    const h = new H().connect('w1');
    send(h, 1, 'a').at(10);
    reconnect(h, 's-w1', true);
    synced(h); // 'a' was never re-sent
    send(h.at(20), 2, 'b');
    send(h, 3, 'c');
    deliver(h, 3, 'c'); // seqs 1 (never re-sent) and 2 lost
    deliver(h, 3, 'c'); // and 3 twice
    send(h.at(30), 4, 'd');
    send(h, 5, 'e');
    reconnect(h.at(40), 's2', false);
    send(h, 1, 'e', 's2', true);
    send(h, 2, 'd', 's2', true);
    deliver(h, 1, 'e', 's2');
    deliver(h, 2, 'd', 's2');
    synced(h);
    const msgs = check(h, 'delivery');
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/seqs 1..2 were lost/),
        expect.stringMatching(/handed over again/),
        expect.stringMatching(/result d handed over after result e, though it was sent first/),
        expect.stringMatching(/result a .* was not handed over by the time the reconnection synced/),
      ]),
    );
  });
});

describe('11 delivery: a sync belongs to its session', () => {
  /** w1's sync (seq) in session s: first sent, or re-sent. */
  const sync = (h: H, seq: number, s: string, resend: boolean): H =>
    h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: s, dir: 'to_coordinator', seq, msgType: 'sync', resend });
  it('a sync re-sent in its own resumed session passes; one carried into a new session is a stale report', () => {
    const h = new H().connect('w1');
    reconnect(h.at(10), 's1', false);
    sync(h, 1, 's1', false);
    reconnect(h.at(20), 's1', true);
    sync(h, 1, 's1', true); // resumed: the same report, same session and seq
    expect(check(h, 'delivery')).toEqual([]);
    reconnect(h.at(30), 's2', false);
    sync(h, 1, 's2', true); // renumbered into a new session: stale
    sync(h, 2, 's2', false);
    expect(check(h, 'delivery')).toEqual([expect.stringMatching(/w1 re-sent a sync report as seq 1 in session s2 at t=30 that it never sent in that session: a stale report from session s1/)]);
  });
});

describe('11 delivery after a 4500 close', () => {
  /** w1's result (seq 1) is handed over; the worker sees acks up to ackedUpTo; the coordinator closes 4500; seq 1 comes again. */
  const story = (ackedUpTo: number): H => {
    const h = new H().connect('w1');
    send(h, 1, 'a').at(10);
    deliver(h, 1, 'a');
    if (ackedUpTo > 0) h.emit('w1', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', upTo: ackedUpTo });
    h.at(20).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c1', code: 4500, reason: 'could not commit message 2' });
    reconnect(h.at(30), 's-w1', true);
    send(h, 1, 'a', 's-w1', true);
    return deliver(h, 1, 'a');
  };
  it('excuses a message handed over again after a 4500 close that it was not acknowledged before', () => {
    expect(check(story(0), 'delivery')).toEqual([]);
  });
  it('reports one the worker had seen acknowledged: it had committed, the 4500 was about another message', () => {
    expect(check(story(1), 'delivery')).toEqual(expect.arrayContaining([expect.stringMatching(/seq 1 \(result a\) handed over again/)]));
  });
});

describe('11 delivery: frames of a replaced or closed connection', () => {
  /** w1's old incarnation sent seq 1 on connection c-old; its new one registered on c-new (replacing c-old); then c-old's frame arrives. */
  const story = (ended: 'replaced' | 'closed' | 'before'): H => {
    const h = new H().connect('w1', 'c-old');
    send(h, 1, 'a').at(10);
    const late = (): H => h.emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', connectionId: 'c-old', dir: 'to_coordinator', seq: 1, msgType: 'result', key: 'a' });
    if (ended === 'before') late();
    if (ended === 'replaced') h.emit('coordinator', { type: 'worker_replaced', workerId: 'w1', oldConnectionId: 'c-old', newConnectionId: 'c-new' });
    else h.emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c-old', code: 1006, reason: 'gone' });
    return ended === 'before' ? h : late();
  };
  it('passes a frame handed over while its connection was live', () => {
    expect(check(story('before'), 'delivery')).toEqual([]);
  });
  it('reports a frame handed over after its connection was replaced (4409) or closed', () => {
    expect(check(story('replaced'), 'delivery')).toEqual([expect.stringMatching(/seq 1 \(result a\) handed over on connection c-old after it was replaced by c-new at t=10: an out-of-session frame was acted on/)]);
    expect(check(story('closed'), 'delivery')).toEqual([expect.stringMatching(/handed over on connection c-old after it was closed at t=10/)]);
  });
});

describe('12 acked-not-resent', () => {
  it('reports a message re-sent (renumbered) after the peer acknowledged it', () => {
    const h = new H().connect('w1');
    send(h, 1, 'a');
    deliver(h.at(5), 1, 'a');
    h.emit('w1', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', upTo: 1 });
    const clean = check(h, 'acked-not-resent');
    reconnect(h.at(50), 's2', false);
    send(h, 1, 'a', 's2', true);
    expect(clean).toEqual([]);
    expect(check(h, 'acked-not-resent')).toEqual([expect.stringMatching(/result a sent again as seq 1 in session s2, though the peer acknowledged it at t=5/)]);
  });

  it('reports a re-send at a resume of a seq the peer reported having (its lastSeq), not one above it', () => {
    const assign = (seq: number, resend: boolean): H =>
      h.emit('coordinator', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq, msgType: 'assign', key: `assign:e${seq}/l${seq}`, resend, ...(resend ? { peerLastSeq: 1 } : {}) });
    const h = new H().connect('w1');
    assign(1, false);
    assign(2, false);
    reconnect(h.at(50), 's-w1', true);
    assign(2, true);
    const clean = check(h, 'acked-not-resent');
    assign(1, true);
    expect(clean).toEqual([]);
    expect(check(h, 'acked-not-resent')).toEqual([expect.stringMatching(/seq 1 \(assign assign:e1\/l1\) re-sent at a resume though the peer reported having up to seq 1 \(its lastSeq\)/)]);
  });
});

describe('13 lease-expiry and 14 prompt-completion', () => {
  const expireLater = (h: H, t: number): H => h.at(t).expire('x', 'w1', 1, 't1');
  it('reports a lease expired while its holder stayed connected and nothing touched it', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    expect(check(expireLater(h, 4000), 'lease-expiry')).toEqual([expect.stringMatching(/stayed connected for the whole lease period/)]);
  });
  it('an expiry after the holder was cut off is weather', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').at(100).fault('start', cut);
    h.at(200).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c-w1-0', code: 4408, reason: 'heartbeat timeout' });
    expect(check(expireLater(h, 3500), 'lease-expiry')).toEqual([]);
  });
  it('reports, after heal, an expiry while the holder was connected again', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').at(100).fault('start', cut);
    h.at(200).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c-w1-0', code: 4408, reason: 'heartbeat timeout' });
    h.at(1000).fault('stop', cut).phase('heal').at(1100).connect('w1');
    expect(check(expireLater(h, 3000), 'prompt-completion')).toEqual([expect.stringMatching(/after heal .* while its holder w1 was connected/)]);
  });
  it('an expiry recorded just after the holder came back (decided while it was away, its commit landing later) is weather', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').at(100).fault('start', cut);
    h.at(200).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c-w1-0', code: 4408, reason: 'heartbeat timeout' });
    h.at(1000).fault('stop', cut).phase('heal').at(3000).connect('w1');
    expect(check(expireLater(h, 3000 + baseContext.toleranceMs - 1), 'prompt-completion')).toEqual([]);
  });
  /** w1 runs x from t=10; the disk fails from 100 to 7500; with `restartAt`, w1 restarts then (its new life reports nothing); x expires at 8000. */
  const outage = (restartAt?: number): H => {
    const disk = { id: 'd1', action: 'disk_error', target: 'coordinator', workers: [], coordinator: true };
    const h = new H().connect('w1').submit('x').at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').at(100).fault('start', disk);
    if (restartAt !== undefined) {
      const restart = { id: 'r1', action: 'restart', target: 'w1', workers: ['w1'], coordinator: false };
      h.at(restartAt).fault('start', restart).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c-w1-0', code: 1006, reason: '' });
      h.connect('w1').fault('stop', restart);
    }
    return expireLater(h.at(7500).fault('stop', disk), 8000);
  };
  it('a storage fault alone does not excuse the expiry of a lease its registered holder still ran (blind set 9 #08)', () => {
    expect(check(outage(), 'lease-expiry')).toEqual([expect.stringMatching(/while its holder w1 was running the attempt .* a store outage does not stop heartbeats/)]);
  });
  it('a holder that restarted during the outage no longer runs the attempt: the expiry is owed (disk-fault-restart on SQLite, seed 2)', () => {
    expect(check(outage(300), 'lease-expiry')).toEqual([]);
  });
  /** w1 takes x, is killed at 500 and started again at 800, registering `registerAfterMs` later (its new life reports nothing); the lease is still held at the end. */
  const killed = (registerAfterMs: number, faultAfter?: number): H => {
    const kill = { id: 'k1', action: 'kill', target: 'w1', workers: ['w1'], coordinator: false };
    const h = new H().connect('w1').submit('x').at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').at(500).fault('start', kill);
    h.emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c-w1-0', code: 1006, reason: '' });
    h.at(800).fault('stop', kill).at(800 + registerAfterMs).connect('w1');
    if (faultAfter !== undefined) h.at(800 + registerAfterMs + faultAfter).fault('start', cut);
    return h.at(5000).phase('end');
  };
  it('a holder that restarted and registered again must see its lease end at its sync, also when it registers in the ms it restarted (the 0-RTT register)', () => {
    for (const after of [1, 0]) expect(check(killed(after), 'prompt-completion')).toEqual([expect.stringMatching(/w1 restarted after taking lease t1 and registered again at t=80\d, yet the lease was still held/)]);
  });
  it('a fault on the holder after its registration still excuses a lease held on', () => {
    expect(check(killed(0, 100), 'prompt-completion')).toEqual([]);
  });
});

describe('15 result-recorded', () => {
  it('reports a finished attempt whose result vanished and whose lease then expired', () => {
    const h = new H().connect('w1').submit('x').claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(500).emit('w1', { type: 'task_finished', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    h.at(600).fault('start', cut).at(700).fault('stop', cut);
    reconnect(h.at(800), 's-w1', true);
    synced(h);
    h.at(4000).expire('x', 'w1', 1, 't1');
    expect(check(h, 'result-recorded')).toEqual([expect.stringMatching(/finished attempt 1 \(completed\) under live lease t1 .* no result recorded: the work is redone/)]);
  });
});

describe('16 task-contract and 17 timeouts', () => {
  function submitTask(h: H, id: string, task: { kind: string; params: unknown; timeoutMs?: number }): H {
    const i = h.rec.recordInvoke({ ref: id, kind: task.kind, tasks: [task] });
    h.emit('coordinator', { type: 'submitted', executionId: id, kind: task.kind, dependencies: [], maxAttempts: 1, priority: 'medium' });
    h.rec.recordOk(i, { executionIds: [id] });
    return h;
  }
  it('reports a fail task that completes and a 6 s sleep done in 10 ms; a real sleep passes', () => {
    const h = new H().connect('w1');
    submitTask(h, 'f', { kind: 'fail', params: { times: 5 } });
    submitTask(h, 's', { kind: 'sleep', params: { durationMs: 6000 } });
    submitTask(h, 'ok', { kind: 'sleep', params: { durationMs: 100 } });
    h.claim('f', 'w1', 1, 'f1').start('f', 'w1', 1, 'f1').finish('f', 'w1', 1, 'f1');
    h.claim('s', 'w1', 1, 's1').start('s', 'w1', 1, 's1').at(10).finish('s', 'w1', 1, 's1');
    h.claim('ok', 'w1', 1, 'o1').start('ok', 'w1', 1, 'o1').at(110).finish('ok', 'w1', 1, 'o1');
    expect(check(h, 'task-contract')).toEqual([
      expect.stringMatching(/^task-contract: fail \{"times":5\}: attempt 1 completed, but fail \{times: 5\} fails attempts 1..5/),
      expect.stringMatching(/sleep \{"durationMs":6000\}: completed 10 ms after its first start, but it takes at least 6000 ms/),
    ]);
  });
  it('reports an attempt that outlives its timeout on both sides', () => {
    const h = new H().connect('w1');
    submitTask(h, 't', { kind: 'sleep', params: { durationMs: 60_000 }, timeoutMs: 500 });
    h.claim('t', 'w1', 1, 't1').start('t', 'w1', 1, 't1').at(5000);
    h.emit('w1', { type: 'task_aborted', executionId: 't', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'timeout' });
    h.emit('coordinator', { type: 'lease_released', executionId: 't', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'timeout' });
    const msgs = check(h, 'timeouts');
    expect(msgs).toEqual([expect.stringMatching(/w1 ran attempt 1 for 5000 ms; its timeoutMs is 500/), expect.stringMatching(/lasted 5000 ms .* timeoutMs 500 \+ grace 2000/)]);
  });
});

describe('5 retries: too late, 10 liveness: spurious disconnects', () => {
  it('reports a retry that came far later than its delay while a worker sat idle', () => {
    const h = new H().connect('w1').connect('w2');
    h.submit('c', { maxAttempts: 3, retry: { strategy: 'fixed', maxRetries: 2, delayMs: 500, maxDelayMs: 500 } });
    h.at(40).claim('c', 'w1', 1, 'c1').start('c', 'w1', 1, 'c1').at(100).finish('c', 'w1', 1, 'c1', 'failed', 'retrying');
    h.at(5000).claim('c', 'w1', 2, 'c2', undefined, 'retrying');
    expect(check(h, 'retries', { ...baseContext, breaker: false })).toEqual([expect.stringMatching(/retried 4900 ms after failure 1;.* asks for 500 ms, and w1 was idle at t=700: the retry came too late/)]);
    // A breaker cannot excuse it: one failure of the kind is below its threshold, so it was closed.
    expect(check(h, 'retries', { ...baseContext, breaker: true, breakerFailureThreshold: 5 })).toEqual([expect.stringMatching(/the retry came too late/)]);
    // With a threshold of 1 that failure may have opened the breaker: excused.
    expect(check(h, 'retries', { ...baseContext, breaker: true, breakerFailureThreshold: 1 })).toEqual([]);
  });
  it('reports a disconnect of a healthy link, not one under a fault', () => {
    const h = new H().connect('w1').connect('w2').at(500);
    h.emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'socket closed' });
    h.at(600).fault('start', { ...cut, target: 'w2', workers: ['w2'] });
    h.emit('w2', { type: 'disconnected', workerId: 'w2', code: 1006, reason: 'socket closed' });
    expect(check(h, 'liveness').filter((m) => /spurious/.test(m))).toEqual([expect.stringMatching(/the worker side dropped w1's connection at t=500 .* spurious disconnect/)]);
  });
});
