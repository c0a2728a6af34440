/**
 * One regression test per "Task execution engine" item of
 * KNOWN_FAILURE_MODES.md. Each scenario passes against the real Engine and is
 * shown to FAIL against a deliberately broken variant built here (a subclass
 * overriding one seam, or a wrapper), so the test can catch the defect.
 * (Restart recovery, item 6, is in recovery.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionId, LeaseToken, WorkerId } from '../../system/core/ids.js';
import { CircuitBreakers } from '../../system/engine/circuit-breaker.js';
import type { FinishWork, TerminalStatus, ErrorInfo } from '../../system/engine/core.js';
import type { Dispatcher, GraphSpec } from '../../system/engine/contract.js';
import { Engine } from '../../system/engine/engine.js';
import type { ExecutionRecord, ExecutionStatus } from '../../system/core/model.js';
import { type ReadyEntry, ReadyQueue, runsBefore } from '../../system/engine/ready-queue.js';
import { StatsCollector } from '../../system/engine/stats.js';
import { startEngine } from '../../system/engine/testing.js';
import { ALL_KINDS, claim, expectCaught, report, W1, W2 } from './helpers.js';

type Make = ConstructorParameters<typeof Engine>;
const variant =
  <T extends Engine>(C: new (...a: Make) => T) =>
  (...a: Make): Engine =>
    new C(...a);

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
/** The original: running executions counted only once they started. */
class CountsStartedOnly extends Engine {
  protected override inFlight(): number {
    return [...this.leased.values()].filter((r) => r.status === 'running').length;
  }
}

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

// ---------------------------------------------------------------- item 4
/** The original: the late result of a stopped attempt overwrote CANCELLED/TIMEOUT. */
class UnfencedEngine extends Engine {
  override async onResult(r: Parameters<Engine['onResult']>[0]) {
    const rec = this.get(r.executionId);
    if (rec !== undefined && rec.lease?.token !== r.leaseToken && r.outcome === 'completed') {
      rec.status = 'completed';
      rec.result = r.result;
      return 'recorded' as const;
    }
    return super.onResult(r);
  }
}
/** The original: timeout and cancel never reached the work (no abort). */
class NoAbortEngine extends Engine {
  override setDispatcher(d: Dispatcher): void {
    super.setDispatcher({
      wake: () => d.wake(),
      abort: (w: WorkerId, id: ExecutionId, t: LeaseToken, reason) => {
        if (reason !== 'cancel' && reason !== 'timeout') d.abort(w, id, t, reason);
      },
    });
  }
}

async function stopScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time, dispatcher } = await startEngine({ config: { timeoutGraceMs: 50 }, ...(make ? { make } : {}) });
  // Cancel: aborts the holder; its late result changes nothing.
  const c = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 10_000 } });
  const ca = claim(engine, W1);
  await engine.onStarted(ca.executionId, ca.attempt, ca.leaseToken);
  await engine.cancelExecution(c.executionId);
  expect(dispatcher.aborts).toContainEqual({ workerId: W1, executionId: c.executionId, leaseToken: ca.leaseToken, reason: 'cancel' });
  expect(await engine.onResult(report(ca, 'completed'))).toBe('stale');
  expect(engine.getExecution(c.executionId)?.status).toBe('cancelled');
  // Timeout with a retry: the old attempt's late result neither completes it nor disturbs the new attempt.
  const t = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 10_000 }, timeoutMs: 100, retry: { strategy: 'immediate', maxRetries: 1 } });
  const t1 = claim(engine, W1);
  await engine.onStarted(t1.executionId, t1.attempt, t1.leaseToken);
  await time.tickAsync(150);
  expect(dispatcher.aborts).toContainEqual({ workerId: W1, executionId: t.executionId, leaseToken: t1.leaseToken, reason: 'timeout' });
  const t2 = claim(engine, W2);
  expect(await engine.onResult(report(t1, 'completed'))).not.toBe('recorded');
  expect(engine.getExecution(t.executionId)).toMatchObject({ status: 'preparing', lease: { workerId: W2, token: t2.leaseToken } });
  await time.tickAsync(150);
  expect(await engine.onResult(report(t2, 'completed'))).not.toBe('recorded');
  expect(engine.getExecution(t.executionId)).toMatchObject({ status: 'timeout', attempts: 2 });
}

