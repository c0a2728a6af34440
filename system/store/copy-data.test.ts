import { describe, expect, it } from 'vitest';
import { copyData } from './copy-data.js';

describe('copyData', () => {
  it('deep-copies plain data: equal, and nothing shared at any depth', () => {
    const v = { a: 1, b: 'x', c: undefined, d: null, e: [1, { f: [true, -0, NaN] }], g: { h: { i: 'deep' } } };
    const c = copyData(v);
    expect(c).toStrictEqual(v);
    expect(Object.is(c.e[1], v.e[1])).toBe(false);
    (v.g.h as { i: string }).i = 'changed';
    (v.e as unknown[]).push('more');
    expect(c.g.h.i).toBe('deep');
    expect(c.e).toHaveLength(2);
    expect('c' in c).toBe(true);
  });

  it('keeps an own __proto__ key as data (JSON.parse makes those) instead of setting the prototype', () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const c = copyData(v);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(Object.keys(c)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(c).toStrictEqual(structuredClone(v));
  });

  it('falls back to structuredClone for what is not plain data: Date, Map, cycles, holes', () => {
    const when = new Date(5);
    const m = new Map([[1, { x: 1 }]]);
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const holes = [1, 2, 3];
    delete holes[1];
    const c = copyData({ when, m, cyclic, holes });
    expect(c.when).toBeInstanceOf(Date);
    expect(c.when).not.toBe(when);
    expect(c.m.get(1)).toEqual({ x: 1 });
    expect(c.m).not.toBe(m);
    expect((c.cyclic as { self: unknown }).self).toBe(c.cyclic);
    expect(1 in c.holes).toBe(false);
  });

  it('throws what structuredClone throws for functions and symbols', () => {
    expect(() => copyData({ f: () => 1 })).toThrow(/could not be cloned/);
    expect(() => copyData(Symbol('s'))).toThrow(/could not be cloned/);
  });
});
