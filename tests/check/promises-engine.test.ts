/**
 * Synthetic histories for the engine-feature promises (21-24), the worker-side
 * resume check under 6 and the adversary checks under 8: each rule flags the
 * history that breaks it and accepts the one that keeps it.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { baseContext, H } from './builder.js';

/** An acknowledged execution with the client's intent recorded on the invoke. */
function submit(h: H, id: string, intent: { priority?: string; timeoutMs?: number; idempotencyKey?: string }, kind = 'sleep'): H {
  const i = h.rec.recordInvoke({ ref: `ref-${id}`, kind, intent: [{ priority: 'medium', ...intent }] });
  h.emit('coordinator', { type: 'submitted', executionId: id, kind, dependencies: [], maxAttempts: 1, priority: (intent.priority ?? 'medium') as 'medium' });
  h.status(id, null, 'scheduled', 0);
  h.rec.recordOk(i, { executionIds: [id] });
  return h;
}

const messages = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], baseContext).map((v) => v.message);

describe('21 priority', () => {
  const history = (first: string): H => {
    const h = new H().phase('faults').connect('w1');
    submit(h, 'low', { priority: 'low' });
    submit(h, 'high', { priority: 'high' });
    return h.at(10).run(first, 'w1', 1, `t-${first}`);
  };
  it('flags a claim of low priority while a high one of the same kind was ready', () => {
    expect(messages(history('low'), 'priority')).toEqual([expect.stringMatching(/higher priority must go first/)]);
  });
  it('accepts the high one first', () => {
    expect(messages(history('high'), 'priority')).toEqual([]);
  });
});