describe('4. timeout and cancel stop the work; late results never overwrite', () => {
  it('passes on the engine, fails without fencing and without aborts', async () => {
    await stopScenario();
    await expectCaught(() => stopScenario(variant(UnfencedEngine)));
    await expectCaught(() => stopScenario(variant(NoAbortEngine)));
  });
});

// ---------------------------------------------------------------- item 5
/** The original: dependents of a failed execution were re-queued forever. */
class RequeueDependents extends Engine {
  protected override dependencyEnded(d: ExecutionRecord, dep: ExecutionRecord, work: FinishWork[], commits: Promise<void>[]): void {
    if (dep.status === 'completed') super.dependencyEnded(d, dep, work, commits);
  }
}

async function dependentsScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time } = await startEngine(make ? { make } : {});
  for (const end of ['failed', 'cancelled', 'timeout'] as const) {
    const root = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, retry: { strategy: 'none' } });
    const mid = await engine.scheduleTask({ kind: 'echo', dependencies: [root.executionId] });
    const leaf = await engine.scheduleTask({ kind: 'echo', dependencies: [mid.executionId, root.executionId] });
    if (end === 'cancelled') await engine.cancelExecution(root.executionId);
    else await engine.onResult(report(claim(engine), end));
    await time.tickAsync(60_000);
    for (const id of [mid.executionId, leaf.executionId]) {
      const r = engine.getExecution(id);
      expect(r?.status, `dependent of a ${end} execution`).toBe('failed');
      expect(r?.statusHistory.at(-1)?.reason).toBe('dependency_failed');
      expect(r?.completedAt).toBeTypeOf('number');
    }
  }
}

describe('5. dependents of failed work end at once', () => {
  it('fails dependents of failed, cancelled and timed-out executions transitively', async () => {
    await dependentsScenario();
    await expectCaught(() => dependentsScenario(variant(RequeueDependents)));
  });
});

// ---------------------------------------------------------------- item 7
/** The original: every failed attempt counted as a failed execution. */
class AttemptCountingStats extends StatsCollector {
  override onTransition(rec: ExecutionRecord, from: ExecutionStatus, to: ExecutionStatus, terminal: boolean): void {
    super.onTransition(rec, from, to, terminal || to === 'failed');
  }
}
class AttemptStatsEngine extends Engine {
  protected override createStats(samples: number): StatsCollector {
    return new AttemptCountingStats(samples);
  }
}

async function attemptStatsScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine } = await startEngine(make ? { make } : {});
  await engine.scheduleTask({ kind: 'fail', params: { times: 1 }, retry: { strategy: 'immediate', maxRetries: 1 } });
  await engine.onResult(report(claim(engine), 'failed'));
  await engine.onResult(report(claim(engine), 'completed'));
  expect(engine.getExecutionStats()).toMatchObject({ byKind: { fail: { completed: 1, failed: 0, successRate: 1 } }, retried: 1 });
}

/** The original: TIMEOUT set no completion time. */
class NoTimeoutCompletion extends Engine {
  protected override finish(rec: ExecutionRecord, to: TerminalStatus, reason: string, error?: ErrorInfo, abortHolder?: boolean): Promise<void> {
    const p = super.finish(rec, to, reason, error, abortHolder);
    if (to === 'timeout') rec.completedAt = undefined;
    return p;
  }
}

