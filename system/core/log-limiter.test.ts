import { describe, expect, it } from 'vitest';
import { fakeClock } from '../engine/testing.js';
import { LogLimiter } from './log-limiter.js';

describe('LogLimiter', () => {
  it('logs perWindow lines per key per window, then reports how many it suppressed', async () => {
    const time = fakeClock();
    const lim = new LogLimiter(time.clock, 3, 1000);
    const logged = Array.from({ length: 100 }, () => lim.allow('auth').log).filter(Boolean).length;
    expect(logged).toBe(3);
    expect(lim.allow('other').log).toBe(true);
    await time.tickAsync(1000);
    expect(lim.allow('auth')).toEqual({ log: true, suppressed: 97 });
  });
});
