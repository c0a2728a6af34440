import { describe, expect, it } from 'vitest';
import { cryptoRandom, hashString, seededRandom } from './random.js';

describe('Random', () => {
  for (const [name, make] of [
    ['cryptoRandom', () => cryptoRandom],
    ['seededRandom', () => seededRandom(42)],
  ] as const) {
    it(`${name}: floats in [0,1), ints within inclusive bounds, bytes of the asked length`, () => {
      const r = make();
      const floats = Array.from({ length: 5000 }, () => r.float());
      expect(floats.every((f) => f >= 0 && f < 1)).toBe(true);
      expect(new Set(floats).size).toBeGreaterThan(4900);
      const ints = Array.from({ length: 2000 }, () => r.int(-3, 3));
      expect(Math.min(...ints)).toBe(-3);
      expect(Math.max(...ints)).toBe(3);
      expect(r.bytes(17)).toHaveLength(17);
    });
  }

  it('seeded streams replay exactly, and forks are independent of each other', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect(Array.from({ length: 20 }, () => a.float())).toEqual(Array.from({ length: 20 }, () => b.float()));
    const f1 = seededRandom(7).fork('net');
    const f2 = seededRandom(7).fork('net');
    const g = seededRandom(7).fork('worker-1');
    const s1 = Array.from({ length: 10 }, () => f1.int(0, 1e9));
    expect(Array.from({ length: 10 }, () => f2.int(0, 1e9))).toEqual(s1);
    expect(Array.from({ length: 10 }, () => g.int(0, 1e9))).not.toEqual(s1);
    expect(seededRandom(8).float()).not.toBe(seededRandom(7).float());
  });

  it('cryptoRandom: pooled draws never repeat across pool refills; large draws bypass the pool; results are independent copies', () => {
    const ids = Array.from({ length: 5000 }, () => Buffer.from(cryptoRandom.bytes(8)).toString('hex'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length === 16)).toBe(true);
    const big = cryptoRandom.bytes(10_000);
    expect(big).toHaveLength(10_000);
    expect(new Set(big).size).toBeGreaterThan(200);
    const a = cryptoRandom.bytes(16);
    const copy = Uint8Array.from(a);
    cryptoRandom.bytes(16);
    expect(a).toEqual(copy);
  });

  it('hashString is stable', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
  });
});
