/**
 * Deliberately broken pieces for the states issue 10 item 3 reaches (the
 * `states` classes of docs/DEFECTS.md: 16, 20, 33, 34, 40), wired in through
 * SimWiring, never a switch in production code.
 */
import type { ExecutionRecord, Lease } from '../../../system/core/model.js';
import { Admission } from '../../../system/coordinator/admission.js';
import { CoordinatorConnection } from '../../../system/coordinator/connection-handler.js';
import { HeartbeatMonitor } from '../../../system/coordinator/heartbeat-monitor.js';
import { Engine } from '../../../system/engine/engine.js';
import type { Store } from '../../../system/store/index.js';

/**
 * Class 16: the coordinator's result path drops the engine's promise (a
 * missing `return`): the result is acknowledged at once, before its store
 * commit, and a failed commit rejects with nobody listening.
 */
export class DroppedResultPromiseEngine extends Engine {
  override onResult(report: Parameters<Engine['onResult']>[0]): ReturnType<Engine['onResult']> {
    void super.onResult(report);
    return Promise.resolve('recorded');
  }
}

/** Class 34: a checkpoint is accepted when the execution has any live lease (the sender's token is not compared). */
export class AnyLeaseCheckpointEngine extends Engine {
  override onCheckpoint(...args: Parameters<Engine['onCheckpoint']>): ReturnType<Engine['onCheckpoint']> {
    const [executionId, attempt, , checkpoint] = args;
    const live = this.records.get(executionId)?.lease;
    return super.onCheckpoint(executionId, attempt, live === undefined ? args[2] : live.token, checkpoint);
  }
}

/** Class 33: a restarted coordinator keeps a recovered lease but does not re-arm its attempt's timeout. */
export class RecoveredTimeoutUnarmedEngine extends Engine {
  protected override armTimeout(rec: ExecutionRecord): void {
    if (this.state === 'recovering') return;
    super.armTimeout(rec);
  }
}

/**
 * A claim that persists the new status but not the lease: the lease columns
 * keep what the execution's previous write left there (the previous attempt's
 * lease, or none). Everything works until a restart recovers the stale lease.
 * `leases` outlives one incarnation, as the file's columns do.
 */
export function claimWithoutLease(leases = new Map<string, Lease | undefined>()): (inner: Store) => Store {
  const remember = (records: readonly ExecutionRecord[]): void => {
    for (const r of records) leases.set(r.executionId, r.lease);
  };
  return (inner) => ({
    loadAll: () => inner.loadAll(),
    submit: (records) => {
      remember(records);
      return inner.submit(records);
    },
    claim: (record) => inner.update([{ ...record, lease: leases.get(record.executionId) }]),
    saveCheckpoint: (id, cp) => inner.saveCheckpoint(id, cp),
    complete: (record) => {
      remember([record]);
      return inner.complete(record);
    },
    update: (records) => {
      remember(records);
      return inner.update(records);
    },
    prune: (before) => inner.prune(before),
    stats: () => inner.stats(),
    close: () => inner.close(),
  });
}

/**
 * Class 20: a handshake closed before register never gives back its
 * admission slot (onClose does not end the admission; only a register or the
 * register timeout would). Planted on the handler's prototype for one run.
 */
export async function withLeakingAdmission<T>(body: () => Promise<T>): Promise<T> {
  const original = CoordinatorConnection.prototype.onClose;
  CoordinatorConnection.prototype.onClose = function onCloseLeaking(this: CoordinatorConnection, code: number, reason: string): void {
    Reflect.set(this, 'admitted', false);
    original.call(this, code, reason);
  };
  try {
    return await body();
  } finally {
    CoordinatorConnection.prototype.onClose = original;
  }
}

/**
 * Set 10 #19: admission checks its limit with `>` instead of `>=`, so one
 * handshake beyond maxPendingHandshakes is admitted. Planted on the
 * prototype for one run.
 */
export async function withAdmissionOneBeyond<T>(body: () => Promise<T>): Promise<T> {
  const original = Admission.prototype.admit;
  Admission.prototype.admit = function admitOneBeyond(this: Admission): boolean {
    if (this.pending > this.maxPending) return false;
    this.pending += 1;
    return true;
  };
  try {
    return await body();
  } finally {
    Admission.prototype.admit = original;
  }
}

/**
 * Set 11 #12: Admission.done() feeds every gap between registrations into
 * the registration-interval estimate, idle gaps included (the busy check
 * dropped), so a herd after a quiet spell is told to come back far later
 * than its rate warrants. Planted on the prototype for one run.
 */
export async function withIdleGapsInRate<T>(body: () => Promise<T>): Promise<T> {
  const original = Admission.prototype.registered;
  Admission.prototype.registered = function registeredIdleGaps(this: Admission, held: number): void {
    const pending = this.pending;
    // The busy check reads `pending` less the slots still held for this registration: keep one more in flight for it.
    this.pending = held + 1;
    original.call(this, held);
    this.pending = pending;
  };
  try {
    return await body();
  } finally {
    Admission.prototype.registered = original;
  }
}

/**
 * Set 10 #18: the heartbeat monitor forgets a detached session after leaseMs
 * instead of sessionTtlMs, so a worker back between the two gets a new
 * session. Planted on the prototype for one run.
 */
export async function withSessionsForgottenAtLease<T>(body: () => Promise<T>): Promise<T> {
  const original = HeartbeatMonitor.prototype.tick;
  HeartbeatMonitor.prototype.tick = function tickForgettingAtLease(this: HeartbeatMonitor): void {
    original.call(this);
    const ctx: HeartbeatMonitor['ctx'] = Reflect.get(this, 'ctx');
    const now = ctx.clock.now();
    for (const entry of ctx.registry.all()) {
      const session = entry.session;
      if (session?.detachedAt === undefined || now - session.detachedAt <= ctx.config.leaseMs) continue;
      session.dispose();
      entry.session = undefined;
    }
  };
  try {
    return await body();
  } finally {
    HeartbeatMonitor.prototype.tick = original;
  }
}
