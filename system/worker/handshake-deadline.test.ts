import { describe, expect, it } from 'vitest';
import { handshakeDeadline } from './backoff.js';
import { workerConfigWithDefaults } from './config.js';

describe('handshake deadline', () => {
  it('doubles per consecutive handshake timeout up to the ceiling, without huge powers', () => {
    expect([0, 1, 2, 3, 4].map((n) => handshakeDeadline(5000, 20_000, n))).toEqual([5000, 10_000, 20_000, 20_000, 20_000]);
    expect(handshakeDeadline(5000, 20_000, 1e9)).toBe(20_000);
    expect(handshakeDeadline(5000, 5000, 3)).toBe(5000);
  });

  it('ceiling defaults to 4x the first deadline; one below it is refused, naming the field', () => {
    const base = { id: 'w', coordinatorUrl: 'ws://127.0.0.1:1' };
    expect(workerConfigWithDefaults(base).handshakeTimeoutMaxMs).toBe(20_000);
    expect(workerConfigWithDefaults({ ...base, handshakeTimeoutMs: 2000 }).handshakeTimeoutMaxMs).toBe(8000);
    expect(() => workerConfigWithDefaults({ ...base, handshakeTimeoutMs: 2000, handshakeTimeoutMaxMs: 1000 })).toThrow(/handshakeTimeoutMaxMs must be >= handshakeTimeoutMs \(2000\); got 1000/);
  });
});
