import { describe, expect, it } from 'vitest';
import { checkJsonLimits } from './json-limits.js';

function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('checkJsonLimits', () => {
  it('accepts values up to the depth limit and refuses one level more, naming the path', () => {
    expect(() => checkJsonLimits(nested(4), 'params', 4)).not.toThrow();
    expect(() => checkJsonLimits(nested(5), 'params', 4)).toThrow(/params\.a\.a\.a\.a nests deeper than 4 levels/);
  });

  it('names the path through arrays and objects, built only for the message', () => {
    const value = { list: [1, { x: [nested(3)] }] };
    expect(() => checkJsonLimits(value, 'params', 5)).toThrow(/^params\.list\[1\]\.x\[0\]\.a nests deeper than 5 levels/);
    expect(() => checkJsonLimits([[nested(2)]], '', 3)).toThrow(/^\[0\]\[0\]\.a nests deeper than 3 levels/);
  });

  it('handles 100,000 levels without a stack overflow', () => {
    expect(() => checkJsonLimits(nested(100_000), 'metadata')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('counts values and refuses too many', () => {
    expect(() => checkJsonLimits(Array.from({ length: 9 }, () => [1, 2]), 'x', 64, 30)).not.toThrow();
    expect(() => checkJsonLimits(Array.from({ length: 20 }, () => [1, 2]), 'x', 64, 30)).toThrow(/more than 30 JSON values/);
  });
});
