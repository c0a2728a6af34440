/**
 * Broken variants of what the HTTP API lists and counts (promise 29's reads,
 * harness/check/promises-reads.ts), wired in through SimWiring's engine
 * factory (tests/sim/broken-api.test.ts). Each is a defect a developer could
 * really commit; none is a switch in production code.
 */
import type { ExecutionRecord } from '../../../system/core/model.js';
import { percentileOfSorted } from '../../../system/core/stats.js';
import { CoordinatorMetrics } from '../../../system/coordinator/metrics.js';
import { Engine } from '../../../system/engine/engine.js';
import { StatsCollector } from '../../../system/engine/stats.js';

/** The listing's cursor format (system/engine/listing.ts): base64url of [createdAt, executionId]. */
const cursorOf = (rec: ExecutionRecord): string => Buffer.from(JSON.stringify([rec.createdAt, rec.executionId])).toString('base64url');

/**
 * The next cursor is encoded from the first record of the next page instead
 * of the last record of this one: the next page starts after it, so every
 * page boundary skips one execution.
 */
export class CursorFromNextPageEngine extends Engine {
  override listExecutions(query: Parameters<Engine['listExecutions']>[0] = {}): ReturnType<Engine['listExecutions']> {
    const limit = query.limit ?? 100;
    const wide = super.listExecutions({ ...query, limit: Math.min(1000, limit + 1) });
    const next = wide.executions[limit];
    if (next === undefined) return { executions: wide.executions.slice(0, limit), nextCursor: wide.executions.length > limit ? wide.nextCursor : null };
    return { executions: wide.executions.slice(0, limit), nextCursor: cursorOf(next) };
  }
}

/** A reload that drops the in-memory records does not undo their `retried` count, so recovery counts them again. */
class RetriedTwiceStats extends StatsCollector {
  override onUnloaded(rec: ExecutionRecord): void {
    super.onUnloaded(rec);
    if (rec.statusHistory.some((e) => e.status === 'retrying')) this.retried++;
  }
}

export class ReloadRetriedTwiceEngine extends Engine {
  protected override createStats(samples: number): StatsCollector {
    return new RetriedTwiceStats(samples);
  }
}

/** Recovery counts each ended execution's kind twice (byKind), as if its ending happened again. */
class KindsTwiceStats extends StatsCollector {
  override onRecovered(rec: ExecutionRecord): void {
    super.onRecovered(rec);
    if (rec.status === 'completed' || rec.status === 'failed' || rec.status === 'cancelled') this.onTransition(rec, rec.status, rec.status, true);
  }
}

export class RecoveredKindsTwiceEngine extends Engine {
  protected override createStats(samples: number): StatsCollector {
    return new KindsTwiceStats(samples);
  }
}

/** Duration percentiles sorted with the default (string) sort: 1000 sorts before 200 (blind set 9 #02). */
class StringSortedStats extends StatsCollector {
  override percentiles(): ReturnType<StatsCollector['percentiles']> {
    const sorted = [...(this as unknown as { durations: number[] }).durations].sort();
    return { p50: percentileOfSorted(sorted, 50), p95: percentileOfSorted(sorted, 95), samples: sorted.length };
  }
}

export class StringSortedPercentilesEngine extends Engine {
  protected override createStats(samples: number): StatsCollector {
    return new StringSortedStats(samples);
  }
}

/** successRate counts cancelled executions as decided: completed / (completed + failed + cancelled) (blind set 9 #03). */
class CancelledDecidedStats extends StatsCollector {
  override kinds(): ReturnType<StatsCollector['kinds']> {
    const out = super.kinds();
    for (const k of Object.values(out)) {
      const decided = k.completed + k.failed + k.cancelled;
      k.successRate = decided === 0 ? null : k.completed / decided;
    }
    return out;
  }
}

export class CancelledDecidedEngine extends Engine {
  protected override createStats(samples: number): StatsCollector {
    return new CancelledDecidedStats(samples);
  }
}

/**
 * The listing hands out records whose failed entry before a retry is gone,
 * so the public history's retrying entry keeps its own previous (failed)
 * though the entry shown before it is running (blind set 9 #18's effect).
 */
