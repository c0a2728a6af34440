/**
 * Random seam. Ids, nonces, jitter and toxicity rolls come from a Random, never
 * from Math.random or crypto.randomUUID, so a seed replays a run exactly.
 * Production and simulation run the same code (PooledRandom: the pool, and
 * floats, ints and bytes derived from it); only the byte source differs:
 * node:crypto in production, a seeded pure-rand xoroshiro128+ in simulation,
 * with one derived stream per component so adding a component elsewhere does
 * not shift another's draws.
 */
import { randomFillSync } from 'node:crypto';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
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

/** Where a PooledRandom's bytes come from: the only part production and simulation do not share. */
export interface ByteSource {
  /** Fills `buf` (its length a multiple of 4) with random bytes. */
  fill(buf: Buffer): void;
  /** An independent source for a named component; absent: every fork shares this source (and its pool). */
  fork?(name: string): ByteSource;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** A random identifier: optional prefix plus 16 hex characters (64 bits). */
export function randomId(random: Random, prefix = ''): string {
  return prefix + hex(random.bytes(8));
}

/**
 * Pool size: one source call per ~128 ids (the CSPRNG call was ~5% of the
 * coordinator's CPU per task in bench:dispatch). 1023 words, on purpose not a
 * multiple of any draw's size (an id takes 32 bytes, a nonce 64, a float 8):
 * draws straddle the refill all the time, so that path runs in every long
 * stream, simulated ones included (their draws are otherwise aligned: each
 * component's stream draws one size). The size never changes what a stream
 * draws, only when the source is called.
 */
const POOL_BYTES = 4092;

/**
 * The first fill of a pool: 31 words, likewise a multiple of no draw's size.
 * A simulated run forks thousands of streams (one per worker, link and task
 * attempt) and most draw a few words only: filling 1023 words for each was
 * ~3% of a 500-worker herd's CPU. The pool grows to POOL_BYTES at its
 * second refill; the bytes handed out are the same whatever the sizes.
 */
const FIRST_POOL_BYTES = 124;

const EMPTY_POOL = Buffer.alloc(0);

/**
 * Randomness served from a pool refilled POOL_BYTES at a time. Every draw
 * reads 32-bit words from the pool in order: floats (53 bits, two words) and
 * ints (rejection sampling) through pure-rand's distributions, bytes as the
 * low byte of one word each (what pure-rand's uniformInt(0, 255) gives). A
 * seeded source writes its generator's words into the pool, so a seeded
 * stream draws exactly what the generator itself would give: the pool, its
 * refills and the derivations run in every simulated run, and a pool that
 * skips, repeats or cuts short a draw changes what the simulation sees.
 * Every pooled byte is handed out once, in order.
 */
export class PooledRandom implements Random {
  /** Empty until the first draw; FIRST_POOL_BYTES, then POOL_BYTES from the second refill on. */
  protected pool: Buffer = EMPTY_POOL;
  protected offset = 0;
  /** The pool read as a pure-rand generator (one word per next()). */
  private readonly words: RandomGenerator;

  constructor(private readonly source: ByteSource) {
    this.words = { next: () => this.word(), clone: () => this.words, getState: () => [] };
  }

  float(): number {
    return uniformFloat64(this.words);
  }

  int(min: number, max: number): number {
    return uniformInt(this.words, min, max);
  }

  bytes(n: number): Uint8Array {
    const words = this.take(4 * n);
    const out = new Uint8Array(words.length >>> 2);
    for (let i = 0; i < out.length; i++) out[i] = words[4 * i] as number;
    return out;
  }

  fork(name: string): Random {
    const forked = this.source.fork?.(name);
    return forked === undefined ? this : this.withSource(forked);
  }

  /** A PooledRandom of the same class over another source (forks keep a subclass's behaviour). */
  protected withSource(source: ByteSource): PooledRandom {
    return new PooledRandom(source);
  }

  /**
   * The next 32-bit word of the stream, read in place: every draw takes whole
   * words and the pool holds whole words, so a word never straddles a refill
   * (no Buffer per word on the hot path of ids and nonces).
   */
  private word(): number {
    if (this.offset >= this.pool.length) this.refill();
    const w = this.pool.readInt32LE(this.offset);
    this.offset += 4;
    return w;
  }

  /** The next n bytes of the stream: what is left of the pool, then refills. */
  protected take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.offset >= this.pool.length) this.refill();
      const k = Math.min(n - filled, this.pool.length - this.offset);
      this.pool.copy(out, filled, this.offset, this.offset + k);
      this.offset += k;
      filled += k;
    }
    return out;
  }

  /** Fills the pool again from the source and reads it from its start. */
  protected refill(): void {
    if (this.pool.length < POOL_BYTES) this.pool = Buffer.alloc(this.pool.length === 0 ? FIRST_POOL_BYTES : POOL_BYTES);
    this.source.fill(this.pool);
    this.offset = 0;
  }
}

/** Production randomness: the pool filled from node:crypto (one pool for the process; fork returns it). */
export const cryptoRandom: Random = new PooledRandom({ fill: (buf) => randomFillSync(buf) });

/** FNV-1a 32-bit, used to derive stream seeds from names. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A seeded byte source: pure-rand xoroshiro128+ words, little-endian; a fork is seeded from its name. */
export function seededSource(seed: number): ByteSource {
  const rng = xoroshiro128plus(seed | 0);
  return {
    fill(buf) {
      for (let i = 0; i + 4 <= buf.length; i += 4) buf.writeInt32LE(rng.next(), i);
    },
    fork: (name) => seededSource(hashString(name, seed >>> 0)),
  };
}

/** Deterministic randomness from a seed: the production pool over a seeded source. */
export function seededRandom(seed: number): Random {
  return new PooledRandom(seededSource(seed));
}
