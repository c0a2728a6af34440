/**
 * A Clock on @sinonjs/fake-timers (withGlobal → createClock, nothing global is
 * replaced): tests advance virtual time with tick() and never sleep for real.
 */
import { withGlobal } from '@sinonjs/fake-timers';
import type { Clock } from '../../../system/core/clock.js';

export interface FakeClock {
  clock: Clock;
  /** Advances virtual time by ms, running timers and the promise jobs they start. */
  tick(ms: number): Promise<void>;
  /** Lets pending promise jobs run without moving time. */
  flush(): Promise<void>;
}

export function fakeClock(startEpochMs = 1_700_000_000_000): FakeClock {
  const fake = withGlobal(globalThis).createClock(startEpochMs);
  const clock: Clock = {
    now: () => fake.now,
    monotonic: () => fake.now - startEpochMs,
    setTimeout(fn, ms) {
      const id = fake.setTimeout(fn, Math.max(0, ms));
      return { cancel: () => fake.clearTimeout(id) };
    },
    setInterval(fn, ms) {
      const id = fake.setInterval(fn, Math.max(1, ms));
      return { cancel: () => fake.clearInterval(id) };
    },
  };
  return {
    clock,
    tick: async (ms) => {
      await fake.tickAsync(ms);
    },
    flush: async () => {
      await fake.tickAsync(0);
    },
  };
}
