/**
 * Lease deadlines computed from the wrong base (issue 10): broken engines
 * wired in through SimWiring's engineFactory, for
 * tests/sim/broken-lease-renewal.test.ts.
 */
import type { ExecutionId } from '../../../system/core/ids.js';
import { Engine } from '../../../system/engine/engine.js';

/**
 * Blind set 11 #07: the sync confirms a lease without renewing it. The
 * confirmation clears the lease's unconfirmed mark (later traffic renews it
 * again), but its deadline stays where it was: for a lease a store reload
 * brought back unconfirmed, one lease period after the reload, however late
 * the holder's sync came.
 */
export class SyncKeepsOldExpiryEngine extends Engine {
  override syncHeldTasks(...args: Parameters<Engine['syncHeldTasks']>): ReturnType<Engine['syncHeldTasks']> {
    const before = new Map<string, number>();
    for (const h of args[1]) {
      const lease = this.records.get(h.executionId as ExecutionId)?.lease;
      if (lease !== undefined) before.set(h.executionId, lease.expiresAt);
    }
    const answer = super.syncHeldTasks(...args);
    for (const id of answer.confirm) {
      const lease = this.records.get(id)?.lease;
      const old = before.get(id);
      if (lease !== undefined && old !== undefined) lease.expiresAt = old;
    }
    return answer;
  }
}

/**
 * A store reload re-arms a kept lease's timeout from the reload, as a
 * restart does, instead of keeping the attempt's deadline: an attempt whose
 * holder went silent outlives timeoutMs + grace by the time the store
 * failed (its timeout, due meanwhile, starts over).
 */
export class FreshTimeoutAtReloadEngine extends Engine {
  protected override armTimeout(rec: Parameters<Engine['armTimeout']>[0]): void {
    super.armTimeout(rec);
  }
}

/**
 * A store reload counts a waiting retry's delay again from the reload
 * (nextRunAt = reload + delayMs) instead of keeping the nextRunAt it
 * committed: a retry due while the store failed runs a whole delay late.
 */
export class RetryDelayFromReloadEngine extends Engine {
  protected override recoverOne(...args: Parameters<Engine['recoverOne']>): void {
    const [rec, now] = args;
    if (this.state === 'running' && rec.status === 'retrying') rec.nextRunAt = now + rec.retry.delayMs;
    super.recoverOne(...args);
  }
}
