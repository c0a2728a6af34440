/**
 * Synthetic histories for the states issue 10 item 3 reaches (the `states`
 * group of docs/DEFECTS.md: classes 16, 20, 33, 34, 40): each rule fires on
 * the history the defect leaves and stays quiet on the real system's.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, promise: PromiseName): string[] => checkHistory(h.history(), [promise], baseContext).map((v) => v.message);

/** w1 holds a committed claim when the coordinator is killed and restarted. */
function crashWithLease(reason: string | undefined): H {
  const h = new H().at(0).connect('w1').connect('w2').submit('e1');
  h.at(10).claim('e1', 'w1', 1, 'L1');
  h.at(20).fault('start', { id: 'f1', action: 'kill', target: 'coordinator', coordinator: true });
  h.at(500).fault('stop', { id: 'f1', action: 'kill', target: 'coordinator', coordinator: true });
  if (reason !== undefined) h.at(502).status('e1', 'preparing', 'scheduled', 1, reason);
  return h;
}

describe('3 no double ownership: a committed lease lost at recovery (class 40)', () => {
  it('reports a re-claim after the restart re-queued an execution whose committed claim was still open', () => {
    const h = crashWithLease('recovered_without_lease');
    h.at(600).claim('e1', 'w2', 2, 'L2');
    expect(messages(h, 'no-double-ownership')).toEqual([expect.stringMatching(/claimed by w2 \(lease L2, attempt 2\) at t=600 while w1's lease L1 .*the store lost the lease/)]);
  });
  it('accepts a re-claim after the holder gave the lease back', () => {
    const h = crashWithLease(undefined);
    h.at(550).emit('coordinator', { type: 'lease_released', executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 'L1', reason: 'not_held_after_sync' });
    h.at(551).status('e1', 'preparing', 'scheduled', 1, 'lease_released');
    h.at(600).claim('e1', 'w2', 2, 'L2');
    expect(messages(h, 'no-double-ownership')).toEqual([]);
  });
});

describe('17 timeouts: a lease spanning a coordinator restart (class 33)', () => {
  /** e1 (timeoutMs 600, grace 2000 by default) is claimed at 100; the coordinator is down 500..1500. */
  function timed(endAt: number): H {
    const h = new H().at(0).connect('w1');
    const i = h.rec.recordInvoke({ ref: 'ref-e1', kind: 'sleep', tasks: [{ kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 600 }] });
    h.emit('coordinator', { type: 'submitted', executionId: 'e1', kind: 'sleep', dependencies: [], maxAttempts: 1, priority: 'medium' }).status('e1', null, 'scheduled', 0);
    h.rec.recordOk(i, { executionIds: ['e1'] });
    h.at(100).claim('e1', 'w1', 1, 'L1');
    h.at(500).fault('start', { id: 'f1', action: 'kill', target: 'coordinator', coordinator: true });
    h.at(1500).fault('stop', { id: 'f1', action: 'kill', target: 'coordinator', coordinator: true });
    h.at(endAt).emit('coordinator', { type: 'lease_expired', executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 'L1' });
    return h;
  }
  it('measures the lease from the restart: ended by recovery + timeoutMs + grace is kept', () => {
    expect(messages(timed(1500 + 2600), 'timeouts')).toEqual([]);
  });
  it('reports a recovered lease that outlived recovery + timeoutMs + grace (its timeout was not re-armed)', () => {
    expect(messages(timed(1500 + 3000 + 800), 'timeouts')).toEqual([expect.stringMatching(/lease L1 .* or by t=4100 after the coordinator came back/)]);
  });
});

describe('6 checkpoints: fenced by the sender\'s lease token (class 34)', () => {
  /** w1's lease L1 expired and w2 holds L2; a checkpoint 5 is saved as attempt 2's, delivered under `token`. */
  function saved(token: string): H {
    const h = new H().at(0).connect('w1').connect('w2').submit('e1');
    h.at(10).claim('e1', 'w1', 1, 'L1');
    h.at(3000).expire('e1', 'w1', 1, 'L1');
    h.at(3100).claim('e1', 'w2', 2, 'L2', undefined, 'scheduled');
    const w = token === 'L1' ? 'w1' : 'w2';
    h.at(4000).emit('coordinator', { type: 'msg_delivered', workerId: w, sessionId: `s-${w}`, dir: 'to_coordinator', seq: 9, msgType: 'checkpoint', key: `checkpoint:e1/${token}/5` });
    return h.at(4002).emit('coordinator', { type: 'checkpoint_saved', executionId: 'e1', seq: 5, attempt: 2, acceptedAt: 4000 });
  }
  it('accepts a checkpoint delivered under the attempt\'s own lease', () => {
    expect(messages(saved('L2'), 'checkpoints')).toEqual([]);
  });
  it('reports a checkpoint only a dead lease sent, filed as the live attempt\'s', () => {
    expect(messages(saved('L1'), 'checkpoints')).toEqual([expect.stringMatching(/checkpoint 5 was saved as attempt 2's, but only w1 under lease L1 \(attempt 1\) sent a checkpoint 5/)]);
  });
});

describe('10 liveness: admission refusals judged by the workers\' handshakes (class 20)', () => {
  const ctx = { ...baseContext, maxPendingHandshakes: 2 };
  const refusals = (h: H): string[] => checkHistory(h.history(), ['liveness'], ctx).map((v) => v.message).filter((m) => m.includes('admission slots leaked'));
  function refusedAt(t: number, abandonedAt: number): H {
    const h = new H().at(0);
    for (const w of ['w1', 'w2']) h.emit(w, { type: 'connecting', workerId: w, attempt: 1 });
    h.at(abandonedAt);
    for (const w of ['w1', 'w2']) h.emit(w, { type: 'disconnected', workerId: w, code: 1006, reason: 'reset' });
    h.at(t).emit('w3', { type: 'connecting', workerId: 'w3', attempt: 1 });
    return h.emit('coordinator', { type: 'admission_refused', connectionId: 'c-w3', pending: 2, retryAfterMs: 40 });
  }
  it('excuses a refusal while abandoned handshakes may still hold slots (within the register timeout)', () => {
    expect(refusals(refusedAt(3000, 100))).toEqual([]);
  });
  it('reports a refusal at the limit long after every other handshake ended', () => {
    expect(refusals(refusedAt(9000, 100))).toEqual([expect.stringMatching(/refused connection c-w3 at t=9000 claiming 2 handshakes in progress \(its limit 2\), but at most 0 other/)]);
  });
});
