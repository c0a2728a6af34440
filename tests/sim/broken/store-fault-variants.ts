/**
 * Broken pieces for work in flight across a store outage (blind set 9 #08,
 * #10, #17): what the coordinator does with leases and claims while its
 * store fails and once it recovers. Wired in through SimWiring
 * (tests/sim/storage-faults.test.ts); none is a switch in production code.
 */
import { Engine } from '../../../system/engine/engine.js';

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
