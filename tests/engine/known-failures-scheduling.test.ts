/**
 * One regression test per "Task execution engine" item of
 * KNOWN_FAILURE_MODES.md, items 1-3 (what runs and when: graphs, the concurrency limit, head-of-line
 * blocking). Each scenario passes against the real Engine
 * and is shown to FAIL against a deliberately broken variant (a subclass
 * overriding one seam, or a wrapper; shared ones in broken-engines.ts), so the
 * test can catch the defect. Items 4-5: known-failures-ending.test.ts; item 7:
 * known-failures-smaller.test.ts; restart recovery, item 6, recovery.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionId } from '../../system/core/ids.js';
import type { GraphSpec } from '../../system/engine/contract.js';
import { Engine } from '../../system/engine/engine.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { type ReadyEntry, ReadyQueue, runsBefore } from '../../system/engine/ready-queue.js';
import { startEngine } from '../../system/engine/testing.js';
import { CountsStartedOnly, type Make, variant } from './broken-engines.js';
import { ALL_KINDS, claim, expectCaught, report, W1, W2 } from './helpers.js';

// ---------------------------------------------------------------- item 1
/** The original: a topological sort that empties the caller's graph in place. */
function destructiveSort(graph: GraphSpec): string[] {
  const order: string[] = [];
  const names = Object.keys(graph);
  while (order.length < names.length) {
    for (const name of names) {
      const node = graph[name];
      if (node === undefined || order.includes(name)) continue;
      if ((node.dependsOn ?? []).every((d) => order.includes(d))) {
        order.push(name);
        for (const other of names) {
          const o = graph[other];
          if (o?.dependsOn) o.dependsOn = o.dependsOn.filter((d) => d !== name);
        }
      }
    }
  }
  return order;
}
class MutatingGraphEngine extends Engine {
  override scheduleTaskGraph(graph: GraphSpec) {
    destructiveSort(graph);
    return super.scheduleTaskGraph(graph);
  }
}

async function graphScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine } = await startEngine(make ? { make } : {});
  const graph: GraphSpec = { c: { kind: 'echo', dependsOn: ['a', 'b'] }, b: { kind: 'echo', dependsOn: ['a'] }, a: { kind: 'echo' } };
  const before = structuredClone(graph);
  const out = await engine.scheduleTaskGraph(graph);
  expect(graph).toEqual(before);
  const id = (name: string) => out.find((x) => x.taskId === name)?.executionId as ExecutionId;
  expect(engine.get(id('c'))?.dependencies).toHaveLength(2);
  const order: string[] = [];
  for (let i = 0; i < 3; i++) {
    const a = claim(engine, W1);
    expect(engine.claimNext(W2, ALL_KINDS)).toBeUndefined();
    order.push(engine.get(a.executionId)?.taskId ?? '?');
    await engine.onResult(report(a, 'completed'));
  }
  expect(order).toEqual(['a', 'b', 'c']);
}

describe('1. task graphs keep every dependency', () => {
  it('never mutates the caller graph and runs in dependency order', async () => {
    await graphScenario();
    await expectCaught(() => graphScenario(variant(MutatingGraphEngine)));
  });
});

// ---------------------------------------------------------------- item 2

async function concurrencyScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine } = await startEngine({ config: { maxConcurrentExecutions: 3 }, ...(make ? { make } : {}) });
  await engine.scheduleTaskBatch(Array.from({ length: 10 }, () => ({ kind: 'echo' })));
  let claims = 0;
  // One "scheduler pass": claim as long as the engine allows, before anything starts.
  while (engine.claimNext(W1, ALL_KINDS) !== undefined) claims++;
  expect(claims).toBe(3);
  expect(engine.snapshotCounts().inFlight).toBe(3);
}

