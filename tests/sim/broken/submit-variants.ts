/**
 * Future-dated and batched work (workload startAfterMs and batch, scenarios/engine-features.yaml),
 * each a defect a developer could really commit, wired in through SimWiring
 * (tests/sim/broken-submit.test.ts).
 */
import { Engine } from '../../../system/engine/engine.js';
import { ErrorCode, SquallError } from '../../../system/core/errors.js';
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

/** A key repeated inside one batch is not looked up against the batch itself: each repeat makes its own execution. */
export class BatchRepeatsKeysEngine extends Engine {
  override scheduleTaskBatch(specs: Parameters<Engine['scheduleTaskBatch']>[0]): ReturnType<Engine['scheduleTaskBatch']> {
    const seen = new Set<string>();
    return super.scheduleTaskBatch(
      specs.map((s) => {
        if (s.idempotencyKey === undefined || !seen.has(s.idempotencyKey)) {
          if (s.idempotencyKey !== undefined) seen.add(s.idempotencyKey);
          return s;
        }
        const { idempotencyKey: _repeat, ...rest } = s;
        return rest;
      }),
    );
  }
}

/** The batch plan looks keys up only among committed executions: a key repeated inside the batch trips the store's unique index, and the whole batch is refused. */
export class BatchKeysConflictEngine extends Engine {
  override scheduleTaskBatch(specs: Parameters<Engine['scheduleTaskBatch']>[0]): ReturnType<Engine['scheduleTaskBatch']> {
    const keys = specs.flatMap((s) => (s.idempotencyKey === undefined ? [] : [s.idempotencyKey]));
    const repeated = keys.find((k, i) => keys.indexOf(k) !== i);
    if (repeated !== undefined) return Promise.reject(new SquallError(ErrorCode.Conflict, `idempotency key ${repeated} is already used by another execution`));
    return super.scheduleTaskBatch(specs);
  }
}

/**
 * The engine's maxPending limit counts timed-out executions as unfinished
 * (`timeout` left out of the finished statuses): once some timed out it
 * refuses work it has room for (blind set 8 #08).
 */
export class TimeoutCountedPendingEngine extends Engine {
  protected override submit(items: Parameters<Engine['submit']>[0]): ReturnType<Engine['submit']> {
    const max = this.config.maxPending;
    const adding = items.filter((i) => i.existing === undefined).length;
    const c = this.stats.byStatus;
    const pending = this.stats.total - c.completed - c.failed - c.cancelled;
    if (adding > 0 && pending + adding > max) {
      return Promise.reject(Object.assign(new SquallError(ErrorCode.RateLimited, `${pending} executions are unfinished and ${adding} more would pass the limit of ${max} (maxPending)`), { retryAfterSec: 1 }));
    }
    return super.submit(items);
  }
}

/** maxPending counts every planned item, idempotent repeats too (which create nothing): a batch of repeats near the limit is refused (blind set 9 #06). */
export class RepeatsCountedPendingEngine extends Engine {
  protected override submit(items: Parameters<Engine['submit']>[0]): ReturnType<Engine['submit']> {
    const max = this.config.maxPending;
    const c = this.stats.byStatus;
    const pending = this.stats.total - c.completed - c.failed - c.cancelled - c.timeout;
    if (pending + items.length > max) {
      return Promise.reject(Object.assign(new SquallError(ErrorCode.RateLimited, `${pending} executions are unfinished and ${items.length} more would pass the limit of ${max} (maxPending)`), { retryAfterSec: 1 }));
    }
    return super.submit(items);
  }
}

/** An idempotency key's repeat is compared without its priority (blind set 9 #04): a reuse with another priority is taken as the same request. */
export class PriorityBlindKeysEngine extends Engine {
  override submitTask(spec: Parameters<Engine['submitTask']>[0]): ReturnType<Engine['submitTask']> {
    const held = spec.idempotencyKey === undefined ? undefined : this.byKey.get(spec.idempotencyKey);
    const rec = held === undefined ? undefined : this.records.get(held);
    return super.submitTask(rec === undefined ? spec : { ...spec, priority: rec.priority });
  }
}

/** An unset retry.maxDelayMs takes the engine's default cap even below the spec's own delayMs (blind set 9 #11). */
export class DefaultCapBelowDelayEngine extends Engine {
  override submitTask(spec: Parameters<Engine['submitTask']>[0]): ReturnType<Engine['submitTask']> {
    const r = spec.retry;
    return super.submitTask(r?.delayMs === undefined || r.maxDelayMs !== undefined ? spec : { ...spec, retry: { ...r, maxDelayMs: 60_000 } });
  }
}

/**
 * maxPending as an exclusive bound (`<` for `<=`): a submission that brings
 * the unfinished executions exactly to the limit is refused (blind set 11 #06).
 */
export class MaxPendingExclusiveEngine extends Engine {
  protected override submit(items: Parameters<Engine['submit']>[0]): ReturnType<Engine['submit']> {
    const max = this.config.maxPending;
    const adding = items.filter((i) => i.existing === undefined).length;
    const c = this.stats.byStatus;
    const pending = this.stats.total - c.completed - c.failed - c.cancelled - c.timeout;
    if (adding > 0 && pending + adding >= max) {
      return Promise.reject(Object.assign(new SquallError(ErrorCode.RateLimited, `${pending} executions are unfinished and ${adding} more would pass the limit of ${max} (maxPending)`), { retryAfterSec: 1 }));
    }
    return super.submit(items);
  }
}
