/**
 * Blind set 14's randomness pool and deep-backlog misses as broken variants
 * (tests/sim/broken-rand14.test.ts).
 */
import { PooledRandom, type ByteSource, seededSource } from '../../../system/core/random.js';
import type { SimWiring } from '../../../harness/sim/index.js';
import { AssignmentLoop } from '../../../system/coordinator/assignment.js';

/** #02: the pool refills only once its offset reached the end, so a draw straddling the end comes back short. */
class ShortAtPoolEnd extends PooledRandom {
  protected override take(n: number): Buffer {
    if (this.offset >= this.pool.length) this.refill();
    const out = Buffer.from(this.pool.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }

  protected override withSource(source: ByteSource): PooledRandom {
    return new ShortAtPoolEnd(source);
  }
}

/** The run's seeded streams, each over the pool that cuts a straddling draw short. */
export const shortDrawsAtPoolEnd: SimWiring = { random: (seed) => new ShortAtPoolEnd(seededSource(seed)) };

/**
 * #24: an assignment pass that stops at MAX_CLAIMS_PER_PASS does not wake
 * itself again: every wake asked for while a pass runs is dropped (the pass's
 * own re-wake is the only one a synchronous pass asks for). Runs `fn` with
 * the loop so patched, then restores it.
 */
export async function withPassesNotRewaking<T>(fn: () => Promise<T>): Promise<T> {
  const proto = AssignmentLoop.prototype;
  const { runPass, wake } = proto;
  const inPass = new WeakSet<AssignmentLoop>();
  proto.runPass = function (this: AssignmentLoop): number {
    inPass.add(this);
    try {
      return runPass.call(this);
    } finally {
      inPass.delete(this);
    }
  };
  proto.wake = function (this: AssignmentLoop): void {
    if (!inPass.has(this)) wake.call(this);
  };
  try {
    return await fn();
  } finally {
    proto.runPass = runPass;
    proto.wake = wake;
  }
}
