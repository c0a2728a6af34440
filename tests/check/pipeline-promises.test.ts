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

describe('20 acked-committed: a stale refusal comes after the committed end of its lease', () => {
  const reject = (h: H): H => h.emit('coordinator', { type: 'result_rejected', executionId: 'a', leaseToken: 'a1', attempt: 1, reason: 'stale' });

  it('passes a refusal after the cancel that ended the lease committed', () => {
    const h = new H().connect('w1');
    h.submit('a').claim('a', 'w1', 1, 'a1').start('a', 'w1', 1, 'a1');
    h.at(500).status('a', 'running', 'cancelled', 1, 'cancelled by client');
    reject(h.at(600));
    expect(check(h, 'acked-committed')).toEqual([]);
  });

  it('reports a refusal while the cancel still commits (its status comes after)', () => {
    const h = new H().connect('w1');
    h.submit('a').claim('a', 'w1', 1, 'a1').start('a', 'w1', 1, 'a1');
    reject(h.at(600));
    h.at(700).status('a', 'running', 'cancelled', 1, 'cancelled by client');
    expect(check(h, 'acked-committed')).toEqual([expect.stringMatching(/a: the result of lease a1 \(attempt 1\) was refused as stale at t=600, before any committed end of that lease/)]);
  });
});

describe('11 delivery: the cumulative ack keeps up with what the coordinator handed over', () => {
  /** w1 sends seqs 1..5; the coordinator hands them over; w1 sees acks up to `acked`. */
  function traffic(h: H, acked: number): H {
    for (let seq = 1; seq <= 5; seq++) {
      h.emit('w1', { type: 'msg_sent', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq, msgType: 'data', resend: false });
      h.emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', seq, msgType: 'data' });
    }
    return h.emit('w1', { type: 'msg_acked', workerId: 'w1', sessionId: 's-w1', dir: 'to_coordinator', upTo: acked });
  }

  it('passes a link whose acks cover everything handed over', () => {
    const h = new H().connect('w1');
    traffic(h.at(1000), 5);
    h.at(10_000).phase('end');
    expect(check(h, 'delivery')).toEqual([]);
  });

  it('does not judge a link that went down, nor messages handed over just before the end', () => {
    const down = new H().connect('w1', 'c1');
    traffic(down.at(1000), 2);
    down.at(1500).emit('coordinator', { type: 'worker_disconnected', workerId: 'w1', connectionId: 'c1', code: 1006, reason: '' });
    down.at(10_000).phase('end');
    expect(check(down, 'delivery')).toEqual([]);
    const late = new H().connect('w1');
    traffic(late.at(9_000), 2);
    late.at(10_000).phase('end');
    expect(check(late, 'delivery')).toEqual([]);
  });

  it('reports an ack that stalled behind messages already handed over', () => {
    const h = new H().connect('w1');
    traffic(h.at(1000), 2);
    h.at(10_000).phase('end');
    expect(check(h, 'delivery')).toEqual([expect.stringMatching(/w1 session s-w1: the coordinator handed over seq 5 \(data\) at t=1000, but by the end of the run \(t=10000, the link still up\) w1 had seen acks only up to seq 2/)]);
  });
});
