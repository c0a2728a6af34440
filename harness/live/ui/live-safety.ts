/**
 * The live-run page's "violations as they happen": every `everyMs` of wall
 * time, re-checks the history recorded so far with the prefix-safe promises
 * (harness/check/prefix-safe.ts) and hands newly seen violations to the page.
 * Bounded cost: the next check waits at least `lastCheckMs / maxShare`, so
 * checking never takes more than that share of the harness's time however
 * long the history grows. Only entries older than `settleMs` are checked:
 * live sources arrive a little out of order (a tailed events file, several
 * pipes), and a record still on its way must not make a false violation.
 */
import type { HistoryRecord } from '../../check/history.js';
import type { EarlyViolation, ProgressiveChecker } from '../../check/prefix-safe.js';
import { monoNow } from '../../proc/index.js';

export interface SafetyWatchOptions {
  /** Wall time between checks (default 2000 ms). */
  everyMs?: number;
  /** Most of the harness's time checking may take (default 0.05). */
  maxShare?: number;
  /** Age an entry must have to be checked (default 1000 ms). */
  settleMs?: number;
  /** Monotonic clock (default the harness's monoNow); tests drive it. */
  now?: () => number;
}

/** Cost of the mid-run checks, for the page and the run's log. */
export interface SafetyStats {
  checks: number;
  totalMs: number;
  maxMs: number;
  /** History records in the latest check. */
  records: number;
}

/** Periodic prefix re-check of a live run (see the file comment). */
export class LiveSafetyWatch {
  readonly stats: SafetyStats = { checks: 0, totalMs: 0, maxMs: 0, records: 0 };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly prefix: (upToMono: number) => HistoryRecord[],
    private readonly checker: ProgressiveChecker,
    private readonly found: (violations: EarlyViolation[]) => void,
    private readonly opts: SafetyWatchOptions = {},
  ) {
    this.now = opts.now ?? monoNow;
  }

  /** Starts the periodic checks (nothing to do when no selected promise is prefix-safe). */
  start(): void {
    if (this.checker.checking.length > 0) this.schedule(this.opts.everyMs ?? 2000);
  }

  /** One check now; returns how long to wait before the next. */
  tick(): number {
    const started = this.now();
    const records = this.prefix(started - (this.opts.settleMs ?? 1000));
    const fresh = this.checker.check(records);
    const ms = this.now() - started;
    this.stats.checks++;
    this.stats.totalMs += ms;
    this.stats.maxMs = Math.max(this.stats.maxMs, ms);
    this.stats.records = records.length;
    if (fresh.length > 0) this.found(fresh);
    return Math.max(this.opts.everyMs ?? 2000, ms / (this.opts.maxShare ?? 0.05));
  }

  /** Stops checking (the final verdict takes over). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.schedule(this.tick());
    }, ms);
    this.timer.unref();
  }
}
