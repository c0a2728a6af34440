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

describe('10 liveness: a pong sample answers a ping of its own connection', () => {
  const sample = (h: H, conn: string, pingT: number): H =>
    h.emit('coordinator', { type: 'rtt_sampled', side: 'coordinator', workerId: 'w1', connectionId: conn, sampleMs: h.now - pingT, srttMs: 5, rttvarMs: 2, timeoutMs: 1000, pingId: 3, pingT });

  it('passes pongs answering pings sent on the connection', () => {
    const h = new H().connect('w1', 'c1');
    h.at(3000).connect('w1', 'c2');
    sample(h.at(3100), 'c2', 3050);
    expect(check(h, 'liveness').filter((m) => m.includes('before that connection existed'))).toEqual([]);
  });

  it('reports a pong of an earlier connection credited to the new one', () => {
    const h = new H().connect('w1', 'c1');
    h.at(3000).connect('w1', 'c2');
    sample(h.at(3100), 'c2', 900);
    expect(check(h, 'liveness').filter((m) => m.includes('before that connection existed'))).toEqual([
      expect.stringMatching(/coordinator of w1 on connection c2 \(registered at t=3000\) took a 2200 ms round trip at t=3100 from a pong answering ping 3 sent at t=900, before that connection existed/),
    ]);
  });
});

describe('11 delivery: a held outbox flushes by itself', () => {
  it('passes a run whose probe never saw a held outbox, and reports one that did', () => {
    const h = new H().connect('w1');
    h.at(100).phase('end');
    expect(check(h, 'delivery')).toEqual([]);
    const held = new H().connect('w1');
    held.at(2070).rec.recordInfo({ flood: 'held', workerId: 'w1', outboxDepth: 6, forMs: 20 });
    held.at(2100).phase('end');
    expect(check(held, 'delivery')).toEqual([expect.stringMatching(/w1's outbox held 6 message\(s\) at t=2070 for 20 ms, ready, its transport not backed up, and sent nothing/)]);
  });
});
