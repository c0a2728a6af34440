/**
 * The task execution engine: owns every execution's state (authoritative in
 * memory, persisted through the Store before any public promise resolves),
 * schedules ready work by priority, enforces the global concurrency limit at
 * claim time, fences results by lease token, retries by policy, times out and
 * cancels attempts through the Dispatcher, fails dependents of failed work at
 * once, and rebuilds itself from the Store after a restart (recover()).
 *
 * Every status change goes through `transition()` (core.ts): one history
 * entry, one 'status' event, one Store operation. Time comes from the Clock, ids from
 * Random, collections are iterated in insertion order: runs are deterministic.
 * Layers: CommittedCore (committed.ts) < EngineAttempts (engine-attempts.ts:
 * coordinator seam) < EngineControl (engine-control.ts: cancel/pause/resume)
 * < Engine (here: lifecycle, recovery, embedding API, stats, retention).
 */
import type { TimerHandle } from '../core/clock.js';
import { IllegalStateError } from '../core/errors.js';
import { asExecutionId, type ExecutionId } from '../core/ids.js';
import type {
  BreakerState,
  EngineApi,
  EngineCounts,
  EngineForCoordinator,
  ExecutionHook,
  ExecutionSpec,
  GraphSpec,
  ListQuery,
  SubmitOutcome,
} from './contract.js';
import { parseQuery } from './listing.js';
import { type ExecutionRecord, isTerminal } from '../core/model.js';
import { snapshot } from './records.js';
import type { StoreHealthStatus } from './store-health.js';
import { attemptSince, recoveryAction } from './recovery.js';
import { EngineControl } from './engine-control.js';

export type { EngineDeps } from './core.js';

export type { EngineCounts } from './contract.js';

/** The engine: lifecycle, recovery, the embedding API, stats and retention, over EngineControl. */
export class Engine extends EngineControl implements EngineForCoordinator, EngineApi {
  private retentionTimer: TimerHandle | undefined;

  // ---------------------------------------------------------------- lifecycle

  /** Loads every execution from the Store and rebuilds queues, leases and timers. Call once, before use. */
  async recover(): Promise<void> {
    if (this.state !== 'new') throw new IllegalStateError(`Engine.recover() may be called once, before use; the engine is ${this.state}`);
    this.state = 'recovering';
    await this.loadFromStore();
    this.state = 'running';
    this.sweepTimer = this.clock.setInterval(() => this.sweepLeases(), this.config.leaseSweepMs);
    if (this.config.retention !== undefined) this.retentionTimer = this.clock.setInterval(() => this.applyRetention(), this.config.retention.sweepMs ?? 10_000);
    this.requestWake();
    this.flushWake();
  }

  /** Puts one loaded execution back in motion (see recovery.ts); never drops it. */
  protected recoverOne(rec: ExecutionRecord, now: number, commits: Promise<void>[]): void {
    const action = recoveryAction(rec, (id) => this.records.view(id), (r) => this.dependencyStateOf(r));
    switch (action.type) {
      case 'none':
      case 'wait':
        break;
      case 'keep-lease': {
        const lease = rec.lease as NonNullable<ExecutionRecord['lease']>;
        lease.expiresAt = now + this.config.leaseMs;
        this.trackLease(rec);
        // A reload (the engine already running) is not a restart: the attempt keeps its timeout's deadline.
        this.armTimeout(rec, this.state === 'running' ? attemptSince(rec) : undefined);
        this.marks.hit('engine.lease-kept-at-recovery');
        if (rec.timeoutMs !== undefined) this.marks.hit('engine.recovered-timeout-armed');
        break;
      }
      case 'requeue':
        commits.push(this.transition(rec, 'scheduled', action.reason));
        this.enqueue(rec);
        break;
      case 'queue':
        if (rec.status === 'retrying' && rec.nextRunAt === undefined) {
          this.logger.warn({ executionId: rec.executionId }, 'engine: retrying execution without nextRunAt; retrying now');
          rec.nextRunAt = now;
        }
        this.enqueue(rec);
        break;
      case 'unready':
        this.marks.hit('engine.scheduled-dependent-unready-at-recovery');
        commits.push(this.transition(rec, 'pending', 'dependencies_not_completed'));
        break;
      case 'ready':
        commits.push(this.transition(rec, 'scheduled', 'dependencies_completed'));
        this.enqueue(rec);
        break;
      case 'dependency-failed':
        this.marks.hit('engine.dependency-failed-at-recovery');
        commits.push(
          this.finish(rec, 'failed', 'dependency_failed', {
            code: 'dependency_failed',
            message: `dependency ${action.dependency} ended ${action.status}`,
          }),
        );
        break;
    }
  }

