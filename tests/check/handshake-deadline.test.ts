/**
 * Promise 9 and the handshake deadline that doubles with consecutive
 * handshake timeouts (worker/backoff.ts handshakeDeadline): an attempt is
 * judged against the deadline its `connecting` event states, within the
 * ceiling; a retry-after window without jitter is lockstep.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx = { ...baseContext, handshakeTimeoutMs: 5000 };
const check = (h: H): string[] => checkHistory(h.history(), ['backoff'], ctx).map((v) => v.message);

/** w1 drops; its first attempt runs into its 5 s deadline; its second (deadline `deadlineMs`) registers `tookMs` later. */
function slowAttempt(deadlineMs: number | undefined, tookMs: number): H {
  const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4408, reason: 'heartbeat timeout' });
  h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 50, strategy: 'full-jitter', capMs: 100, floorMs: 0 });
  h.at(60).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1, handshakeTimeoutMs: 5000 });
  h.at(5060).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4429, reason: 'handshake timed out' });
  h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 2, delayMs: 50, strategy: 'full-jitter', capMs: 200, floorMs: 0 });
  h.at(5110).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 2, ...(deadlineMs === undefined ? {} : { handshakeTimeoutMs: deadlineMs }) });
  h.at(5110 + tookMs).emit('w1', { type: 'connected', workerId: 'w1', sessionId: 's', resumed: false, afterMs: 1 });
  return h.at(5110 + tookMs + 20_000).phase('end');
}

describe('9 backoff: grown handshake deadlines', () => {
  it('judges an attempt by the deadline it states, and only up to the ceiling', () => {
    expect(check(slowAttempt(10_000, 8000))).toEqual([]);
    expect(check(slowAttempt(undefined, 8000))).toContainEqual(expect.stringMatching(/neither succeeded nor failed within the handshake timeout \(5000 ms\): stuck connecting/));
    const over = check(slowAttempt(40_000, 30_000));
    expect(over).toContainEqual(expect.stringMatching(/handshake deadline of 40000 ms, above the ceiling 20000 ms/));
    expect(over).toContainEqual(expect.stringMatching(/within the handshake timeout \(20000 ms\): stuck connecting/));
  });

  it('reports a retry-after window with no jitter left (every refused worker back at once)', () => {
    const run = (floorMs: number): string[] => {
      const h = new H().connect('w1').at(10).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4503, reason: 'retry-after=5000' });
      h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 2000, strategy: 'full-jitter', capMs: 2000, floorMs, retryAfterMs: 5000 });
      return check(h.at(2010).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 }).connect('w1'));
    };
    expect(run(2000 / 1.5)).toEqual([]);
    expect(run(2000)).toEqual([expect.stringMatching(/retry-after 5000 ms honoured in \[2000, 2000\] .*no jitter left/)]);
  });

  it('honours a retry-after hint only after the refusal that carried it (set 11 #18)', () => {
    // w1 is refused with a hint, registers, then loses its connection to a heartbeat timeout: that backoff owes the hint nothing.
    const run = (later: { retryAfterMs?: number; floorMs: number; capMs: number }): string[] => {
      const h = new H().at(0).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 }).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4503, reason: 'retry-after=300' });
      h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 400, strategy: 'full-jitter', capMs: 450, floorMs: 300, retryAfterMs: 300 });
      h.at(400).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 2 }).connect('w1');
      h.at(3000).emit('w1', { type: 'disconnected', workerId: 'w1', code: 4408, reason: 'heartbeat timeout' });
      h.emit('w1', { type: 'backoff', workerId: 'w1', attempt: 1, delayMs: 320, strategy: 'full-jitter', ...later });
      return check(h.at(3320).emit('w1', { type: 'connecting', workerId: 'w1', attempt: 1 }).connect('w1'));
    };
    expect(run({ floorMs: 0, capMs: 1000 })).toEqual([]);
    expect(run({ retryAfterMs: 300, floorMs: 300, capMs: 450 })).toEqual([
      expect.stringMatching(/backoff attempt 1 follows a close 4408 without a retry-after hint but honours a retry-after hint of 300 ms: a hint governs only the reconnect after the refusal that carried it/),
    ]);
  });
});
