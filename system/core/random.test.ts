import { describe, expect, it } from 'vitest';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { cryptoRandom, hashString, PooledRandom, type Random, seededRandom } from './random.js';

/** Draws of mixed sizes, as ids (8), nonces (16), tokens (32), floats and ints interleave, over several pool refills. */
function mixedDraws(r: Random, rounds: number): { lengths: number[]; ids: string[] } {
  const lengths: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const n of [8, 16, 32, 3]) {
      const b = r.bytes(n);
      lengths.push(b.length - n);
      ids.push(Buffer.from(b).toString('hex'));
    }
    r.float();
    r.int(0, 9);
  }
  return { lengths, ids };
}

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

  it('seeded: the pool hands out exactly what the generator gives (values as before the pool, so trace hashes hold)', () => {
    const r = seededRandom(99);
    const rng = xoroshiro128plus(99);
    const want: number[] = [];
    const got: number[] = [];
    for (let i = 0; i < 3000; i++) {
      got.push(r.float(), r.int(-5, 1e9), ...r.bytes(i % 17));
      want.push(uniformFloat64(rng), uniformInt(rng, -5, 1e9), ...Array.from({ length: i % 17 }, () => uniformInt(rng, 0, 255)));
    }
    expect(got).toEqual(want);
    const f = seededRandom(99).fork('x');
    const g = xoroshiro128plus(hashString('x', 99));
    expect([f.float(), f.int(0, 7)]).toEqual([uniformFloat64(g), uniformInt(g, 0, 7)]);
  });

  for (const [name, make] of [
    ['cryptoRandom', () => cryptoRandom],
    ['seededRandom', () => seededRandom(5)],
  ] as const) {
    it(`${name}: draws of every size across pool refills are whole and never repeat (one straddles each refill)`, () => {
      const { lengths, ids } = mixedDraws(make(), 400);
      expect(lengths.every((d) => d === 0)).toBe(true);
      const long = ids.filter((id) => id.length >= 16);
      expect(new Set(long).size).toBe(long.length);
      expect(make().bytes(5000)).toHaveLength(5000);
    });
  }

  it('a pool that cuts a draw short at its end is visible in the bytes handed out', () => {
    class ShortAtEnd extends PooledRandom {
      private left = 0;
      protected override take(n: number): Buffer {
        if (this.left <= 0) this.left = 4096;
        const k = Math.min(n, this.left);
        this.left -= k;
        return super.take(n).subarray(0, k);
      }
    }
    const { lengths } = mixedDraws(new ShortAtEnd({ fill: (b) => b.fill(1) }), 400);
    expect(lengths.some((d) => d < 0)).toBe(true);
  });

  it('hashString is stable', () => {
    expect(hashString('abc')).toBe(hashString('abc'));
    expect(hashString('abc')).not.toBe(hashString('abd'));
  });
});