async function timeoutCompletionScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time } = await startEngine(make ? { make } : {});
  const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1000 }, timeoutMs: 10, retry: { strategy: 'none' } });
  await engine.onResult(report(claim(engine), 'timeout'));
  await time.settle();
  const r = engine.getExecution(rec.executionId);
  expect(r?.status).toBe('timeout');
  expect(r?.completedAt).toBe(time.clock.now());
}

/** Breaker variants: unused in the claim path; success not resetting; half-open letting one too many through. */
class UnusedBreaker extends Engine {
  protected override breakerAllows(): boolean {
    return true;
  }
}
class NoResetBreakers extends CircuitBreakers {
  override onSuccess(kind: string, id: ExecutionId): void {
    if (this.state(kind) !== 'closed') super.onSuccess(kind, id);
  }
}
class LeakyHalfOpen extends CircuitBreakers {
  private readonly skipped = new Set<string>();
  override onClaim(kind: string, id: ExecutionId): void {
    if (this.state(kind) === 'half-open' && !this.skipped.has(kind)) {
      this.skipped.add(kind);
      return;
    }
    super.onClaim(kind, id);
  }
}
const withBreakers = (B: typeof CircuitBreakers) =>
  class extends Engine {
    protected override createBreakers(config: ConstructorParameters<typeof CircuitBreakers>[1], onReopenable: () => void): CircuitBreakers {
      return new B(this.clock, config, onReopenable);
    }
  };

async function breakerScenario(make?: (...a: Make) => Engine): Promise<void> {
  const { engine, time } = await startEngine({
    config: { breaker: { failureThreshold: 2, resetTimeoutMs: 1000, halfOpenMaxCalls: 1 } },
    ...(make ? { make } : {}),
  });
  const failOnce = async (): Promise<void> => {
    await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'none' } });
    await engine.onResult(report(claim(engine, W1, new Set(['fail'])), 'failed'));
  };
  // A success between failures resets the count: 1 failure, success, 1 failure → still closed.
  await failOnce();
  await engine.scheduleTask({ kind: 'fail' });
  await engine.onResult(report(claim(engine, W1, new Set(['fail'])), 'completed'));
  await failOnce();
  expect(engine.breakerState('fail')).toBe('closed');
  // A second consecutive failure opens it: work of that kind is held back, other kinds flow.
  await failOnce();
  expect(engine.breakerState('fail')).toBe('open');
  await engine.scheduleTaskBatch([{ kind: 'fail' }, { kind: 'fail' }, { kind: 'echo' }]);
  expect(engine.claimNext(W1, new Set(['fail']))).toBeUndefined();
  expect(claim(engine, W1).kind).toBe('echo');
  expect(engine.getExecutionStats()).toMatchObject({ breakers: { fail: 'open' } });
  // Half-open: exactly halfOpenMaxCalls (1) trial goes through; its success closes the breaker.
  await time.tickAsync(1000);
  const trial = claim(engine, W1, new Set(['fail']));
  expect(engine.claimNext(W2, new Set(['fail']))).toBeUndefined();
  await engine.onResult(report(trial, 'completed'));
  expect(engine.breakerState('fail')).toBe('closed');
  expect(claim(engine, W2, new Set(['fail'])).kind).toBe('fail');
}

describe('7. smaller defects', () => {
  it('a failed attempt that is retried is not a failed execution', async () => {
    await attemptStatsScenario();
    await expectCaught(() => attemptStatsScenario(variant(AttemptStatsEngine)));
  });

  it('TIMEOUT sets the completion time', async () => {
    await timeoutCompletionScenario();
    await expectCaught(() => timeoutCompletionScenario(variant(NoTimeoutCompletion)));
  });

  it('the circuit breaker is in the claim path, resets on success, and half-open admits exactly halfOpenMaxCalls', async () => {
    await breakerScenario();
    await expectCaught(() => breakerScenario(variant(UnusedBreaker)));
    await expectCaught(() => breakerScenario(variant(withBreakers(NoResetBreakers))));
    await expectCaught(() => breakerScenario(variant(withBreakers(LeakyHalfOpen))));
  });
});
