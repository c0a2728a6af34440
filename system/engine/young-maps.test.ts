/** withoutKey (young-maps.ts): the same entries as Map.delete, a fresh Map when the last one goes. */
import { describe, expect, it } from 'vitest';
import { withoutKey } from './young-maps.js';

describe('withoutKey', () => {
  it('deletes from a map with other entries and returns that map', () => {
    const m = new Map([['a', 1], ['b', 2]]);
    expect(withoutKey(m, 'a')).toBe(m);
    expect([...m]).toEqual([['b', 2]]);
  });

  it('returns a new empty map for the last entry, leaving a missing key alone', () => {
    const m = new Map([['a', 1]]);
    expect(withoutKey(m, 'x')).toBe(m);
    expect(m.size).toBe(1);
    const next = withoutKey(m, 'a');
    expect(next).not.toBe(m);
    expect(next.size).toBe(0);
  });
});
