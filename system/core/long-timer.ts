/**
 * Timers longer than Node allows: setTimeout turns any delay above 2^31-1 ms
 * (~24.8 days) into 1 ms (a 30-day timeoutMs fired at once; a far scheduledAt
 * spun a 1 ms loop). chainTimeout() waits in steps of at most MAX_TIMER_MS
 * until the full delay has passed, on any underlying timer function, so every
 * Clock (real, fake, simulated) gets it by wrapping its setTimeout.
 */
import type { TimerHandle } from './clock.js';

/** The longest delay Node's (and fake-timers') setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs fn after `ms` (any finite length) using `set` for each step of at most MAX_TIMER_MS. */
export function chainTimeout(set: (fn: () => void, ms: number) => TimerHandle, fn: () => void, ms: number): TimerHandle {
  let remaining = Number.isFinite(ms) ? Math.max(0, ms) : MAX_TIMER_MS;
  let current: TimerHandle;
  let cancelled = false;
  const step = (): void => {
    if (cancelled) return;
    if (remaining <= MAX_TIMER_MS) {
      current = set(fn, remaining);
      return;
    }
    remaining -= MAX_TIMER_MS;
    current = set(step, MAX_TIMER_MS);
  };
  step();
  return {
    cancel: () => {
      cancelled = true;
      current.cancel();
    },
  };
}

/** An interval period Node honours: clamped to [1, MAX_TIMER_MS]. */
export function clampInterval(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(1, Number.isFinite(ms) ? ms : MAX_TIMER_MS));
}