describe('22 idempotency', () => {
  it('flags one key acknowledged as two executions, accepts one', () => {
    const h = new H().phase('faults');
    submit(h, 'a', { idempotencyKey: 'k1' });
    submit(h, 'b', { idempotencyKey: 'k1' });
    expect(messages(h, 'idempotency')).toEqual([expect.stringMatching(/key "k1" was acknowledged as 2 executions/)]);
    const ok = new H().phase('faults');
    submit(ok, 'a', { idempotencyKey: 'k1' });
    const i = ok.rec.recordInvoke({ ref: 'again', kind: 'sleep', intent: [{ priority: 'medium', idempotencyKey: 'k1' }] });
    ok.rec.recordOk(i, { executionIds: ['a'] });
    expect(messages(ok, 'idempotency')).toEqual([]);
  });

  it('flags a repeat of an acknowledged keyed submission refused as a conflict; accepts a conflict for a different task', () => {
    const keyed = (h: H, params: unknown): number =>
      h.rec.recordInvoke({ ref: 'r', kind: 'echo', tasks: [{ kind: 'echo', params }], intent: [{ priority: 'medium', idempotencyKey: 'k1' }] });
    const h = new H().phase('faults');
    h.rec.recordOk(keyed(h, { value: 1 }), { executionIds: ['a'] });
    h.rec.recordFail(keyed(h, { value: 1 }), { code: 'conflict', message: 'idempotencyKey "k1" is already held by execution a' });
    expect(messages(h, 'idempotency')).toEqual([expect.stringMatching(/repeat of the acknowledged submission with idempotency key "k1" \(the same task\) was refused as a conflict/)]);
    const other = new H().phase('faults');
    other.rec.recordOk(keyed(other, { value: 1 }), { executionIds: ['a'] });
    other.rec.recordFail(keyed(other, { value: 2 }), { code: 'conflict', message: 'different params' });
    other.rec.recordFail(keyed(other, { value: 1 }), { code: 'store_unavailable', message: 'disk' });
    expect(messages(other, 'idempotency')).toEqual([]);
  });

  it('compares keyed tasks member by member at every depth, whatever the order members were sent in', () => {
    const keyed = (h: H, params: unknown, metadata: unknown): number =>
      h.rec.recordInvoke({ ref: 'r', kind: 'echo', tasks: [{ kind: 'echo', params, metadata }], intent: [{ priority: 'medium', idempotencyKey: 'k1' }] });
    const first = { value: { a: { x: 1, y: [1, { p: 'q', r: 2 }] }, b: 2 } };
    const reordered = { value: { b: 2, a: { y: [1, { r: 2, p: 'q' }], x: 1 } } };
    // The same request with its members in another order: 200 with the key's execution, never a conflict.
    const same = new H().phase('faults');
    same.rec.recordOk(keyed(same, first, { m: { n: 1, o: 2 } }), { executionIds: ['a'] });
    same.rec.recordOk(keyed(same, reordered, { m: { o: 2, n: 1 } }), { executionIds: ['a'] });
    expect(messages(same, 'idempotency')).toEqual([]);
    const refused = new H().phase('faults');
    refused.rec.recordOk(keyed(refused, first, {}), { executionIds: ['a'] });
    refused.rec.recordFail(keyed(refused, reordered, {}), { code: 'conflict', message: 'different params' });
    expect(messages(refused, 'idempotency')).toEqual([expect.stringMatching(/repeat of the acknowledged submission with idempotency key "k1" \(the same task\) was refused as a conflict/)]);
    // Another request only deep inside params, or metadata: accepted as the key's execution, it is reported with where it differs.
    const deep = new H().phase('faults');
    deep.rec.recordOk(keyed(deep, first, { m: { n: 1 } }), { executionIds: ['a'] });
    deep.rec.recordOk(keyed(deep, { value: { a: { x: 1, y: [1, { p: 'q', r: 3 }] }, b: 2 } }, { m: { n: 1 } }), { executionIds: ['a'] });
    deep.rec.recordOk(keyed(deep, first, { m: { n: 1, extra: true } }), { executionIds: ['a'] });
    expect(messages(deep, 'idempotency')).toEqual([
      expect.stringMatching(/key "k1" of a was reused for another task \(task\.params\.value\.a\.y\[1\]\.r 2 → 3\) and accepted at t=\d+ as the same execution/),
      expect.stringMatching(/key "k1" of a was reused for another task \(task\.metadata\.m\.extra absent → true\) and accepted/),
    ]);
  });

  it('accepts a new execution for a key only once a prune covered the previous one (the key is forgotten with it)', () => {
    const history = (completedBefore: number): H => {
      const h = new H().phase('faults').connect('w1');
      submit(h, 'a', { idempotencyKey: 'k1' });
      h.at(10).run('a', 'w1', 1, 'a1');
      h.at(20).emit('coordinator', { type: 'pruned', completedBefore, count: 1 });
      return submit(h.at(30), 'b', { idempotencyKey: 'k1' });
    };
    expect(messages(history(50), 'idempotency')).toEqual([]);
    expect(messages(history(5), 'idempotency')).toEqual([expect.stringMatching(/key "k1" was acknowledged as 2 executions \(a, b\)/)]);
  });
});

describe('23 worker-timeouts', () => {
  const run = (abortAt: number): H => {
    const h = new H().phase('faults').connect('w1');
    submit(h, 'x', { timeoutMs: 1000 });
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(10 + abortAt).emit('w1', { type: 'task_aborted', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'timeout' });
    return h.at(5000).phase('end');
  };
  it('flags an early timeout and a late one; accepts one on time', () => {
    expect(messages(run(2), 'worker-timeouts')).toEqual([expect.stringMatching(/fired early/)]);
    expect(messages(run(3000), 'worker-timeouts')).toEqual([expect.stringMatching(/not stopped at its timeout/)]);
    expect(messages(run(1001), 'worker-timeouts')).toEqual([]);
  });
  it("does not blame the worker for the coordinator's timeout abort of an assignment that reached it late", () => {
    const late = (ordered: boolean): H => {
      const h = new H().phase('faults').connect('w1');
      submit(h, 'x', { timeoutMs: 1000 });
      h.at(10).claim('x', 'w1', 1, 't1').at(20_000).start('x', 'w1', 1, 't1');
      if (ordered) h.emit('w1', { type: 'msg_delivered', workerId: 'w1', sessionId: 's1', dir: 'to_worker', seq: 2, msgType: 'abort', key: 'abort:x/t1/timeout' });
      h.emit('w1', { type: 'task_aborted', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'timeout' });
      return h.at(25_000).phase('end');
    };
    expect(messages(late(true), 'worker-timeouts')).toEqual([]);
    // The same abort with no abort message from the coordinator is the worker's own timer firing early.
    expect(messages(late(false), 'worker-timeouts')).toEqual([expect.stringMatching(/fired early/)]);
  });
});

