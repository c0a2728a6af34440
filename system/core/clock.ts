/**
 * Clock seam. Every piece of coordinator, worker and engine logic gets time
 * from a Clock, never from Date.now/setTimeout/performance.now directly, so the
 * simulation can bind it to a virtual clock (@sinonjs/fake-timers, withGlobal).
 */
import { chainTimeout, clampInterval, MAX_TIMER_MS } from './long-timer.js';

/** A scheduled callback; cancel() is idempotent. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock time in epoch milliseconds (may be skewed per host in simulation). */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond precision, for durations only. */
  monotonic(): number;
  /** Runs fn once after ms milliseconds (0 or less: as soon as the current turn and its I/O are done, not one timer tick later). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Runs fn every ms milliseconds until cancelled. */
  setInterval(fn: () => void, ms: number): TimerHandle;
}

/**
 * A Node timer as a TimerHandle: one small object and no closure (a worker
 * keeps a ping interval and a watchdog per connection, re-armed all the time).
 * clearTimeout clears intervals too (Node and the HTML timers spec).
 */
class NodeTimer implements TimerHandle {
  constructor(private readonly t: ReturnType<typeof setTimeout>) {}
  cancel(): void {
    clearTimeout(this.t);
  }
}

const nodeTimeout = (fn: () => void, ms: number): TimerHandle => new NodeTimer(setTimeout(fn, ms));

/** A zero-delay wait as a TimerHandle: Node's setTimeout(fn, 0) waits at least 1 ms; setImmediate runs after this turn's I/O. */
class NodeImmediate implements TimerHandle {
  constructor(private readonly t: ReturnType<typeof setImmediate>) {}
  cancel(): void {
    clearImmediate(this.t);
  }
}

/** The production clock: real timers. Timers are unref'd only when asked by the owner. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(fn, ms) {
    if (ms <= 0) return new NodeImmediate(setImmediate(fn));
    // Whole milliseconds, rounded up (Node's timer resolution; never early): a fractional delay would
    // be a timer list of its own in Node and a boxed number in every Timeout for the timer's life.
    if (Number.isFinite(ms) && ms <= MAX_TIMER_MS) return nodeTimeout(fn, Math.ceil(ms));
    // Chained past Node's 2^31-1 ms limit (long-timer.ts): a 30-day wait is 30 days, not 1 ms.
    return chainTimeout(nodeTimeout, fn, ms);
  },
  setInterval(fn, ms) {
    return new NodeTimer(setInterval(fn, clampInterval(ms)));
  },
};

/**
 * Resolves after ms on the given clock; rejects with the signal's reason if
 * aborted first. The timer is cancelled on abort so nothing leaks.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      handle.cancel();
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A Clock whose now() is offset by skewMs (clock skew); timers are unaffected. */
export function skewedClock(base: Clock, skewMs: () => number): Clock {
  return {
    now: () => base.now() + skewMs(),
    monotonic: () => base.monotonic(),
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
    setInterval: (fn, ms) => base.setInterval(fn, ms),
  };
}
