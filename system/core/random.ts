/**
 * Random seam. Ids, nonces, jitter and toxicity rolls come from a Random, never
 * from Math.random or crypto.randomUUID, so a seed replays a run exactly.
 * Production binds cryptoRandom; simulation binds seededRandom (pure-rand),
 * with one derived stream per component so adding a component elsewhere does
 * not shift another's draws.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Random {
  /** Uniform float in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** n random bytes. */
  bytes(n: number): Uint8Array;
  /** A derived, independent stream named for a component (seeded: deterministic). */
  fork(name: string): Random;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** A random identifier: optional prefix plus 16 hex characters (64 bits). */
export function randomId(random: Random, prefix = ''): string {
  return prefix + hex(random.bytes(8));
}

/**
 * Small draws (ids, nonces, jitter) are served from a pool refilled 4 KiB at a
 * time: one CSPRNG call per ~500 ids instead of one each (it was ~5% of the
 * coordinator's CPU per task in bench:dispatch). Every pooled byte is handed
 * out once; large draws bypass the pool.
 */
const POOL_BYTES = 4096;
let pool: Buffer = Buffer.alloc(0);
let poolOffset = 0;
function cryptoBytes(n: number): Buffer {
  if (n > 256) return randomBytes(n);
  if (poolOffset + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + n));
  poolOffset += n;
  return out;
}

/** Production randomness from node:crypto. */
export const cryptoRandom: Random = {
  float: () => cryptoBytes(6).readUIntBE(0, 6) / 2 ** 48,
  int: (min, max) => randomInt(min, max + 1),
  bytes: (n) => new Uint8Array(cryptoBytes(n)),
  fork: () => cryptoRandom,
};

/** FNV-1a 32-bit, used to derive stream seeds from names. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Deterministic randomness from a seed (pure-rand xoroshiro128+). */
export function seededRandom(seed: number): Random {
  const rng = xoroshiro128plus(seed | 0);
  const int = (min: number, max: number): number => uniformInt(rng, min, max);
  const self: Random = {
    float: () => uniformFloat64(rng),
    int,
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = int(0, 255);
      return out;
    },
    fork: (name) => seededRandom(hashString(name, seed >>> 0)),
  };
  return self;
}
