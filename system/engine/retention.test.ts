import { describe, expect, it } from 'vitest';
import { checkRetention, retentionCutoff } from './retention.js';

describe('retentionCutoff', () => {
  it('by count: keeps the newest maxCount', () => {
    expect(retentionCutoff([5, 1, 3, 2, 4], { maxCount: 2 }, 100)).toBe(4);
    expect(retentionCutoff([1, 2], { maxCount: 2 }, 100)).toBeUndefined();
  });
  it('by age, and the stricter of both', () => {
    expect(retentionCutoff([10, 50, 90], { maxAgeMs: 30 }, 100)).toBe(70);
    expect(retentionCutoff([10, 50, 90], { maxAgeMs: 95, maxCount: 1 }, 100)).toBe(51);
    expect(retentionCutoff([80, 90], { maxAgeMs: 30 }, 100)).toBeUndefined();
  });
  it('validates the policy', () => {
    expect(() => checkRetention({ maxCount: 0 })).toThrow(/retention.maxCount must be an integer > 0/);
  });
});
