import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { historyEntry } from '../core/status-history.js';

// V8's own check that two objects share a hidden class (natives syntax, enabled for the functions compiled after it).
setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: unknown, b: unknown) => boolean;

describe('historyEntry', () => {
  it('has a reason key only when there is a reason, in the documented order', () => {
    expect(Object.keys(historyEntry('running', 5, 'preparing', 1, undefined))).toEqual(['status', 'at', 'previous', 'attempt']);
    expect(historyEntry('completed', 7, 'running', 1, 'done')).toStrictEqual({ status: 'completed', at: 7, previous: 'running', attempt: 1, reason: 'done' });
  });

  it('gives every entry with a reason the same hidden class once optimized (a spread plus a property gave each its own)', () => {
    const entries = [];
    for (let i = 0; i < 100_000; i++) entries.push(historyEntry('running', 1.8e12 + i, 'preparing', i, `r${i % 3}`));
    expect(haveSameMap(entries[0], entries[1])).toBe(true);
    expect(haveSameMap(entries[50_000], entries[50_001])).toBe(true);
    expect(haveSameMap(entries[99_998], entries[99_999])).toBe(true);
  });
});
