/**
 * Synthetic histories for the rules aimed at set 10's "limits never pressed"
 * and "timing windows" (docs/DEFECTS.md, set 10: 18, 19, 20, 21, 25, 28):
 * each flags the history with its defect's pattern and accepts the one
 * without it.
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { baseContext, H } from './builder.js';

const ctx: CheckContext = { ...baseContext, maxPendingHandshakes: 2, workerConcurrency: 1, sessionTtlMs: 10_000 };
const messages = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], ctx).map((v) => v.message);

describe('10 admission never passes its limit (19)', () => {
  it('flags a refusal that counts more handshakes in progress than the limit', () => {
    const h = new H().at(1).emit('coordinator', { type: 'admission_refused', connectionId: 'c9', pending: 3, retryAfterMs: 40 });
    expect(messages(h, 'liveness')).toContainEqual(expect.stringMatching(/refused connection c9 at t=1 with 3 handshakes in progress, above its limit of 2/));
    const at = new H().at(1).emit('coordinator', { type: 'admission_refused', connectionId: 'c9', pending: 2, retryAfterMs: 40 });
    expect(messages(at, 'liveness').filter((m) => m.includes('above its limit'))).toEqual([]);
  });
});

describe('26 a worker never runs more than its concurrency (20)', () => {
  const twoAtOnce = (overlap: boolean): H => {
    const h = new H().connect('w1').submit('x').submit('y');
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
    if (!overlap) h.finish('x', 'w1', 1, 't1');
    h.at(20).claim('y', 'w1', 1, 't2').start('y', 'w1', 1, 't2');
    return h;
  };
  it('flags a second attempt started while the only slot runs one', () => {
    expect(messages(twoAtOnce(true), 'capacity')).toContainEqual(expect.stringMatching(/w1 started lease t2 at t=20 while 1 of its attempts were live \(t1\), its whole concurrency 1/));
  });
  it('accepts one after the other', () => {
    expect(messages(twoAtOnce(false), 'capacity').filter((m) => m.includes('started lease'))).toEqual([]);
  });
});

describe('24 only the client cancels (21)', () => {
  const stopped = (reason: string, told: boolean): H => {
    const h = new H().connect('w1').submit('x');
    h.at(10).claim('x', 'w1', 1, 't1');
    h.emit('w1', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq: 2, msgType: 'assign', key: 'assign:x/t1' }).start('x', 'w1', 1, 't1');
    if (told) h.emit('w1', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', dir: 'to_worker', seq: 3, msgType: 'abort', key: `abort:x/t1/${reason}` });
    h.at(20).emit('w1', { type: 'task_aborted', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason });
    return h;
  };
  it('flags a cancel abort no cancel asked for, and accepts shutdown or a delivered cancel', () => {
    expect(messages(stopped('cancel', false), 'client-control')).toEqual([expect.stringMatching(/w1 aborted its attempt under lease t1 as "cancel" at t=20, though no cancel for it reached the worker/)]);
    expect(messages(stopped('shutdown', false), 'client-control')).toEqual([]);
    expect(messages(stopped('cancel', true), 'client-control')).toEqual([]);
  });
  it('flags an execution ended cancelled without a cancel request', () => {
    const h = new H().connect('w1').submit('x');
    h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1').status('x', 'running', 'cancelled', 1, 'cancelled by worker');
    expect(messages(h, 'client-control')).toEqual([expect.stringMatching(/ended cancelled at t=10 \(cancelled by worker\) though no cancel was requested for it/)]);
  });
});

describe('9 reconnect accounting (25)', () => {
  const back = (afterMs: number): H => {
    const h = new H().connect('w1');
    h.at(100).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'gone' });
    h.at(900).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4408, reason: 'handshake timed out' });
    // Straight to the recorder: H.emit would fill in the right afterMs.
    h.at(1000).rec.emit({ type: 'connected', workerId: 'w1', sessionId: 's-w1', resumed: true, afterMs, at: 1000, source: 'w1' });
    return h;
  };
  it('flags an afterMs counted from the last failed try, and accepts one from the loss', () => {
    expect(messages(back(100), 'backoff')).toContainEqual(expect.stringMatching(/w1 registered again at t=1000 reporting 100 ms without a connection \(afterMs\), but its registered connection was lost at t=100, 900 ms before/));
    expect(messages(back(900), 'backoff').filter((m) => m.includes('afterMs'))).toEqual([]);
  });
});

describe('11 a session is resumed within its TTL (18)', () => {
  const returns = (at: number, resumed: boolean): H => {
    const h = new H().connect('w1', 'c1');
    h.at(100).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c1', code: 4408, reason: 'heartbeat timeout' });
    h.at(at).emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: resumed ? 's-w1' : 's-w1-2', resumed, connectionId: 'c2' });
    return h;
  };
  it('flags a new session 4 s after the detach, and accepts a resume or a return past the TTL', () => {
    expect(messages(returns(4100, false), 'delivery')).toEqual([expect.stringMatching(/w1 registered at t=4100 into a new session s-w1-2, though it asked to resume s-w1, detached at t=100, 4000 ms before: within sessionTtlMs 10000/)]);
    expect(messages(returns(4100, true), 'delivery')).toEqual([]);
    expect(messages(returns(10_200, false), 'delivery')).toEqual([]);
  });
});
