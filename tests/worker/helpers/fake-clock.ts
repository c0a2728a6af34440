/**
 * The worker tests' view of the shared fake Clock (system/engine/testing.ts:
 * @sinonjs/fake-timers withGlobal → createClock, nothing global replaced):
 * tick() advances virtual time, flush() lets promise jobs run.
 */
import type { Clock } from '../../../system/core/clock.js';
import { fakeClock as sharedFakeClock } from '../../../system/engine/testing.js';

export interface FakeClock {
  clock: Clock;
  /** Advances virtual time by ms, running timers and the promise jobs they start. */
  tick(ms: number): Promise<void>;
  /** Lets pending promise jobs run without moving time. */
  flush(): Promise<void>;
}

export function fakeClock(startEpochMs = 1_700_000_000_000): FakeClock {
  const f = sharedFakeClock(startEpochMs);
  return { clock: f.clock, tick: (ms) => f.tickAsync(ms), flush: () => f.settle() };
}
