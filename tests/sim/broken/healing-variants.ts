/**
 * Deliberately broken self-healing triggers (issue 10, docs/DEFECTS.md classes
 * 06, 09, 18, 21, 36), built only here and wired in through SimWiring
 * (tests/sim/broken-healing.test.ts). Each defect is healed by redundancy
 * (a reconnect still succeeds, a refused task runs elsewhere, an expired
 * lease is re-run, a timed-out attempt is retried), so only the promise that
 * judges the trigger sees it.
 */
import type { WorkerId } from '../../../system/core/ids.js';
import type { ErrorInfo } from '../../../system/engine/core-state.js';
import type { ExecutionRecord } from '../../../system/core/model.js';
import type { ResultOutcome } from '../../../system/engine/contract.js';
import { Engine } from '../../../system/engine/engine.js';
import type { Worker } from '../../../system/worker/worker.js';

/** 06: the reconnect attempt counter is never reset after a registration (it only grows). */
export function neverResetAttempts(_id: string, worker: Worker): void {
  let attempt = worker['attempt'];
  Object.defineProperty(worker, 'attempt', {
    configurable: true,
    get: () => attempt,
    set: (v: number) => {
      if (v > attempt) attempt = v;
    },
  });
}

/** Set 11 #18: the retry-after hint of a refusal (4503) is never cleared: it governs every later reconnect. */
export function keepRetryAfterHint(_id: string, worker: Worker): void {
  let hint: number | undefined = worker['retryAfterMs'];
  Object.defineProperty(worker, 'retryAfterMs', {
    configurable: true,
    get: () => hint,
    set: (v: number | undefined) => {
      if (v !== undefined) hint = v;
    },
  });
}

/** 09: an aborted attempt (cancel, timeout, revoke) is not removed from the running set when it settles: a ghost fills a slot. */
export function keepAbortedGhosts(_id: string, worker: Worker): void {
  const running = worker['runner']['running'];
  const remove = running.delete.bind(running);
  running.delete = (key: string): boolean => (running.get(key)?.abortReason !== undefined ? false : remove(key));
}

/**
 * Set 10 #20: the task runner admits an assignment while running.size equals
 * its concurrency (`>` for `>=`): it runs concurrency + 1. Planted by letting
 * each assign see one slot more than the worker has.
 */
export function admitAtConcurrency(_id: string, worker: Worker): void {
  const runner = worker['runner'];
  const deps = runner['deps'];
  const assign = runner.assign.bind(runner);
  runner.assign = (a): void => {
    const limit = deps.concurrency;
    // An own property shadows the deps' getter (the worker's runner deps read its config).
    Object.defineProperty(deps, 'concurrency', { value: limit + 1, configurable: true, writable: true });
    try {
      assign(a);
    } finally {
      Object.defineProperty(deps, 'concurrency', { value: limit, configurable: true, writable: true });
    }
  };
}

/** 21: the assignment loop counts free capacity from this pass's claims only, not the leases a worker already holds. */
export class HeldLeasesIgnoredEngine extends Engine {
  override leasesOf(_workerId: WorkerId): number {
    return 0;
  }
}

/** 18: a connected worker's leases are renewed at most once per lease period (the throttle uses leaseMs). */
export class ThrottledRenewalEngine extends Engine {
  private readonly lastRenewal = new Map<WorkerId, number>();

  override renewLeases(workerId: WorkerId): void {
    const now = this.clock.now();
    const last = this.lastRenewal.get(workerId);
    if (last !== undefined && now - last < this.config.leaseMs) return;
    this.lastRenewal.set(workerId, now);
    super.renewLeases(workerId);
  }
}

/** 36: the coordinator-side timeout records the attempt as 'failed' instead of 'timeout'. */
export class TimeoutAsFailedEngine extends Engine {
  protected override recordOutcome(rec: ExecutionRecord, outcome: ResultOutcome, result: unknown, error: ErrorInfo | undefined): Promise<void> {
    const own = outcome === 'timeout' && error?.message.startsWith('the attempt exceeded timeoutMs') === true;
    return super.recordOutcome(rec, own ? 'failed' : outcome, result, error);
  }
}

/**
 * Set 10 #25: WorkerLink.lost() decides whether the lost connection had
 * registered from everRegistered instead of connectedSince: after a first
 * registration every failed try counts as a lost registered connection (its
 * loss time restarts the reconnect clock, and it is not a failed try).
 */
export function lostCountsEveryTry(_id: string, worker: Worker): void {
  const lost = worker['lost'].bind(worker);
  Reflect.set(worker, 'lost', (gen: number, code: number, reason: string, terminate?: boolean): void => {
    if (Reflect.get(worker, 'everRegistered') === true && Reflect.get(worker, 'connectedSince') === null) Reflect.set(worker, 'connectedSince', 0);
    lost(gen, code, reason, terminate);
  });
}
