// Edges of the retry arithmetic that mutation testing showed no test pinned
// (docs/MUTATION.md): fibonacci of 0 and its early stop exactly at the cap.
import { describe, expect, it } from 'vitest';
import { fibonacci, retryDelayMs } from './retry.js';

describe('retry edges', () => {
  it('fibonacci(0) and below is 0', () => {
    expect(fibonacci(0)).toBe(0);
    expect(fibonacci(-3)).toBe(0);
  });

  it('stops only once the value passes the cap, not when it reaches it', () => {
    expect(fibonacci(10, 5)).toBe(8); // 1 1 2 3 5 (= cap, keep going) 8 (> cap, stop)
    expect(fibonacci(5, 5)).toBe(5);
  });

  it('fibonacci delays reach maxDelayMs exactly when the sequence passes it', () => {
    const policy = { strategy: 'fibonacci' as const, maxRetries: 100, delayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(policy, n))).toEqual([100, 100, 200, 300, 500, 800, 1000]);
  });
});