/** Enqueues everything twice: stresses the double-enqueue guard (the original queued some tasks twice). */
class SloppyEnqueue extends Engine {
  protected override enqueue(rec: ExecutionRecord): void {
    super.enqueue(rec);
    super.enqueue(rec);
  }
}
/** A queue without the guard: an array that accepts the same id twice. */
class NaiveQueue extends ReadyQueue {
  private readonly items: ReadyEntry[] = [];
  override get size(): number {
    return this.items.length;
  }
  override push(id: ExecutionId, kind: string, priority: ExecutionRecord['priority'], seq: number): boolean {
    this.items.push({ id, kind, rank: { low: 0, medium: 1, high: 2, critical: 3 }[priority], seq });
    return true;
  }
  override remove(id: ExecutionId): boolean {
    const i = this.items.findIndex((e) => e.id === id);
    if (i >= 0) this.items.splice(i, 1);
    return i >= 0;
  }
  override best(kinds: Iterable<string>, allow: (kind: string) => boolean): ReadyEntry | undefined {
    const set = new Set(kinds);
    let best: ReadyEntry | undefined;
    for (const e of this.items) if (set.has(e.kind) && allow(e.kind) && (best === undefined || runsBefore(e, best))) best = e;
    return best;
  }
}
class DoubleRunEngine extends SloppyEnqueue {
  protected override createReadyQueue(): ReadyQueue {
    return new NaiveQueue();
  }
  protected override claimable(rec: ExecutionRecord | undefined): rec is ExecutionRecord {
    return rec !== undefined;
  }
}

async function doubleEnqueueScenario(make: (...a: Make) => Engine): Promise<void> {
  const { engine } = await startEngine({ make });
  const rec = await engine.scheduleTask({ kind: 'echo' });
  const a = claim(engine, W1);
  expect(a.executionId).toBe(rec.executionId);
  expect(engine.claimNext(W2, ALL_KINDS)).toBeUndefined();
  await engine.onResult(report(a, 'completed'));
  expect(engine.claimNext(W2, ALL_KINDS)).toBeUndefined();
}

describe('2. concurrency limit and no double execution', () => {
  it('counts executions in flight from the claim, not the start', async () => {
    await concurrencyScenario();
    await expectCaught(() => concurrencyScenario(variant(CountsStartedOnly)));
  });

  it('an execution queued twice is still claimed once', async () => {
    await doubleEnqueueScenario(variant(SloppyEnqueue));
    await expectCaught(() => doubleEnqueueScenario(variant(DoubleRunEngine)));
  });
});

// ---------------------------------------------------------------- item 3
/** The original: one heap for everything; a future-dated head blocks the rest. */
class OneHeapEngine extends Engine {
  protected override enqueue(rec: ExecutionRecord): void {
    if ((rec.status === 'scheduled' || rec.status === 'retrying') && rec.lease === undefined) {
      this.ready.push(rec.executionId, rec.kind, rec.priority, this.seqOf.get(rec.executionId) ?? 0);
    }
  }
  protected override pickReady(kinds: ReadonlySet<string>): ReadyEntry | undefined {
    const head = super.pickReady(kinds);
    const rec = head && this.get(head.id);
    const due = rec?.nextRunAt ?? rec?.scheduledAt;
    return due !== undefined && due > this.clock.now() ? undefined : head;
  }
}

async function holScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time } = await startEngine(make ? { make } : {});
  const later = await engine.scheduleTask({ kind: 'echo', priority: 'critical', scheduledAt: time.clock.now() + 60_000 });
  const now = await engine.scheduleTask({ kind: 'echo', priority: 'low' });
  expect(claim(engine).executionId).toBe(now.executionId);
  expect(engine.claimNext(W1, ALL_KINDS)).toBeUndefined();
  await time.tickAsync(60_000);
  expect(claim(engine).executionId).toBe(later.executionId);
}

describe('3. no head-of-line blocking', () => {
  it('a future-dated high-priority entry never blocks ready lower-priority work', async () => {
    await holScenario();
    await expectCaught(() => holScenario(variant(OneHeapEngine)));
  });
});
