/**
 * Blind set 14's randomness pool and deep-backlog misses as broken variants
 * (tests/sim/broken-rand14.test.ts).
 */
import { PooledRandom, type ByteSource, seededSource } from '../../../system/core/random.js';
import type { SimWiring } from '../../../harness/sim/index.js';

/** #02: the pool refills only once its offset reached the end, so a draw straddling the end comes back short. */
class ShortAtPoolEnd extends PooledRandom {
  private readonly buf = Buffer.alloc(4096);
  private at = 4096;

  protected override take(n: number): Buffer {
    if (this.at >= this.buf.length) {
      // The refill as the pool does it: the next pool-full of the stream.
      const fresh = super.take(this.buf.length);
      fresh.copy(this.buf);
      this.at = 0;
    }
    const out = Buffer.from(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return out;
  }

  protected override withSource(source: ByteSource): PooledRandom {
    return new ShortAtPoolEnd(source);
  }
}

/** The run's seeded streams, each over the pool that cuts a straddling draw short. */
export const shortDrawsAtPoolEnd: SimWiring = { random: (seed) => new ShortAtPoolEnd(seededSource(seed)) };
