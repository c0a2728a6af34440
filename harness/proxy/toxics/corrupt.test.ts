import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../system/core/random.js';
import { flipBits } from './corrupt.js';

const zeros = (n: number): Buffer => Buffer.alloc(n);
const popcount = (b: Buffer): number => [...b].reduce((s, x) => s + x.toString(2).replaceAll('0', '').length, 0);

describe('flipBits', () => {
  it('flips nothing at probability 0 and everything at 1', () => {
    const a = zeros(100);
    expect(flipBits(a, 0, seededRandom(1))).toBe(0);
    expect(a.equals(zeros(100))).toBe(true);
    const b = zeros(10);
    expect(flipBits(b, 1, seededRandom(1))).toBe(80);
    expect(b.equals(Buffer.alloc(10, 0xff))).toBe(true);
  });

  it('flips about probability × bits, and reports the count', () => {
    const buf = zeros(10_000);
    const n = flipBits(buf, 0.01, seededRandom(5));
    expect(popcount(buf)).toBe(n);
    expect(n).toBeGreaterThan(600); // expected 800
    expect(n).toBeLessThan(1000);
  });

  it('repeats the same flips for a seed', () => {
    const a = zeros(4096);
    const b = zeros(4096);
    flipBits(a, 0.001, seededRandom(77));
    flipBits(b, 0.001, seededRandom(77));
    expect(a.equals(b)).toBe(true);
    const c = zeros(4096);
    flipBits(c, 0.001, seededRandom(78));
    expect(a.equals(c)).toBe(false);
  });
});
