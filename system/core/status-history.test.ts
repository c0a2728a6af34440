import { describe, expect, it } from 'vitest';
import type { StatusEntry } from './model.js';
import { CompactHistory, compactHistory } from './status-history.js';

const T0 = 1_764_000_000_000; // an epoch ms past the small-integer range, like Date.now()

const entries: StatusEntry[] = [
  { status: 'scheduled', at: T0, previous: null, attempt: 0, reason: 'submitted' },
  { status: 'preparing', at: T0 + 3, previous: 'scheduled', attempt: 1, reason: 'claimed by w1' },
  { status: 'running', at: T0 + 5, previous: 'preparing', attempt: 1 },
  { status: 'failed', at: T0 + 9, previous: 'running', attempt: 1, reason: 'attempt failed: task_failed' },
  { status: 'retrying', at: T0 + 9, previous: 'failed', attempt: 1, reason: 'retry 1 of 2 in 0ms' },
  { status: 'completed', at: T0 + 40, previous: 'running', attempt: 3_000_000 },
];

describe('CompactHistory', () => {
  it('reads back the entries it was given, and writes the same JSON as the array', () => {
    const h = CompactHistory.from(entries);
    expect(h.length).toBe(entries.length);
    expect(h.slice()).toStrictEqual(entries);
    expect([...h]).toStrictEqual(entries);
    expect(JSON.stringify({ statusHistory: h })).toBe(JSON.stringify({ statusHistory: entries }));
    expect(h.at(-1)).toStrictEqual(entries.at(-1));
    expect(h.at(6)).toBeUndefined();
    expect(h.slice(2, -1)).toStrictEqual(entries.slice(2, -1));
    expect(h.filter((e) => e.status === 'failed')).toStrictEqual([entries[3]]);
    expect(h.findLast((e) => e.attempt === 1)?.status).toBe('retrying');
    expect(h.some((e) => e.status === 'timeout')).toBe(false);
    expect(h.map((e, i) => `${i}:${e.status}`)).toStrictEqual(entries.map((e, i) => `${i}:${e.status}`));
  });

  it('appends by push and by add alike; settles to an exact-size copy', () => {
    const a = CompactHistory.from(entries.slice(0, 2));
    const b = CompactHistory.from(entries.slice(0, 2));
    expect(a.push(...entries.slice(2))).toBe(entries.length);
    for (const e of entries.slice(2)) b.add(e.status, e.at, e.previous, e.attempt, e.reason);
    expect(a.slice()).toStrictEqual(entries);
    expect(b.slice()).toStrictEqual(entries);
    expect(compactHistory(a)).toBe(a);
    expect(a.slice()).toStrictEqual(entries);
    const fromArray = compactHistory(entries);
    expect(fromArray).toBeInstanceOf(CompactHistory);
    expect(fromArray.slice()).toStrictEqual(entries);
  });

  it('keeps times exact that an offset from the first would not give back', () => {
    const odd: StatusEntry[] = [
      { status: 'scheduled', at: 2 ** 52, previous: null, attempt: 0 },
      { status: 'preparing', at: 2 ** 52 + 2, previous: 'scheduled', attempt: 1 },
      { status: 'running', at: 666343174750216.9, previous: 'preparing', attempt: 1 }, // 2^52 + (at - 2^52) !== at
      { status: 'completed', at: 7, previous: 'running', attempt: 1 },
      { status: 'scheduled', at: 10000000000000002, previous: 'completed', attempt: 1 }, // not a safe integer
    ];
    expect(CompactHistory.from(odd).slice()).toStrictEqual(odd);
    expect(CompactHistory.from(odd.slice(4)).slice()).toStrictEqual(odd.slice(4));
    expect(CompactHistory.from([{ status: 'scheduled', at: -5.5, previous: null, attempt: 0 }]).at(0)?.at).toBe(-5.5);
  });

  it('refuses an entry that is not a status', () => {
    const h = CompactHistory.from([]);
    expect(() => h.push({ status: 'bogus', at: 1, previous: null, attempt: 0 } as unknown as StatusEntry)).toThrow(/not a status history entry/);
  });
});
