import { describe, expect, it } from 'vitest';
import { parseShard, shardSlice } from './shard.js';

describe('shards', () => {
  it('parses I/K and rejects what is not a slice, naming the flag', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/4/2', '-1/4']) {
      expect(() => parseShard(bad)).toThrow(/--shard/);
    }
  });

  it('K slices are disjoint, cover the plan exactly and keep its order', () => {
    const plan = Array.from({ length: 23 }, (_v, i) => i + 100);
    for (const k of [1, 2, 4, 7, 23, 30]) {
      const slices = Array.from({ length: k }, (_v, i) => shardSlice(plan, { index: i + 1, count: k }));
      const all = slices.flat();
      expect(new Set(all).size).toBe(all.length);
      expect([...all].sort((a, b) => a - b)).toEqual(plan);
      for (const s of slices) expect(s).toEqual([...s].sort((a, b) => a - b));
      // Balanced: sizes differ by at most one.
      const sizes = slices.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('no shard means the whole plan', () => {
    expect(shardSlice([1, 2, 3], undefined)).toEqual([1, 2, 3]);
  });
});
