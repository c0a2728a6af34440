/**
 * Controls racing an attempt's end (scenarios/control-races.yaml), each a
 * defect a developer could really commit, wired in through SimWiring
 * (tests/sim/broken-control-races.test.ts).
 */
import { Engine } from '../../../system/engine/engine.js';

type Rec = Parameters<Engine['failAttempt']>[0];

/** The pause request is read after the lease was dropped (which forgets it): a paused attempt that fails is retried at once. */
export class PauseLostOnFailureEngine extends Engine {
  protected override failAttempt(rec: Rec, outcome: 'failed' | 'timeout'): Promise<void> {
    this.pauseRequested.delete(rec.executionId);
    return super.failAttempt(rec, outcome);
  }
}

/** A lost lease (expiry, or the holder's sync without it) re-queues the execution, forgetting a pending pause (blind set-5 05). */
export class PauseLostWithLeaseEngine extends Engine {
  protected override loseLease(rec: Rec, reason: string): void {
    this.pauseRequested.delete(rec.executionId);
    super.loseLease(rec, reason);
  }
}
