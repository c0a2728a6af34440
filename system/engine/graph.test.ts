import { describe, expect, it } from 'vitest';
import { findCycle, topologicalOrder } from './graph.js';

const g = (o: Record<string, string[]>) => new Map(Object.entries(o));

describe('graph helpers', () => {
  it('orders dependencies first and leaves the input untouched', () => {
    const input = g({ c: ['a', 'b'], b: ['a'], a: [] });
    const before = JSON.stringify([...input]);
    expect(topologicalOrder(input)).toEqual(['a', 'b', 'c']);
    expect(findCycle(input)).toBeUndefined();
    expect(JSON.stringify([...input])).toBe(before);
  });

  it('names the cycle', () => {
    expect(findCycle(g({ a: ['b'], b: ['a'] }))).toEqual(['a', 'b', 'a']);
    expect(findCycle(g({ x: [], a: ['b'], b: ['c'], c: ['b'] }))).toEqual(['b', 'c', 'b']);
    expect(findCycle(g({ a: ['a'] }))).toEqual(['a', 'a']);
    expect(() => topologicalOrder(g({ a: ['b'], b: ['a'] }))).toThrow(/cycle/);
  });

  it('handles long chains without recursion limits', () => {
    const chain: Record<string, string[]> = { n0: [] };
    for (let i = 1; i < 20_000; i++) chain[`n${i}`] = [`n${i - 1}`];
    expect(findCycle(g(chain))).toBeUndefined();
    expect(topologicalOrder(g(chain))).toHaveLength(20_000);
  });
});
