/**
 * Blind set 20's task-kind environment, secrets and randomness misses as
 * broken variants (tests/sim/broken-tasks20.test.ts).
 */
import { PooledRandom, type ByteSource, seededSource } from '../../../system/core/random.js';
import type { SimWiring } from '../../../harness/sim/index.js';

/** #12: the pool is filled only when it is allocated (its first two refills); after that the same 1023 words come back. */
class StalePool extends PooledRandom {
  private filled = 0;

  protected override refill(): void {
    if (this.filled < 2) {
      super.refill();
      this.filled++;
    } else this.offset = 0;
  }

  protected override withSource(source: ByteSource): PooledRandom {
    return new StalePool(source);
  }
}

/** The run's seeded streams, each over a pool that stops refilling after its second fill. */
export const stalePool: SimWiring = { random: (seed) => new StalePool(seededSource(seed)) };

/** #23: the command kind's base environment loses HOME (every child started without it). */
export const childWithoutHome: SimWiring = {
  resources: {
    spawn: (_worker, spawn) => (program, args, options) => {
      const { HOME: _home, ...env } = options.env;
      return spawn(program, args, { ...options, env });
    },
  },
};

/**
 * #30: the kind no longer tells an image inspect's 404 from an unreachable engine: planted at the Docker client seam,
 * an inspect error reaches the kind without its statusCode, so it reports "Docker engine not reachable" (unavailable).
 */
export const missingImageAsOutage: SimWiring = inspectErrorsMapped(() => (err) => new Error(err instanceof Error ? err.message : String(err)));

/** A wiring whose Docker client passes every image inspect's error through `map` (made per image name) before the kind sees it. */
export function inspectErrorsMapped(mapFor: (name: string) => (err: unknown) => unknown): SimWiring {
  return {
    resources: {
      docker: (_worker, client) => ({
        ...client,
        getImage: (name) => ({
          inspect: () =>
            client
              .getImage(name)
              .inspect()
              .catch((err: unknown) => {
                throw mapFor(name)(err);
              }),
        }),
      }),
    },
  };
}
