/**
 * Promise 10 over the RTT trace (harness/check/promises-rtt.ts) and promise
 * 9's handshake deadline (promises-handshake.ts) on hand-built histories.
 * baseContext: heartbeat 500 ms, floor 2000 ms, ceiling min(60000, lease 3000
 * - 500) = 2500 ms on both sides, k = 2.
 */
import { describe, expect, it } from 'vitest';
import { H, baseContext } from './builder.js';
import { check } from './clean-run.js';

type Sample = { sampleMs: number; srttMs: number; rttvarMs: number; timeoutMs: number; pingT?: number };

/** w1's coordinator-side connection c: a handshake sample of 300 ms at t=100, then one pong sample at t=1400. */
function run(pong: Sample): string[] {
  const h = new H().connect('w1');
  const base = { type: 'rtt_sampled', side: 'coordinator', workerId: 'w1', connectionId: 'c' } as const;
  // 300 ms: srtt 300, rttvar 150, timeout ceil(500 + 2 × (300 + 600)) = 2300.
  h.at(100).emit('coordinator', { ...base, sampleMs: 300, srttMs: 300, rttvarMs: 150, timeoutMs: 2300 });
  h.at(1400).emit('coordinator', { ...base, pingId: 1, pingT: pong.pingT ?? 1000, sampleMs: pong.sampleMs, srttMs: pong.srttMs, rttvarMs: pong.rttvarMs, timeoutMs: pong.timeoutMs });
  return check(h, 'liveness').map((v) => v.message);
}

// The pong at t=1400 answers the ping of t=1000: R = 400; rttvar 0.75 × 150 + 0.25 × |300 - 400| = 137.5, srtt 312.5,
// timeout ceil(500 + 2 × (312.5 + 550)) = 2225.
const RIGHT: Sample = { sampleMs: 400, srttMs: 312.5, rttvarMs: 137.5, timeoutMs: 2225 };

describe('10: RTT samples, estimate and timeout in force recomputed from the trace', () => {
  it('accepts the RFC 6298 estimate and the timeout it implies', () => {
    expect(run(RIGHT)).toEqual([]);
  });

  it('reports a round trip read off another clock than the ping stamp', () => {
    expect(run({ ...RIGHT, sampleMs: 1_893_456_000_400, srttMs: 300, rttvarMs: 150, timeoutMs: 2300 })).toEqual([
      "the coordinator's sample of pong 1 on w1's connection c at t=1400 is 1893456000400 ms, but the ping it answers left at t=1000: its true round trip is 400 ms (a round trip must be read off the clock that stamped the ping, the monotonic one)",
      expect.stringMatching(/left its estimate at srtt 300 ms, rttvar 150 ms; RFC 6298 over this connection's 2 sample\(s\) .* gives srtt 312.5 ms, rttvar 137.5 ms$/),
    ]);
  });

  it('reports the variance updated against the new mean', () => {
    // 0.75 × 150 + 0.25 × |312.5 - 400| = 134.375; the timeout it implies, ceil(500 + 2 × (312.5 + 537.5)) = 2200, is consistent.
    expect(run({ ...RIGHT, rttvarMs: 134.375, timeoutMs: 2200 })).toEqual([expect.stringMatching(/left its estimate at srtt 312.5 ms, rttvar 134.375 ms; .* gives srtt 312.5 ms, rttvar 137.5 ms$/)]);
  });

  it('reports a timeout in force left behind a change under 10%', () => {
    expect(run({ ...RIGHT, timeoutMs: 2300 })).toEqual([
      "the coordinator's sample of pong 1 on w1's connection c at t=1400 left the heartbeat timeout in force at 2300 ms; its own estimate gives clamp(500 + 2 × (312.5 + 4 × 137.5), floor 2000, ceiling 2500) = 2225 ms: the timeout in force follows every sample, not only the changes it reports",
    ]);
  });

  it('is not judged where record times are receive times (live)', () => {
    const h = new H().connect('w1').at(1400);
    h.emit('w1', { type: 'rtt_sampled', side: 'worker', workerId: 'w1', connectionId: 'c', pingId: 0, pingT: 1000, sampleMs: 9, srttMs: 9, rttvarMs: 4.5, timeoutMs: 2000 });
    expect(check(h, 'liveness')).toHaveLength(2); // a 9 ms sample of a 400 ms round trip, and the estimate built on it
    expect(check(h, 'liveness', { ...baseContext, receivedTimes: true })).toEqual([]);
  });
});

describe('9: the handshake deadline doubles per consecutive handshake timeout', () => {
  const ctx = { ...baseContext, handshakeTimeoutMs: 250, handshakeTimeoutMaxMs: 4000 };
  /** w1 registers, loses the link, runs into each deadline but the last in turn (a blackhole), registers on the last, then tries again. */
  const run = (deadlines: number[], again = 250): string[] => {
    const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    const attempt = (n: number, d: number): H =>
      h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: n, delayMs: 0, strategy: 'full-jitter', capMs: 2000, floorMs: 0 }).emit('w1', { type: 'connecting', workerId: 'w1', attempt: n, handshakeTimeoutMs: d });
    let t = 10;
    deadlines.forEach((d, i) => {
      attempt(i + 1, d).at((t += i === deadlines.length - 1 ? 5 : d));
    });
    h.emit('coordinator', { type: 'worker_registered', workerId: 'w1', sessionId: 's', resumed: false, connectionId: 'c2' }).emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's', resumed: false, afterMs: 1 });
    h.at(t + 100).emit('w1', { type: 'disconnected', workerId: 'w1', code: 1006, reason: '' });
    attempt(1, again).at(t + 110).connect('w1');
    return check(h, 'backoff', ctx).map((v) => v.message).filter((m) => /handshake deadline/.test(m));
  };

  it('accepts 250, 500, 1000, 2000, 4000, 4000 ms, and the first deadline again after the registration', () => {
    expect(run([250, 500, 1000, 2000, 4000, 4000])).toEqual([]);
    expect(run([250, 500], 1000)).toEqual([expect.stringMatching(/attempt 1 at t=\d+ has a handshake deadline of 1000 ms after 0 consecutive .* gives 250 ms/)]);
  });

  it('reports a deadline grown linearly from the third timeout on', () => {
    expect(run([250, 500, 1000, 1500, 2000])).toEqual([
      "w1's connection attempt 4 at t=1760 has a handshake deadline of 1500 ms after 3 consecutive handshake timeout(s); handshakeTimeoutMs 250 doubled per timeout, at most handshakeTimeoutMaxMs 4000, gives 2000 ms",
      expect.stringMatching(/attempt 5 at t=3260 has a handshake deadline of 2000 ms after 4 consecutive .* gives 4000 ms/),
    ]);
  });
});
