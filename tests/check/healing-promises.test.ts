/**
 * The self-healing mechanisms judged at their trigger (issue 10, docs/DEFECTS.md
 * classes 06, 09, 18, 21, 36): the outcome stays right because redundancy
 * heals the damage, so each rule judges the mechanism itself. Each synthetic
 * history that breaks a rule is reported under its promise; the same history
 * done right passes.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

function messages(h: H, promise: PromiseName, ctx: CheckContext = baseContext): string[] {
  return checkHistory(h.history(), [promise], ctx).map((v) => v.message);
}

describe('9 backoff: the attempt counter restarts at 1 after a registration', () => {
  const backoff = (h: H, w: string, attempt: number, delayMs: number): H =>
    h.emit(w, { type: 'backoff', workerId: w, attempt, delayMs, strategy: 'full-jitter', capMs: 2000, floorMs: 0 }).at(h.now + delayMs).emit(w, { type: 'connecting', workerId: w, attempt });
  const drop = (h: H, w: string): H => h.emit(w, { type: 'disconnected', workerId: w, code: 1006, reason: '' });
  /** Two outages with two failed tries each; `second` numbers the second outage's tries. */
  const run = (second: [number, number]): string[] => {
    const h = new H().connect('w1').at(10);
    backoff(backoff(drop(h, 'w1'), 'w1', 1, 50), 'w1', 2, 80).connect('w1').at(1000);
    backoff(backoff(drop(h, 'w1'), 'w1', second[0], 50), 'w1', second[1], 80).connect('w1');
    return messages(h, 'backoff');
  };
  it('accepts 1, 2 after each registration', () => {
    expect(run([1, 2])).toEqual([]);
  });
  it('reports a counter carried over from the previous outage', () => {
    expect(run([3, 4])).toEqual([expect.stringMatching(/first backoff after the registration at t=\d+ is attempt 3, not 1: the attempt counter was not reset/)]);
  });
  it('reports a counter that skips a try', () => {
    expect(run([1, 3])).toEqual([expect.stringMatching(/attempt counter went from 1 to 3: each failed try must count exactly once \(want 2\)/)]);
  });
});

describe('26 capacity', () => {
  const ctx: CheckContext = { ...baseContext, workerConcurrency: 2 };
  /** w1 (concurrency 2) runs a1; a2 started and aborted (settled, or not yet); then an assign for b is refused. */
  const refusal = (settled: boolean, draining = false): H => {
    const h = new H().connect('w1').submit('a1').submit('a2').submit('b');
    h.at(10).claim('a1', 'w1', 1, 'a1t').start('a1', 'w1', 1, 'a1t');
    h.claim('a2', 'w1', 1, 'a2t').start('a2', 'w1', 1, 'a2t');
    h.at(20).emit('w1', { type: 'task_aborted', executionId: 'a2', workerId: 'w1', attempt: 1, leaseToken: 'a2t', reason: 'cancel' });
    if (settled) h.emit('w1', { type: 'task_finished', executionId: 'a2', workerId: 'w1', attempt: 1, leaseToken: 'a2t', outcome: 'cancelled' });
    if (draining) h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 5, msgType: 'drain', key: 'drain', resend: false });
    h.at(30).emit('w1', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq: 3, msgType: 'assign', key: 'assign:b/bt' });
    return h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 6, msgType: 'result', key: 'result:b/bt/revoked', resend: false });
  };
  it('reports a fresh assignment refused below the concurrency (a ghost of an aborted attempt)', () => {
    expect(messages(refusal(true), 'capacity', ctx)).toEqual([expect.stringMatching(/w1 refused lease bt .* with 1 live attempt\(s\) below its concurrency 2, not draining: a capacity leak/)]);
  });
  it('accepts a refusal at the limit (the aborted attempt has not settled) and one while draining', () => {
    expect(messages(refusal(false), 'capacity', ctx)).toEqual([]);
    expect(messages(refusal(true, true), 'capacity', ctx)).toEqual([]);
    expect(messages(refusal(true), 'capacity', baseContext)).toEqual([]);
  });
  /** w1 holds a (and b unless it ended), then c is claimed for it. */
  const claims = (released: boolean, claimAt = 30): H => {
    const h = new H().connect('w1').submit('a').submit('b').submit('c');
    h.at(10).claim('a', 'w1', 1, 'at').claim('b', 'w1', 1, 'bt').start('b', 'w1', 1, 'bt');
    if (released) h.at(20).finish('b', 'w1', 1, 'bt');
    return h.at(claimAt).claim('c', 'w1', 1, 'ct');
  };
  it('reports a claim for a worker already holding its concurrency, not one after a lease ended', () => {
    expect(messages(claims(false), 'capacity', ctx)).toEqual([expect.stringMatching(/lease ct claimed for w1 at t=30 while it already held 2 live lease\(s\), its whole concurrency 2/)]);
    expect(messages(claims(true, 20), 'capacity', ctx)).toEqual([]);
  });
  it('reports a released slot not offered to ready work at once (work-conserving dispatch), not one claimed at the release', () => {
    expect(messages(claims(true), 'capacity', ctx)).toEqual([
      expect.stringMatching(/w1 released lease bt \(completed\) at t=20, leaving 1 of 2 slots held, while c was ready \(since t=0\); the next claim came only at t=30: a freed slot is offered to the ready work within 5 ms/),
    ]);
    expect(messages(claims(true, 22), 'capacity', ctx)).toEqual([]);
    expect(messages(claims(true), 'capacity', { ...ctx, maxConcurrency: 3 })).toEqual([]);
  });
  it('orders by the engine\'s decision time, not by when the commit was recorded', () => {
    // The release of b was decided at t=20 but its commit landed after c's claim (decided at t=25).
    const h = new H().connect('w1').submit('a').submit('b').submit('c');
    h.at(10).claim('a', 'w1', 1, 'at').claim('b', 'w1', 1, 'bt');
    h.at(25).claim('c', 'w1', 1, 'ct');
    h.rec.emit({ type: 'lease_released', at: 20, source: 'coordinator', executionId: 'b', workerId: 'w1', attempt: 1, leaseToken: 'bt', reason: 'completed' });
    expect(messages(h, 'capacity', ctx)).toEqual([]);
  });
});