  /** Cancels every timer (sweep, delays, timeouts, breakers). In-memory state stays readable. */
  close(): void {
    this.state = 'closed';
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    this.retentionTimer?.cancel();
    this.retentionTimer = undefined;
    this.delayed.close();
    this.health.close();
    for (const t of this.timeouts.values()) t.cancel();
    this.timeouts.clear();
    this.breakers.close();
  }

  // --------------------------------------------------------- embedding API

  async scheduleTask(spec: ExecutionSpec): Promise<ExecutionRecord> {
    return (await this.submitTask(spec)).execution;
  }

  async submitTask(spec: ExecutionSpec): Promise<SubmitOutcome> {
    this.assertRunning('scheduleTask');
    const items = this.submitter.planOne(spec);
    // The plan already knows: an idempotency key held by an execution plans `existing`, a new one plans a record.
    const created = items[0]?.record !== undefined;
    const [rec] = await this.submit(items);
    return { execution: snapshot(rec as ExecutionRecord), created };
  }

  async scheduleTaskBatch(specs: readonly ExecutionSpec[]): Promise<ExecutionRecord[]> {
    this.assertRunning('scheduleTaskBatch');
    return (await this.submit(this.submitter.planBatch(specs))).map(snapshot);
  }

  async scheduleTaskGraph(graph: GraphSpec): Promise<{ taskId: string; executionId: ExecutionId }[]> {
    this.assertRunning('scheduleTaskGraph');
    const { items, names } = this.submitter.planGraph(graph);
    const recs = await this.submit(items);
    const byName = new Map(names.map((name, i) => [name, recs[i] as ExecutionRecord]));
    return Object.keys(graph).map((name) => {
      const rec = byName.get(name) as ExecutionRecord;
      return { taskId: rec.taskId, executionId: rec.executionId };
    });
  }

  getExecution(executionId: string): ExecutionRecord | undefined {
    const rec = this.records.get(asExecutionId(executionId));
    return rec === undefined || this.pendingSubmits.has(rec.executionId) ? undefined : snapshot(rec);
  }

  dependentsOf(executionId: string): ExecutionId[] {
    return (this.dependents.get(asExecutionId(executionId)) ?? []).filter((id) => !this.pendingSubmits.has(id));
  }

  listExecutions(query: ListQuery = {}): { executions: ExecutionRecord[]; nextCursor: string | null } {
    const page = this.listing.page(parseQuery(query));
    // Commit-or-no-trace: a submission whose store commit is in flight is indexed (an idempotent repeat finds it) but not shown.
    const committed = page.executions.filter((r) => !this.pendingSubmits.has(r.executionId));
    return { executions: committed.map((r) => snapshot(this.records.read(r))), nextCursor: page.nextCursor };
  }

  getExecutionStats(): Record<string, unknown> {
    const d = this.stats.percentiles();
    return {
      total: this.stats.total,
      byStatus: { ...this.stats.byStatus },
      retried: this.stats.retried,
      timedOut: this.stats.timedOut,
      queueLength: this.ready.size,
      delayed: this.delayed.size,
      running: this.stats.byStatus.running,
      inFlight: this.leased.size,
      byKind: this.stats.kinds(),
      durationsMs: { p50: d.p50, p95: d.p95, samples: d.samples },
      breakers: this.breakerStates(),
    };
  }

  /**
   * O(1) counts for metrics gauges: executions by status, in flight (claimed,
   * not finished), ready queue length and delayed entries. Returns copies.
   */
  snapshotCounts(): EngineCounts {
    return {
      total: this.stats.total,
      byStatus: { ...this.stats.byStatus },
      inFlight: this.leased.size,
      queueLength: this.ready.size,
      delayed: this.delayed.size,
    };
  }