describe('24 client-control', () => {
  const cancel = (abortAfter: number | undefined): H => {
    const h = new H().phase('faults').connect('w1');
    submit(h, 'x', {});
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(100).rec.recordInfo({ op: 'cancel', executionId: 'x', phase: 'invoke' }, 'client');
    h.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'cancelled' });
    h.status('x', 'running', 'cancelled', 1);
    h.rec.recordInfo({ op: 'cancel', executionId: 'x', phase: 'ok', status: 'cancelled' }, 'client');
    if (abortAfter !== undefined) h.at(100 + abortAfter).emit('w1', { type: 'task_aborted', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'cancel' });
    return h.at(10_000).phase('end');
  };
  it('flags a cancel the worker never hears of, accepts a prompt abort', () => {
    expect(messages(cancel(undefined), 'client-control')).toEqual([expect.stringMatching(/cancel at t=100 .* never stopped it/)]);
    expect(messages(cancel(5000), 'client-control')).toEqual([expect.stringMatching(/stopped it only at t=5100/)]);
    expect(messages(cancel(3), 'client-control')).toEqual([]);
  });
  /** x runs on w1; w1's connection closes at 50 (session detached); cancel at 100; the session resumes at 1000, then w1 stops x as `reason`. */
  const detached = (reason: string, resumed = true): H => {
    const h = new H().phase('faults').connect('w1');
    submit(h, 'x', {});
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(50).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c-w1-0', code: 1006, reason: 'closed' });
    h.at(100).rec.recordInfo({ op: 'cancel', executionId: 'x', phase: 'invoke' }, 'client');
    h.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'cancelled' });
    h.status('x', 'running', 'cancelled', 1);
    h.rec.recordInfo({ op: 'cancel', executionId: 'x', phase: 'ok', status: 'cancelled' }, 'client');
    h.at(1000).emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: resumed ? 's-w1' : 's-w1-new', resumed, connectionId: 'c2' });
    h.at(1001).emit('w1', { type: 'task_aborted', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason });
    return h.at(10_000).phase('end');
  };
  it('flags a cancel for a detached session that the resumed worker never got (revoked by the sync instead), accepts the cancel and a new session', () => {
    expect(messages(detached('revoked'), 'client-control')).toEqual([expect.stringMatching(/cancel at t=100 of the attempt running on w1 while its session was detached; the session resumed at t=1000 and the worker aborted it as "revoked" at t=1001/)]);
    expect(messages(detached('cancel'), 'client-control')).toEqual([]);
    expect(messages(detached('revoked', false), 'client-control')).toEqual([]);
  });
});

describe('6 checkpoints as the worker reports them', () => {
  const resume = (workerSeq: number | undefined): H => {
    const h = new H().phase('faults').connect('w1').connect('w2');
    submit(h, 'x', {});
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').checkpoint('x', 1, 1).checkpoint('x', 2, 1);
    h.at(500).expire('x', 'w1', 1, 't1');
    h.claim('x', 'w2', 2, 't2', 2);
    h.emit('w2', { type: 'task_started', executionId: 'x', workerId: 'w2', attempt: 2, leaseToken: 't2', ...(workerSeq === undefined ? {} : { checkpointSeq: workerSeq }) });
    return h;
  };
  it('flags a worker that started from less than the claim said, accepts the latest', () => {
    expect(messages(resume(undefined), 'checkpoints')).toEqual([expect.stringMatching(/started from no checkpoint \(as the worker reports\), though checkpoint 2/)]);
    expect(messages(resume(1), 'checkpoints')).toEqual([expect.stringMatching(/started from checkpoint 1/)]);
    expect(messages(resume(2), 'checkpoints')).toEqual([]);
  });
});

