/**
 * Future-dated work (workload startAfterMs, scenarios/engine-features.yaml),
 * each a defect a developer could really commit, wired in through SimWiring
 * (tests/sim/broken-dated.test.ts).
 */
import { Engine } from '../../../system/engine/engine.js';
import { DelayQueue } from '../../../system/engine/delay-queue.js';
import type { ExecutionId } from '../../../system/core/ids.js';
import type { ExecutionRecord } from '../../../system/core/model.js';

/** The delay queue arms its timer half a second early (a due time read against the wrong origin). */
class EarlyDelayQueue extends DelayQueue {
  override schedule(id: ExecutionId, dueAt: number): void {
    super.schedule(id, dueAt - 500);
  }
}

export class EarlyDatedEngine extends Engine {
  protected override createDelayQueue(onDue: (id: ExecutionId) => void): DelayQueue {
    return new EarlyDelayQueue(this.clock, onDue);
  }
}

/** `scheduledAt ?? nextRunAt` for `nextRunAt ?? scheduledAt`: a dated execution's retry is due at its (past) scheduledAt, so it runs at once. */
export class DatedRetryAtOnceEngine extends Engine {
  protected override enqueue(rec: ExecutionRecord): void {
    if (rec.scheduledAt === undefined || rec.nextRunAt === undefined || rec.status !== 'retrying') return super.enqueue(rec);
    const nextRunAt = rec.nextRunAt;
    rec.nextRunAt = rec.scheduledAt;
    super.enqueue(rec);
    rec.nextRunAt = nextRunAt;
  }
}
