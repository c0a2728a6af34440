/**
 * Broken variants of what the HTTP API lists and counts (promise 29's reads,
 * harness/check/promises-reads.ts), wired in through SimWiring's engine
 * factory (tests/sim/broken-api.test.ts). Each is a defect a developer could
 * really commit; none is a switch in production code.
 */
import type { ExecutionRecord } from '../../../system/core/model.js';
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
