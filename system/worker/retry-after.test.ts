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
    expect(retryAfterBounds(800, 1000)).toEqual({ floorMs: 800, capMs: 1000 });
    expect(retryAfterBounds(5000, 1000)).toEqual({ floorMs: 1000, capMs: 1000 });
  });
});
