/**
 * Controls racing an attempt's end (scenarios/control-races.yaml), each a
 * defect a developer could really commit, wired in through SimWiring
 * (tests/sim/broken-control-races.test.ts).
 */
import type { ExecutionId } from '../../../system/core/ids.js';
import { DelayQueue, type DelayEntry } from '../../../system/engine/delay-queue.js';
import { Session } from '../../../system/coordinator/session.js';
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

/**
 * A delay queue whose head check asks only whether the head's execution is
 * still waiting, not whether the head is its CURRENT entry (`live.has(id)`
 * for `live.get(id) === top` in system/engine/delay-queue.ts): an entry left
 * from an earlier wait (a retry delay the pause cut short) fires the
 * execution's later wait early (blind set 10 #04), once it reaches the head
 * while the execution waits again.
 */
class StaleHeadDelayQueue extends DelayQueue {
  protected override headEntry(): DelayEntry | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || this.live.has(top.id)) return top;
      this.heap.pop();
    }
  }
}

export class StaleDelayEntryEngine extends Engine {
  protected override createDelayQueue(onDue: (id: ExecutionId) => void): DelayQueue {
    return new StaleHeadDelayQueue(this.clock, onDue);
  }
}

/**
 * A pause of a waiting execution (no lease: in the ready queue, or on its
 * retry delay) that no longer takes it out of the queues (blind set 11 #05:
 * `this.dequeue(rec)` dropped from pauseExecution): the claim guard skips the
 * paused entry, but an entry left in the delay queue lives on, counted in the
 * stats, until its old due time.
 */
export class PauseLeavesQueuesEngine extends Engine {
  private pausing = false;

  protected override dequeue(rec: Rec): void {
    if (!this.pausing) super.dequeue(rec);
  }

  override pauseExecution(executionId: string): ReturnType<Engine['pauseExecution']> {
    // dequeue runs in pauseExecution's synchronous part, before its first await.
    this.pausing = true;
    try {
      return super.pauseExecution(executionId);
    } finally {
      this.pausing = false;
    }
  }
}

/**
 * A pause of a queued execution recorded as pending, as if an attempt ran
 * that the worker must stop: nothing stops it, so it is claimed and runs
 * while paused.
 */
export class PauseQueuedAsPendingEngine extends Engine {
  override pauseExecution(executionId: string): ReturnType<Engine['pauseExecution']> {
    const rec = this.getExecution(executionId);
    if (rec?.status === 'scheduled' && rec.lease === undefined) {
      this.pauseRequested.add(rec.executionId);
      return Promise.resolve(rec);
    }
    return super.pauseExecution(executionId);
  }
}

/**
 * A released lease that asks for no wake (blind set 11 #08: `requestWake()`
 * dropped from dropLease): the freed slot is offered to the assignment loop
 * only at some other wake, e.g. when the worker's own result of the cancelled
 * attempt arrives, a round trip later.
 */
export class ReleaseWithoutWakeEngine extends Engine {
  private releasing = false;

  protected override requestWake(): void {
    if (!this.releasing) super.requestWake();
  }

  protected override dropLease(rec: Rec, reason: string): void {
    this.releasing = true;
    try {
      super.dropLease(rec, reason);
    } finally {
      this.releasing = false;
    }
  }
}

/**
 * The coordinator's dispatcher drops an abort for a worker whose session is
 * detached instead of queueing it for the resume (blind set 11 #14): a pause
 * never reaches the worker (the sync confirms the lease, the attempt runs
 * on), a cancel is revoked by the sync instead. Planted on Session's
 * prototype for one run.
 */
export async function withAbortDroppedWhileDetached<T>(body: () => Promise<T>): Promise<T> {
  const original = Session.prototype.sendReliable;
  Session.prototype.sendReliable = function (this: Session, msg) {
    if (msg.type === 'abort' && !this.attached) return 0;
    return original.call(this, msg);
  };
  try {
    return await body();
  } finally {
    Session.prototype.sendReliable = original;
  }
}
