/**
 * Rate-limited logging of repeated rejections (refused WebSockets, bad
 * frames): at most `perWindow` lines per key per window; the first line
 * after a quiet spell says how many were suppressed, so a flood of hostile
 * connections costs a few log lines, not ~320 bytes each.
 */
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/** Per-key token window; see the file comment. */
export class LogLimiter {
  /** Created on the first occurrence: every worker has a limiter, most never log through it. */
  private windows: Map<string, { start: number; count: number; suppressed: number }> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly perWindow = 10,
    private readonly windowMs = 10_000,
  ) {}

  /** Whether to log this occurrence of `key`; when yes, how many were suppressed since the last logged one. */
  allow(key: string): { log: boolean; suppressed: number } {
    const now = this.clock.monotonic();
    this.windows ??= new Map();
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= this.windowMs) {
      const suppressed = w?.suppressed ?? 0;
      if (this.windows.size > 1000) this.windows.clear();
      w = { start: now, count: 0, suppressed: 0 };
      this.windows.set(key, w);
      w.count++;
      return { log: true, suppressed };
    }
    if (w.count < this.perWindow) {
      w.count++;
      return { log: true, suppressed: 0 };
    }
    w.suppressed++;
    return { log: false, suppressed: 0 };
  }
}

/**
 * A warning through `limiter` (none: every line): the line carries its key as
 * `rejection` (what to filter on) and how many like it were suppressed.
 */
export function warnLimited(limiter: LogLimiter | undefined, logger: Logger, rejection: string, fields: object, msg: string): void {
  const gate = limiter?.allow(rejection) ?? { log: true, suppressed: 0 };
  if (gate.log) logger.warn({ rejection, ...fields, suppressed: gate.suppressed }, msg);
}
