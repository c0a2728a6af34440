import { describe, expect, it, vi } from 'vitest';
import { watchConnect, type AttemptCarrier } from './connect-attempt.js';

/** A carrier whose deadline fires on demand. */
function carrier(): AttemptCarrier & { fire: () => void; cancelled: number; ended: number; detached: number } {
  let onTimeout = (): void => {};
  const c = {
    cancelled: 0,
    ended: 0,
    detached: 0,
    fire: () => onTimeout(),
    arm: (_ms: number, fire: () => void) => {
      onTimeout = fire;
      return () => void (c.cancelled += 1);
    },
    detach: () => void (c.detached += 1),
    end: () => void (c.ended += 1),
  };
  return c;
}

const errors = { timeout: () => new Error('timed out'), aborted: () => new Error('aborted') };

describe('watchConnect', () => {
  it('settles once on open: deadline cancelled, listeners removed, the socket kept', () => {
    const c = carrier();
    const done = vi.fn();
    const attempt = watchConnect({ handshakeTimeoutMs: 1000 }, c, errors, done);
    attempt.opened();
    attempt.failed(new Error('late'));
    c.fire();
    expect(done.mock.calls).toEqual([[undefined]]);
    expect([c.cancelled, c.detached, c.ended, attempt.settled]).toEqual([1, 1, 0, true]);
  });

  it('ends the socket of an attempt that timed out, failed or was aborted', () => {
    const timedOut = carrier();
    const done = vi.fn();
    watchConnect({ handshakeTimeoutMs: 1000 }, timedOut, errors, done);
    timedOut.fire();
    expect(done.mock.calls).toEqual([[{ err: new Error('timed out') }]]);
    expect(timedOut.ended).toBe(1);
    const refused = carrier();
    watchConnect({ handshakeTimeoutMs: 1000 }, refused, errors, () => {}).failed(new Error('ECONNREFUSED'));
    expect([refused.ended, refused.cancelled]).toEqual([1, 1]);
    const ac = new AbortController();
    const aborted = carrier();
    const onAborted = vi.fn();
    watchConnect({ handshakeTimeoutMs: 1000, signal: ac.signal }, aborted, errors, onAborted);
    ac.abort();
    expect(onAborted.mock.calls).toEqual([[{ err: new Error('aborted') }]]);
    expect(aborted.ended).toBe(1);
  });
});
