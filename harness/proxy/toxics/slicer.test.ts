import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../system/core/random.js';
import { sliceOffsets } from './slicer.js';

describe('sliceOffsets', () => {
  it('covers [0, n) with contiguous, non-empty pieces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 100 }), fc.integer(), (n, avg, vari, seed) => {
        const o = sliceOffsets(0, n, avg, vari, seededRandom(seed));
        expect(o[0]).toBe(0);
        expect(o[o.length - 1]).toBe(n);
        for (let i = 0; i < o.length; i += 2) {
          expect((o[i + 1] as number) > (o[i] as number)).toBe(true);
          if (i > 0) expect(o[i]).toBe(o[i - 1]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('makes pieces near the average size', () => {
    const o = sliceOffsets(0, 10_000, 100, 10, seededRandom(1));
    const sizes: number[] = [];
    for (let i = 0; i < o.length; i += 2) sizes.push((o[i + 1] as number) - (o[i] as number));
    expect(sizes.length).toBeGreaterThan(40);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(110);
  });

  it('repeats for a seed', () => {
    expect(sliceOffsets(0, 3000, 50, 20, seededRandom(9))).toEqual(sliceOffsets(0, 3000, 50, 20, seededRandom(9)));
  });
});
