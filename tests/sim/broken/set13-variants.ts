/**
 * Deliberately broken variants for blind set 13's worker/engine/timer edges
 * (tests/sim/broken-set13.test.ts). Test doubles only: wired in through
 * SimWiring, or planted for one run and taken out again.
 */
import type { Clock, TimerHandle } from '../../../system/core/clock.js';
import { LogLimiter } from '../../../system/core/log-limiter.js';
import { MAX_TIMER_MS } from '../../../system/core/long-timer.js';
import type { WorkerDeps } from '../../../system/worker/index.js';
import { Endpoint } from '../../../harness/sim/connection.js';
import type { TaskRunner } from '../../../system/worker/task-runner.js';
import type { Worker } from '../../../system/worker/worker.js';

/** Set 13 #14: the worker advertises every kind it knows, including dangerous ones it was not started to allow. */
export function advertisesEveryKind(_id: string, w: Worker): void {
  const runner = (w as unknown as { runner: TaskRunner }).runner;
  const deps = (runner as unknown as { deps: { taskKinds: ReadonlyMap<string, unknown> } }).deps;
  runner.advertisedKinds = () => [...deps.taskKinds.keys()];
}

/** The worker's drain internals the variants below reach into. */
interface DrainInternals {
  drainExpired(timeoutMs: number): void;
  finishStop(reason: string): void;
  drainTimer: TimerHandle | undefined;
  deps: { clock: Clock };
  config: { handBackGraceMs: number };
  sm: { state: string };
}

/** Set 13 #26: after a drain times out, the link is kept max(timeoutMs, handBackGraceMs) instead of min(...). */
export function lingersAfterDrainTimeout(_id: string, w: Worker): void {
  const inner = w as unknown as DrainInternals;
  const original = inner.drainExpired.bind(inner);
  inner.drainExpired = (timeoutMs: number): void => {
    original(timeoutMs);
    if (inner.sm.state === 'stopped' || inner.drainTimer === undefined) return;
    inner.drainTimer.cancel();
    inner.drainTimer = inner.deps.clock.setTimeout(() => inner.finishStop('drain timed out'), Math.max(timeoutMs, inner.config.handBackGraceMs));
  };
}

/**
 * Set 13 #16: a clock whose long timers (past MAX_TIMER_MS) arm their last step
 * with the original delay instead of what remains: Node clamps that to 1 ms,
 * so a 30-day timer fires at ~24.8 days.
 */
export function shortLongTimers(_id: string, deps: WorkerDeps): WorkerDeps {
  const base = deps.clock;
  const clock: Clock = {
    now: () => base.now(),
    monotonic: () => base.monotonic(),
    setInterval: (fn, ms) => base.setInterval(fn, ms),
    setTimeout(fn, ms) {
      if (!(ms > MAX_TIMER_MS)) return base.setTimeout(fn, ms);
      let current = base.setTimeout(() => {
        current = base.setTimeout(fn, 1); // set(fn, ms) with ms past the limit: Node's 1 ms
      }, MAX_TIMER_MS);
      return { cancel: () => current.cancel() };
    },
  };
  return { ...deps, clock };
}

/** Set 13 #15: close reasons trimmed to 123 UTF-16 units instead of 123 UTF-8 bytes (for one run). */
export async function withUnitTrimmedCloseReasons<T>(body: () => Promise<T>): Promise<T> {
  const original = Endpoint.closeReason;
  Endpoint.closeReason = (reason) => (reason.length <= 123 ? reason : reason.slice(0, 123));
  try {
    return await body();
  } finally {
    Endpoint.closeReason = original;
  }
}

/** Set 13 #22: the log limiter reads the suppressed count after replacing the key's window (always 0), for one run. */
export async function withLimiterForgettingSuppressed<T>(body: () => Promise<T>): Promise<T> {
  const original = LogLimiter.prototype.allow;
  LogLimiter.prototype.allow = function (this: LogLimiter, key: string) {
    const gate = original.call(this, key);
    return { log: gate.log, suppressed: 0 };
  };
  try {
    return await body();
  } finally {
    LogLimiter.prototype.allow = original;
  }
}
