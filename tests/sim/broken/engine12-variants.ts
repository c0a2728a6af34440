/**
 * Broken engine pieces for blind set 12's engine and store misses (01, 04,
 * 05, 06, 08), built only here and wired in through SimWiring
 * (tests/sim/broken-engine12.test.ts). Each is the defect a developer could
 * commit, injected by overriding the engine, not a switch in production code.
 */
import { Engine } from '../../../system/engine/engine.js';
import type { GraphSpec } from '../../../system/engine/contract.js';
import { failedAttempts } from '../../../system/engine/records.js';
import { isTerminal, type ExecutionRecord } from '../../../system/core/model.js';

/** #01: a `started` accepted for whatever lease the execution is preparing under (the token is not compared). */
export class StartUnfencedEngine extends Engine {
  override onStarted(...args: Parameters<Engine['onStarted']>): ReturnType<Engine['onStarted']> {
    const [id, attempt] = args;
    const rec = this.records.get(id);
    if (rec?.status === 'preparing' && rec.lease !== undefined) return super.onStarted(id, attempt, rec.lease.token);
    return super.onStarted(...args);
  }
}

/**
 * #04: the retry delay's step counted from the claims (rec.attempts), not the failures: for an exponential
 * policy, each attempt that ended without failing (a pause, a lost lease) doubles the delay once more.
 */
export class RetryCountsClaimsEngine extends Engine {
  protected override failAttempt(rec: ExecutionRecord, outcome: 'failed' | 'timeout'): Promise<void> {
    const policy = rec.retry;
    const extra = rec.attempts - (failedAttempts(rec) + 1);
    if (policy.strategy !== 'exponential' || extra <= 0) return super.failAttempt(rec, outcome);
    rec.retry = { ...policy, delayMs: policy.delayMs * 2 ** extra };
    try {
      return super.failAttempt(rec, outcome);
    } finally {
      rec.retry = policy;
    }
  }
}

/** #05: the dependents a cascade ends are left without completedAt (only the execution finish() was called for has one). */
export class CascadeWithoutCompletedAtEngine extends Engine {
  private root: ExecutionRecord | undefined;
  protected override finish(rec: ExecutionRecord, ...rest: Parameters<Engine['finish']> extends [unknown, ...infer R] ? R : never): Promise<void> {
    const outer = this.root;
    this.root ??= rec;
    try {
      return super.finish(rec, ...rest);
    } finally {
      this.root = outer;
    }
  }

  // Cleared before the ending is written, as finish() would have left it.
  protected override transition(...args: Parameters<Engine['transition']>): ReturnType<Engine['transition']> {
    const [rec, to] = args;
    if (this.root !== undefined && rec !== this.root && isTerminal(to)) rec.completedAt = undefined;
    return super.transition(...args);
  }
}

/** #06: a submission whose store write failed is removed from every index but the listing. */
export class RolledBackListedEngine extends Engine {
  protected override unindex(recs: readonly ExecutionRecord[]): void {
    const gone = recs.filter((r) => this.records.get(r.executionId) === r);
    super.unindex(recs);
    for (const r of gone) this.listing.add(r);
  }
}

/** #08: a graph's tasks created in a topological order that takes ready nodes as a stack (last in, first out). */
export class StackGraphOrderEngine extends Engine {
  override async scheduleTaskGraph(graph: GraphSpec): ReturnType<Engine['scheduleTaskGraph']> {
    const names = Object.keys(graph);
    const reordered: GraphSpec = {};
    for (const name of stackOrder(graph)) reordered[name] = graph[name] as GraphSpec[string];
    const made = await super.scheduleTaskGraph(reordered);
    const byName = new Map(Object.keys(reordered).map((name, i) => [name, made[i]]));
    return names.map((name) => byName.get(name) as (typeof made)[number]);
  }
}

/** Kahn's algorithm with its ready list used as a stack. */
function stackOrder(graph: GraphSpec): string[] {
  const names = Object.keys(graph);
  const remaining = new Map(names.map((n) => [n, new Set(graph[n]?.dependsOn ?? []).size]));
  const ready = names.filter((n) => remaining.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const node = ready.pop() as string;
    order.push(node);
    for (const n of names) {
      if (!(graph[n]?.dependsOn ?? []).includes(node)) continue;
      const left = (remaining.get(n) ?? 0) - 1;
      remaining.set(n, left);
      if (left === 0) ready.push(n);
    }
  }
  return order;
}
