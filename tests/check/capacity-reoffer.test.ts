/**
 * Promise 26, a worker that said it is full (harness/check/promises-capacity-reoffer.ts):
 * after the coordinator recorded w1's refusal at its concurrency limit, a
 * claim for w1 before any of w1's attempts ended is a hot re-offer; one after
 * an attempt ended, or after w1 came back in a new session, is not.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { baseContext, H } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['capacity'], { ...baseContext, workerConcurrency: 1 }).map((v) => v.message);

/** w1 runs x (t1), x is cancelled (lease released, the attempt still ending), y is claimed for w1 and refused at capacity. */
function refused(): H {
  const h = new H().connect('w1').submit('x').submit('y').submit('z');
  h.at(10).claim('x', 'w1', 1, 't1').start('x', 'w1', 1, 't1');
  h.at(20).emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'cancelled' }).status('x', 'running', 'cancelled', 1);
  h.at(21).claim('y', 'w1', 1, 't2');
  h.at(22).emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 3, msgType: 'result', key: 'result:y/t2/revoked', resend: false });
  h.at(23).emit('coordinator', { type: 'result_recorded', executionId: 'y', workerId: 'w1', attempt: 1, leaseToken: 't2', outcome: 'revoked' });
  h.emit('coordinator', { type: 'lease_released', executionId: 'y', workerId: 'w1', attempt: 1, leaseToken: 't2', reason: 'revoked' });
  return h.status('y', 'preparing', 'scheduled', 1, 'revoked');
}

describe('26 capacity: a worker that refused at its limit is not offered work until a slot frees', () => {
  it('flags a claim for the worker before any of its attempts ended', () => {
    const h = refused().at(26).claim('y', 'w1', 2, 't3');
    expect(messages(h)).toEqual([expect.stringMatching(/claimed lease t3 for w1 at t=26, after w1 refused lease t2 at its concurrency limit \(recorded at t=23\) and before any of its attempts ended/)]);
  });
  it('accepts the claim once an attempt ended on the worker, or after a new session', () => {
    const ended = refused().at(2000).emit('w1', { type: 'task_finished', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'cancelled' });
    expect(messages(ended.at(2001).claim("y", "w1", 2, "t3"))).toEqual([]);
    const back = refused().at(500).emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's-w1b', resumed: false, afterMs: 1 });
    expect(messages(back.at(501).claim('y', 'w1', 2, 't3'))).toEqual([]);
  });
});