describe('17 timeouts: a coordinator timeout records outcome timeout', () => {
  /** x (timeoutMs 1000) runs on w1, which goes silent; the coordinator's timeout ends the lease at 1000 + grace 2000. */
  const run = (outcome: 'timeout' | 'failed', workerSent = false): string[] => {
    const h = new H().connect('w1');
    const i = h.rec.recordInvoke({ ref: 'ref-x', kind: 'sleep', tasks: [{ kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 1000 }] });
    h.emit('coordinator', { type: 'submitted', executionId: 'x', kind: 'sleep', dependencies: [], maxAttempts: 1, priority: 'medium' }).status('x', null, 'scheduled', 0);
    h.rec.recordOk(i, { executionIds: ['x'] });
    h.at(10).claim('x', 'w1', 1, 'xt').start('x', 'w1', 1, 'xt');
    if (workerSent) h.at(2000).emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 4, msgType: 'result', key: 'result:x/xt/failed', resend: false });
    h.at(3010).emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 'xt', reason: outcome });
    h.status('x', 'running', outcome, 1).emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 'xt', outcome });
    return messages(h, 'timeouts', { ...baseContext, timeoutGraceMs: 2000 }).filter((m) => /coordinator's timeout/.test(m));
  };
  it('reports a coordinator timeout recorded as failed', () => {
    expect(run('failed')).toEqual([expect.stringMatching(/ended lease xt \(attempt 1, w1, which sent no result\) and recorded outcome 'failed', attempt status 'failed': a coordinator timeout is recorded as 'timeout'/)]);
  });
  it('accepts timeout, and a failed result the worker sent', () => {
    expect(run('timeout')).toEqual([]);
    expect(run('failed', true)).toEqual([]);
  });
});

describe('8 auth: work for a worker whose connection was refused', () => {
  /** w1's connection fails a signature check at t=100 and is detached; a claim decided at `decidedAt` is recorded at t=105. */
  const run = (decidedAt: number): string[] => {
    const h = new H().connect('w1', 'c1').submit('x').at(100);
    h.emit('coordinator', { type: 'auth_failed', workerId: 'w1', connectionId: 'c1', reason: 'bad signature' });
    h.emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c1', code: 4402, reason: 'bad signature' });
    h.at(105).rec.emit({ type: 'claimed', at: decidedAt, source: 'coordinator', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't' });
    return messages(h, 'auth');
  };
  it('reports a claim decided after the refusal, not one decided before it whose commit landed after', () => {
    expect(run(103)).toEqual([expect.stringMatching(/claimed for w1 while its only connection had failed authentication/)]);
    expect(run(99)).toEqual([]);
  });
});
