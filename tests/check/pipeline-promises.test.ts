/**
 * Synthetic histories for the rules aimed at the commit/ack pipeline and the
 * worker's connection state (blind set 12, misses 10, 12, 21, 24, 25): each
 * rule passes the history the real system leaves and reports the defect's.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { H, baseContext } from './builder.js';

const check = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], baseContext).map((v) => `${v.promise.name}: ${v.message}`);

describe('25 drain: a stop while disconnected', () => {
  /** w1 sends the results of a and b (seqs 3, 4) in session s-w1; the coordinator acks up to `acked`. */
  function results(h: H, acked: number): H {
    h.submit('a').submit('b').claim('a', 'w1', 1, 'a1').claim('b', 'w1', 1, 'b1');
    h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 3, msgType: 'result', key: 'result:a/a1/completed', resend: false });
    h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq: 4, msgType: 'result', key: 'result:b/b1/completed', resend: false });
    return h.emit('w1', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', upTo: acked });
  }
  const stop = (h: H): H => h.emit('w1', { type: 'stopped', workerId: 'w1', reason: 'stopped while not connected: nothing to drain' });

  it('passes a stop with nothing to drain when every result was acknowledged', () => {
    const h = new H().connect('w1');
    results(h.at(100), 4);
    stop(h.at(2000));
    expect(check(h, 'drain')).toEqual([]);
  });

  it('reports a stop while disconnected that left results unacknowledged', () => {
    const h = new H().connect('w1');
    results(h.at(100), 3);
    stop(h.at(2000));
    expect(check(h, 'drain')).toEqual([expect.stringMatching(/w1 stopped \(stopped while not connected: nothing to drain\) at t=2000 with results up to seq 4 of session s-w1 unacknowledged/)]);
  });
});
