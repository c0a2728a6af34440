/**
 * Broken variants for blind set 16's recovery, connection and log-limit
 * misses (#25, #27, #28), injected through seams for one run each
 * (tests/sim/broken-edges16.test.ts).
 */
import { LogLimiter } from '../../../system/core/log-limiter.js';

interface LimiterInternals {
  windows: Map<string, { start: number; count: number; suppressed: number }> | undefined;
  clock: { monotonic(): number };
  perWindow: number;
  windowMs: number;
}

/**
 * Set 16 #25: the limiter lets perWindow + 1 lines per key per window through (`<=`), for one run; with
 * `onlyPerWindow`, only the limiters of that size (5: a worker's connect-failure log).
 */
export async function withLimiterOneOver<T>(body: () => Promise<T>, onlyPerWindow?: number): Promise<T> {
  const original = LogLimiter.prototype.allow;
  LogLimiter.prototype.allow = function (this: LogLimiter, key: string) {
    const self = this as unknown as LimiterInternals;
    const w = self.windows?.get(key);
    const mine = onlyPerWindow === undefined || self.perWindow === onlyPerWindow;
    if (!mine || w === undefined || self.clock.monotonic() - w.start >= self.windowMs || w.count !== self.perWindow) return original.call(this, key);
    w.count++;
    return { log: true, suppressed: 0 };
  };
  try {
    return await body();
  } finally {
    LogLimiter.prototype.allow = original;
  }
}
