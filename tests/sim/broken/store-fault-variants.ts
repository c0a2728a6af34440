/**
 * Broken pieces for work in flight across a store outage (blind set 9 #08,
 * #10, #17): what the coordinator does with leases and claims while its
 * store fails and once it recovers. Wired in through SimWiring
 * (tests/sim/storage-faults.test.ts); none is a switch in production code.
 */
import { AssignmentLoop } from '../../../system/coordinator/assignment.js';
import type { Clock } from '../../../system/core/clock.js';
import { Engine } from '../../../system/engine/engine.js';
import { StoreHealth } from '../../../system/engine/store-health.js';

/**
 * The reload after a store failure marks every lease it brought back
 * unconfirmed, those whose holder kept heartbeating included: no heartbeat
 * renews them and no sync comes to confirm them, so a healthy holder's long
 * attempt loses its lease one lease period after the outage (blind set 9 #08).
 */
export class UnconfirmedAfterReloadEngine extends Engine {
  protected override async reloadFromStore(downMs: number): Promise<void> {
    await super.reloadFromStore(downMs);
    for (const rec of this.leased.values()) if (rec.lease !== undefined) this.unconfirmed.add(rec.lease.token);
  }
}

/**
 * The store's health turns ok as soon as a probe commits, before the reload
 * from the store has finished (its recovery commits still in flight): the
 * assignment loop claims against a state still being rebuilt and /readyz
 * says ready meanwhile (blind set 9 #10). Planted on StoreHealth's prototype
 * for one run.
 */
export async function withEarlyHealthyStore<T>(body: () => Promise<T>): Promise<T> {
  const proto = StoreHealth.prototype;
  const original: unknown = Reflect.get(proto, 'tryProbe');
  Reflect.set(proto, 'tryProbe', async function tryProbeEarlyOk(this: StoreHealth): Promise<void> {
    const failing = Reflect.get(this, 'failing') as { since: number } | undefined;
    const clock = Reflect.get(this, 'clock') as Clock;
    const since = failing?.since ?? clock.now();
    try {
      await (Reflect.get(this, 'probe') as () => Promise<void>)();
      Reflect.set(this, 'failing', undefined);
      await (Reflect.get(this, 'recovered') as (downMs: number) => Promise<void>)(clock.now() - since);
    } catch {
      Reflect.set(this, 'failing', failing ?? { since, error: 'probe failed' });
      (Reflect.get(this, 'schedule') as () => void).call(this);
      return;
    }
    (Reflect.get(this, 'onOk') as () => void)();
  });
  try {
    return await body();
  } finally {
    Reflect.set(proto, 'tryProbe', original);
  }
}

/**
 * StoreHealth.failed() no longer resets the probe backoff when a NEW outage
 * begins (the `delayMs = PROBE_MIN_MS` line left out): a second outage probes
 * first after the delay the previous one had reached (up to 2 s), so a short
 * outage keeps the store refusing writes long after its disk healed (blind
 * set 10 #10). Planted on the prototype for the duration of `body`.
 */
export async function withProbeBackoffKept<T>(body: () => Promise<T>): Promise<T> {
  const proto = StoreHealth.prototype;
  const original = proto.failed;
  proto.failed = function failedKeepingBackoff(this: StoreHealth, err: unknown): void {
    const kept: unknown = Reflect.get(this, 'delayMs');
    const opens = this.ok;
    original.call(this, err);
    if (!opens || typeof kept !== 'number') return;
    // Undo the reset: the first probe waits the kept delay, as if the line were not there.
    (Reflect.get(this, 'probeTimer') as { cancel(): void } | undefined)?.cancel();
    Reflect.set(this, 'delayMs', kept);
    (Reflect.get(this, 'schedule') as () => void).call(this);
  };
  try {
    return await body();
  } finally {
    proto.failed = original;
  }
}

interface Delivering {
  claimStarted(a: { executionId: string; attempt: number; leaseToken: string }): void;
}

/**
 * A claim that failed to commit stays a pending assignment of its session
 * (blind set 9 #17): the rejection path no longer settles it, so the next
 * sync of that session counts it as on its way and gives the worker a
 * verdict for a lease that was rolled back. Planted on the assignment
 * loop's prototype for one run.
 */
export async function withFailedClaimKept<T>(body: () => Promise<T>): Promise<T> {
  const proto = AssignmentLoop.prototype;
  const deliver: unknown = Reflect.get(proto, 'deliver');
  Reflect.set(proto, 'deliver', function deliverKeepingFailed(this: AssignmentLoop, w: unknown, session: Delivering, a: { executionId: string; attempt: number; leaseToken: string }, committed: Promise<void>): void {
    (deliver as (...x: unknown[]) => void).call(this, w, session, a, committed);
    // Runs after the loop's own rejection handler settled the claim: puts it back.
    committed.catch(() => session.claimStarted(a));
  });
  try {
    return await body();
  } finally {
    Reflect.set(proto, 'deliver', deliver);
  }
}
