import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryAfterBounds } from './worker-types.js';

describe('retry-after hints (close 4503)', () => {
  it('parses retry-after=<ms> from a close reason; anything else is no hint', () => {
    expect(parseRetryAfter('retry-after=250')).toBe(250);
    expect(parseRetryAfter('busy; retry-after=0')).toBe(0);
    expect(parseRetryAfter('retry-after=-5')).toBeUndefined();
    expect(parseRetryAfter('retry-after=abc')).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
  });

  it('honours the hint jittered over [hint, 1.5 hint], never beyond the backoff cap', () => {
    expect(retryAfterBounds(200, 10_000)).toEqual({ floorMs: 200, capMs: 300 });
    expect(retryAfterBounds(600, 1200)).toEqual({ floorMs: 600, capMs: 900 });
    expect(retryAfterBounds(800, 1200)).toEqual({ floorMs: 800, capMs: 1200 });
  });

  it('keeps jitter when the hint is past what the cap allows: [cap / 1.5, cap], never [cap, cap] (lockstep)', () => {
    expect(retryAfterBounds(1000, 1200)).toEqual({ floorMs: 800, capMs: 1200 });
    expect(retryAfterBounds(5000, 1200)).toEqual({ floorMs: 800, capMs: 1200 });
    for (const hint of [1, 50, 999, 1000, 1001, 1e6]) {
      const b = retryAfterBounds(hint, 1000);
      expect(b.capMs).toBeLessThanOrEqual(1000);
      expect(b.capMs / b.floorMs).toBeCloseTo(1.5);
    }
  });
});
