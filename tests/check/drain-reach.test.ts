/**
 * Synthetic histories for promise 25's drain at every point of a worker's
 * connection life (harness/check/promises-drain-reach.ts, blind set 19 #17,
 * #28): each session a draining worker registers in gets its drain, and a
 * worker never drops its link for its own internal error.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const drain = { id: 'f1', action: 'drain', target: 'w1', workers: ['w1'], params: { timeoutMs: 8000 } };

/** w1 cut off at 500, told to stop at 1000 while disconnected, back at 3000 in session `session` (resumed or not). */
function drainedWhileCutOff(session: string, resumed: boolean, drainDelivered: boolean): H {
  const h = new H().connect('w1');
  h.at(500).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4408, reason: 'heartbeat timeout' });
  h.at(1000).fault('start', drain);
  h.at(3000).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 3 });
  h.emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: session, resumed, connectionId: 'c2' });
  h.emit('w1', { type: 'connected', workerId: 'w1', sessionId: session, resumed, afterMs: 2500 });
  if (drainDelivered) h.at(3001).emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: session, connectionId: 'c2', dir: 'to_coordinator', seq: 1, msgType: 'drain', key: 'drain' });
  if (!drainDelivered) h.at(4000).claim('ex1', 'w1', 1, 'l1');
  return h.at(9000).phase('end');
}

describe('25 drain: the drain reaches the coordinator in every session the worker registers in', () => {
  it('passes a drain queued while cut off and delivered once the link is back', () => {
    expect(checkHistory(drainedWhileCutOff('s-w1', true, true).history(), ['drain'], baseContext)).toEqual([]);
  });

  it('reports a resumed session that never got the drain (set 19 #28: the queued drain dropped at the reconnect)', () => {
    const v = checkHistory(drainedWhileCutOff('s-w1', true, false).history(), ['drain'], baseContext).map((x) => x.message);
    expect(v).toEqual([expect.stringMatching(/w1 was told to stop at t=1000, registered in session s-w1 at t=3000, .* never got its drain in that session \(1 claim/)]);
  });

  it('reports a new session (a coordinator restart) that never got the drain, though an older one had', () => {
    const h = new H().connect('w1');
    h.at(1000).fault('start', drain);
    h.emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', connectionId: 'c1', dir: 'to_coordinator', seq: 1, msgType: 'drain', key: 'drain' });
    h.at(1500).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: 'connection closed' });
    h.at(1600).emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: 's-new', resumed: false, connectionId: 'c2' });
    h.emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's-new', resumed: false, afterMs: 100 });
    h.at(9000).phase('end');
    const v = checkHistory(h.history(), ['drain'], baseContext).map((x) => x.message);
    expect(v).toEqual([expect.stringMatching(/registered in session s-new at t=1600/)]);
  });

  it('does not judge a connection lost again before the bound, nor one another fault touches', () => {
    const lost = drainedWhileCutOff('s-w1', true, false);
    const h = new H().connect('w1');
    h.at(500).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4408, reason: 'heartbeat timeout' });
    h.at(1000).fault('start', drain);
    h.at(3000).emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's-w1', resumed: true, afterMs: 2500 });
    h.at(3500).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4408, reason: 'heartbeat timeout' });
    h.at(9000).phase('end');
    expect(checkHistory(h.history(), ['drain'], baseContext)).toEqual([]);
    const cut = { id: 'f2', action: 'timeout', target: 'w1', workers: ['w1'], params: {} };
    const faulted = new H().connect('w1');
    faulted.at(1000).fault('start', drain).at(2900).fault('start', cut);
    faulted.at(3000).emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's-w1', resumed: true, afterMs: 10 });
    faulted.at(9000).phase('end');
    expect(checkHistory(faulted.history(), ['drain'], baseContext)).toEqual([]);
    expect(checkHistory(lost.history(), ['drain'], baseContext)).toHaveLength(1);
  });
});

describe('25 drain: GET /api/v1/workers lists a worker draining exactly when its session has its drain', () => {
  /** w1 registered (session s-w1), its drain delivered at 1000 (or not), a workers read at 2000 listing `draining`. */
  function read(delivered: boolean, draining: string[]): H {
    const h = new H().connect('w1');
    if (delivered) h.at(1000).emit('coordinator', { type: 'msg_delivered', workerId: 'w1', sessionId: 's-w1', connectionId: 'c1', dir: 'to_coordinator', seq: 1, msgType: 'drain', key: 'drain' });
    h.at(2000).rec.recordInfo({ gaugeRead: { at: 2000, gauges: {}, workers: { connected: 1 }, byStatus: {}, seen: [['w1', 2000]], draining } });
    return h;
  }

  it('passes a read that agrees with the drains delivered', () => {
    expect(checkHistory(read(true, ['w1']).history(), ['drain'], baseContext)).toEqual([]);
    expect(checkHistory(read(false, []).history(), ['drain'], baseContext)).toEqual([]);
  });

  it('reports a drained worker listed not draining, and one listed draining with no drain', () => {
    expect(checkHistory(read(true, []).history(), ['drain'], baseContext).map((x) => x.message)).toEqual([expect.stringMatching(/lists w1 connected and not draining, though its drain reached the coordinator in its session s-w1 at t=1000/)]);
    expect(checkHistory(read(false, ['w1']).history(), ['drain'], baseContext).map((x) => x.message)).toEqual([expect.stringMatching(/lists w1 draining, though no drain of its session s-w1/)]);
  });
});

describe('25 drain: a worker never drops its link for its own internal error', () => {
  it('reports a 4500 close the worker gave itself (set 19 #17: sync_result while syncing with a drain under way)', () => {
    const h = new H().connect('w1');
    h.at(100).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4500, reason: 'internal error handling "sync_result"' });
    const v = checkHistory(h.history(), ['drain'], baseContext).map((x) => x.message);
    expect(v).toEqual([expect.stringMatching(/w1 dropped its link at t=100 for its own internal error/)]);
  });

  it('passes a 4500 close the coordinator sent (it could not commit)', () => {
    const h = new H().connect('w1');
    h.at(100).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4500, reason: 'store unavailable' });
    expect(checkHistory(h.history(), ['drain'], baseContext)).toEqual([]);
  });
});