  /** Breaker state of every configured (and seen) task kind, sorted by kind, for metrics. */
  breakerStates(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    const kinds = new Set([...this.config.taskKinds.keys(), ...Object.keys(this.breakers.states())]);
    for (const kind of [...kinds].sort()) out[kind] = this.breakers.state(kind);
    return out;
  }

  /** Can the store commit? What /readyz reports; while not ok, writes get 503 store_unavailable. */
  /**
   * What the engine holds in memory per execution, map by map: `work` holds only executions under way (an
   * ended one leaves them), `index` only executions the engine still knows (a pruned one leaves them),
   * `leases` the maps keyed by lease token (lost leases whose loss has not committed, leases a reload
   * left unconfirmed), whose tokens the harness resolves to their executions: work too.
   * Read by the harness's memory-hygiene rule (promise 35, harness/check/promises-held.ts).
   */
  heldExecutions(): { work: Record<string, string[]>; index: Record<string, string[]>; leases: Record<string, string[]> } {
    const keys = (m: { keys(): Iterable<string> }): string[] => [...m.keys()];
    const work = { leased: keys(this.leased), timeouts: keys(this.timeouts), pauseRequested: keys(this.pauseRequested), pendingSubmits: keys(this.pendingSubmits), ready: this.ready.ids(), delayed: this.delayed.ids(), byWorker: [...this.byWorker.values()].flatMap((s) => [...s]), breakerTrials: this.breakers.trialIds() };
    const index = { seqOf: keys(this.seqOf), byKey: [...this.byKey.values()], dependents: [...this.dependents].flatMap(([id, ds]) => [id, ...ds]), deferredEvents: keys(this.deferredEvents), pendingCommits: keys(this.pendingCommits) };
    return { work, index, leases: { lostLeases: keys(this.lostLeases), unconfirmed: keys(this.unconfirmed) } };
  }

  storeHealth(): StoreHealthStatus {
    return this.health.status();
  }

  /** Breaker state of one kind ('closed' | 'open' | 'half-open'), for metrics. */
  breakerState(kind: string): 'closed' | 'open' | 'half-open' {
    return this.breakers.state(kind);
  }

  /**
   * Forgets terminal executions completed before `completedBefore`, in memory
   * and in the Store (store.prune), except those an unfinished execution still
   * depends on (kept in memory). Returns how many the Store dropped. Bounds
   * memory on long runs; pruned ids read as not found afterwards.
   */
  async prune(completedBefore: number): Promise<number> {
    this.assertRunning('prune');
    return this.pruneBefore(completedBefore);
  }

  protected async pruneBefore(completedBefore: number): Promise<number> {
    const gone = new Set<ExecutionId>();
    for (const rec of this.records.values()) {
      if (!isTerminal(rec.status) || rec.completedAt === undefined || rec.completedAt >= completedBefore) continue;
      const live = (this.dependents.get(rec.executionId) ?? []).some((d) => {
        const dep = this.records.view(d);
        return dep !== undefined && !isTerminal(dep.status);
      });
      if (!live) gone.add(rec.executionId);
    }
    for (const id of gone) {
      const rec = this.records.get(id) as ExecutionRecord;
      this.records.delete(id);
      this.stats.onForgotten(rec);
      this.seqOf.delete(id);
      this.dependents.delete(id);
      // Also out of its dependencies' lists: one kept (still running), or never loaded (pruned before a restart), would list it for good.
      this.forgetDependent(rec);
      if (rec.idempotencyKey !== undefined && this.byKey.get(rec.idempotencyKey) === id) this.byKey.delete(rec.idempotencyKey);
    }
    if (gone.size > 0) this.listing.removeWhere((r) => gone.has(r.executionId));
    this.emit({ type: 'pruned', completedBefore, count: gone.size });
    return this.persist(this.store.prune(completedBefore));
  }

  addPreExecutionHook(hook: ExecutionHook): void {
    this.preHooks.push(hook);
  }

  addPostExecutionHook(hook: ExecutionHook): void {
    this.postHooks.push(hook);
  }
}