export class UnfoldedRetryHistoryEngine extends Engine {
  override listExecutions(query: Parameters<Engine['listExecutions']>[0] = {}): ReturnType<Engine['listExecutions']> {
    const page = super.listExecutions(query);
    const drop = (h: ExecutionRecord['statusHistory']): ExecutionRecord['statusHistory'] => h.filter((e, i) => !((e.status === 'failed' || e.status === 'timeout') && h.at(i + 1)?.status === 'retrying'));
    return { ...page, executions: page.executions.map((r) => ({ ...r, statusHistory: drop(r.statusHistory) })) };
  }
}

/**
 * A retried or reassigned execution keeps the start time of its first
 * attempt (`startedAt ??=`): its listed duration spans every attempt and
 * retry delay, not the one that completed (blind set 10 #08).
 */
export class FirstStartKeptEngine extends Engine {
  private readonly firstStart = new Map<string, number>();
  override async onStarted(...args: Parameters<Engine['onStarted']>): ReturnType<Engine['onStarted']> {
    await super.onStarted(...args);
    const rec = this.records.get(args[0]);
    if (rec?.startedAt === undefined) return;
    const first = this.firstStart.get(rec.executionId);
    if (first === undefined) this.firstStart.set(rec.executionId, rec.startedAt);
    else rec.startedAt = first;
  }
}

/**
 * A completion does not clear the error an earlier failed or timed-out
 * attempt left: the completed execution read back still carries it (blind
 * set 11 #02).
 */
export class CompletedKeepsErrorEngine extends Engine {
  protected override recordOutcome(...args: Parameters<Engine['recordOutcome']>): ReturnType<Engine['recordOutcome']> {
    const [rec, outcome] = args;
    const kept = rec.error;
    const p = super.recordOutcome(...args);
    if (outcome === 'completed' && kept !== undefined) rec.error = kept;
    return p;
  }
}

const keyBefore = (r: Pick<ExecutionRecord, 'createdAt' | 'executionId'>, createdAt: number, id: string): boolean => (r.createdAt !== createdAt ? r.createdAt < createdAt : r.executionId < id);

/**
 * A page after a cursor steps past the record found at the cursor's position
 * whenever its createdAt equals the cursor's, without checking that it is the
 * cursor's own execution: once the cursor's execution was pruned, the next
 * one created in the same millisecond is skipped (blind set 11 #01).
 */
export class CursorTieSkipEngine extends Engine {
  override listExecutions(query: Parameters<Engine['listExecutions']>[0] = {}): ReturnType<Engine['listExecutions']> {
    const page = super.listExecutions(query);
    if (query.cursor === undefined || query.cursor === '') return page;
    const [createdAt, id] = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as [number, string];
    let at: Pick<ExecutionRecord, 'createdAt' | 'executionId'> | undefined;
    for (const r of this.records.values()) if (!keyBefore(r, createdAt, id) && (at === undefined || keyBefore(r, at.createdAt, at.executionId))) at = r;
    if (at === undefined || at.executionId === id || at.createdAt !== createdAt) return page;
    const skipped = at.executionId;
    return { ...page, executions: page.executions.filter((e) => e.executionId !== skipped) };
  }
}

/**
 * The message counters' collect adds the per-type tallies to the counters
 * without clearing them (blind set 11 #13): every scrape counts every
 * message seen so far again. Swapped in on the prototype for the duration of
 * `run` (the metrics object is built inside the coordinator).
 */
export async function withTalliesNeverCleared<T>(run: () => Promise<T>): Promise<T> {
  const proto: object = CoordinatorMetrics.prototype;
  const real = Object.getOwnPropertyDescriptor(proto, 'flushMessageCounts');
  if (real === undefined) throw new Error('CoordinatorMetrics has no flushMessageCounts to replace');
  Object.defineProperty(proto, 'flushMessageCounts', {
    ...real,
    value: function flushKeepingTallies(this: object): void {
      const tallies = Reflect.get(this, 'messageTallies') as Record<'in' | 'out', Map<string, { n: number; bytes: number }>>;
      const messages = Reflect.get(this, 'messages') as CoordinatorMetrics['messages'];
      const bytes = Reflect.get(this, 'bytes') as CoordinatorMetrics['bytes'];
      for (const direction of ['in', 'out'] as const) {
        for (const [type, t] of tallies[direction]) {
          messages.inc({ type, direction }, t.n);
          bytes.inc({ type, direction }, t.bytes);
        }
      }
    },
  });
  try {
    return await run();
  } finally {
    Object.defineProperty(proto, 'flushMessageCounts', real);
  }
}
