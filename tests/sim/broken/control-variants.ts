/**
 * Controls racing an attempt's end (scenarios/control-races.yaml), each a
 * defect a developer could really commit, wired in through SimWiring
 * (tests/sim/broken-control-races.test.ts).
 */
import type { Clock, TimerHandle } from '../../../system/core/clock.js';
import type { ExecutionId } from '../../../system/core/ids.js';
import { DelayQueue } from '../../../system/engine/delay-queue.js';
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
 * execution's later wait early (blind set 10 #04). Entries kept in a sorted
 * list instead of a heap: the same order, few entries.
 */
class StaleHeadDelayQueue extends DelayQueue {
  private readonly entries: { id: ExecutionId; dueAt: number }[] = [];
  private readonly waiting = new Map<ExecutionId, number>();
  private armed: TimerHandle | undefined;
  private shut = false;

  constructor(
    private readonly clk: Clock,
    private readonly due: (id: ExecutionId) => void,
  ) {
    super(clk, due);
  }

  override get size(): number {
    return this.waiting.size;
  }
  override has(id: ExecutionId): boolean {
    return this.waiting.has(id);
  }
  override schedule(id: ExecutionId, dueAt: number): void {
    this.waiting.set(id, dueAt);
    const i = this.entries.findIndex((e) => e.dueAt > dueAt);
    this.entries.splice(i < 0 ? this.entries.length : i, 0, { id, dueAt });
    this.rearm();
  }
  override remove(id: ExecutionId): boolean {
    return this.waiting.delete(id);
  }
  override close(): void {
    this.shut = true;
    this.armed?.cancel();
  }

  private rearm(): void {
    this.armed?.cancel();
    this.armed = undefined;
    while (this.entries[0] !== undefined && !this.waiting.has(this.entries[0].id)) this.entries.shift();
    const head = this.entries[0];
    if (this.shut || head === undefined) return;
    this.armed = this.clk.setTimeout(() => this.fireDue(), Math.max(0, head.dueAt - this.clk.now()));
  }

  private fireDue(): void {
    const now = this.clk.now();
    const ready: ExecutionId[] = [];
    for (let head = this.entries[0]; head !== undefined && head.dueAt <= now; head = this.entries[0]) {
      this.entries.shift();
      // The defect: any entry of a waiting id fires it, the stale ones too.
      if (this.waiting.delete(head.id)) ready.push(head.id);
    }
    for (const id of ready) this.due(id);
    this.rearm();
  }
}

export class StaleDelayEntryEngine extends Engine {
  protected override createDelayQueue(onDue: (id: ExecutionId) => void): DelayQueue {
    return new StaleHeadDelayQueue(this.clock, onDue);
  }
}
