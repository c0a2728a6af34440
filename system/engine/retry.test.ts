import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../core/model.js';
import { fibonacci, maxFailedAttempts, retryDelayMs, shouldRetry } from './retry.js';

const policy = (p: Partial<RetryPolicy>): RetryPolicy => ({ strategy: 'fixed', maxRetries: 3, delayMs: 100, maxDelayMs: 10_000, ...p });

describe('retry policy', () => {
  it('fibonacci starts 1, 1, 2, 3, 5', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => fibonacci(n))).toEqual([1, 1, 2, 3, 5, 8]);
  });

  it('computes delays per strategy for the n-th failure', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy({ strategy: 'exponential' }), n))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy({ strategy: 'fibonacci' }), n))).toEqual([100, 100, 200, 300, 500]);
    expect([1, 2, 3].map((n) => retryDelayMs(policy({ strategy: 'fixed' }), n))).toEqual([100, 100, 100]);
    expect(retryDelayMs(policy({ strategy: 'immediate' }), 3)).toBe(0);
    expect(retryDelayMs(policy({ strategy: 'none' }), 1)).toBe(0);
  });

  it('caps every delay at maxDelayMs and never returns NaN or Infinity', () => {
    expect(retryDelayMs(policy({ strategy: 'exponential', maxDelayMs: 250 }), 3)).toBe(250);
    expect(retryDelayMs(policy({ strategy: 'exponential', maxDelayMs: 250 }), 5000)).toBe(250);
    expect(retryDelayMs(policy({ strategy: 'fibonacci', maxDelayMs: 250 }), 5000)).toBe(250);
    expect(retryDelayMs(policy({ strategy: 'exponential', delayMs: 0 }), 5000)).toBe(0);
    expect(retryDelayMs(policy({ strategy: 'fixed', delayMs: 500, maxDelayMs: 100 }), 1)).toBe(100);
  });

  it('allows 1 + maxRetries failed attempts; none allows one', () => {
    expect(maxFailedAttempts(policy({ maxRetries: 3 }))).toBe(4);
    expect(maxFailedAttempts(policy({ strategy: 'none', maxRetries: 3 }))).toBe(1);
    expect(shouldRetry(policy({ maxRetries: 1 }), 1)).toBe(true);
    expect(shouldRetry(policy({ maxRetries: 1 }), 2)).toBe(false);
  });
});