describe('8 against adversaries', () => {
  it('flags a victim replaced right after a forged registration, not its own reconnect', () => {
    const h = new H().phase('faults').connect('w1', 'c1');
    h.at(1000).rec.recordInfo({ attack: 'forged-mac', victim: 'w1' }, 'adversary');
    h.emit('coordinator', { type: 'worker_replaced', workerId: 'w1', oldConnectionId: 'c1', newConnectionId: 'c9' });
    expect(messages(h, 'auth')).toEqual([expect.stringMatching(/forged-mac registration as w1 .* was acted on: worker_replaced/)]);
    const own = new H().phase('faults').connect('w1', 'c1');
    own.at(1000).rec.recordInfo({ attack: 'forged-mac', victim: 'w1' }, 'adversary');
    own.connect('w1', 'c2');
    expect(messages(own, 'auth')).toEqual([]);
  });
  it('flags a result recorded that the holder never sent, and a saved forged checkpoint', () => {
    const h = new H().phase('faults').connect('w1');
    submit(h, 'x', {});
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    h.at(20).rec.recordInfo({ attack: 'forged-checkpoint', victim: 'w1', executionId: 'x', leaseToken: 't1', forgedSeq: 1_000_000 }, 'adversary');
    h.checkpoint('x', 1_000_000, 1);
    h.emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    expect(messages(h, 'auth')).toEqual([expect.stringMatching(/checkpoint 1000000 forged/), expect.stringMatching(/never sent/)]);
    const honest = new H().phase('faults').connect('w1');
    submit(honest, 'x', {});
    honest.at(10).run('x', 'w1', 1, 't1');
    expect(messages(honest, 'auth')).toEqual([]);
    // A worker that refuses an assignment it does not run (kind_not_allowed) sends its failed result without starting it.
    const refused = new H().phase('faults').connect('w1');
    submit(refused, 'x', {});
    refused.at(10).claim('x', 'w1', 1, 't1');
    refused.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 3, msgType: 'result', key: 'result:x/t1/failed', resend: false });
    refused.emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'failed' });
    expect(messages(refused, 'auth')).toEqual([]);
  });
});

describe('28 breaker: a kind stuck half-open', () => {
  const ctx = { ...baseContext, breaker: true, breakerFailureThreshold: 2, breakerResetMs: 1000, breakerHalfOpenMaxCalls: 1 };
  /** Two failures open the sleep breaker at t=10; the half-open trial (a, at t=1100) loses its lease at t=1500; `retrial`: a new trial follows. */
  const story = (retrial: boolean): H => {
    const h = new H().phase('faults').connect('w1');
    submit(h, 'a', {}).submit('b', {});
    h.at(10).claim('a', 'w1', 1, 'ta1').start('a', 'w1', 1, 'ta1').finish('a', 'w1', 1, 'ta1', 'failed', 'retrying');
    h.claim('b', 'w1', 1, 'tb1').start('b', 'w1', 1, 'tb1').finish('b', 'w1', 1, 'tb1', 'failed', 'retrying');
    h.at(1100).claim('a', 'w1', 2, 'ta2', undefined, 'retrying').start('a', 'w1', 2, 'ta2');
    h.at(1500).expire('a', 'w1', 2, 'ta2');
    if (retrial) h.at(1510).run('a', 'w1', 2, 'ta3').claim('b', 'w1', 2, 'tb2', undefined, 'retrying').start('b', 'w1', 2, 'tb2').finish('b', 'w1', 2, 'tb2');
    return h.at(2000).phase('heal').at(9000).phase('end');
  };
  const breaker = (h: H): string[] => checkHistory(h.history(), ['breaker'], ctx).map((v) => v.message);
  it('flags a half-open breaker with a free slot that never admits a trial while work waits and a worker idles', () => {
    expect(breaker(story(false))).toEqual([expect.stringMatching(/sleep breaker has been half-open with 0 of 1 trial\(s\) in flight since t=1500, .* while w1 was registered and idle, without a trial being admitted/)]);
  });
  it('accepts a new trial once the lost one freed its slot', () => {
    expect(breaker(story(true))).toEqual([]);
  });
});
