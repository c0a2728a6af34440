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
 */
import type { TimerHandle } from '../core/clock.js';
import { ErrorCode, IllegalStateError, SquallError } from '../core/errors.js';
import { asExecutionId, type ExecutionId, type LeaseToken, newLeaseToken, type WorkerId } from '../core/ids.js';
import type {
  AssignmentSpec,
  BreakerState,
  EngineApi,
  EngineCounts,
  EngineForCoordinator,
  ExecutionHook,
  ExecutionSpec,
  GraphSpec,
  ListQuery,
  ResultReport,
  ResultVerdict,
  SubmitOutcome,
} from './contract.js';
import { CommittedCore } from './committed.js';
import { parseQuery } from './listing.js';
import { type CheckpointRecord, type ExecutionRecord, isTerminal } from '../core/model.js';
import { snapshot } from './records.js';
import type { StoreHealthStatus } from './store-health.js';
import { dependencyState, recoveryAction } from './recovery.js';

export type { EngineDeps } from './core.js';

export type { EngineCounts } from './contract.js';

export class Engine extends CommittedCore implements EngineForCoordinator, EngineApi {
  private retentionTimer: TimerHandle | undefined;
  /** Checkpoint writes in their commit window, by execution: a copy re-sent meanwhile waits for the verdict. */
  private readonly checkpointCommits = new Map<string, Promise<unknown>>();

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
    const action = recoveryAction(rec, (id) => this.records.get(id));
    switch (action.type) {
      case 'none':
      case 'wait':
        break;
      case 'keep-lease': {
        const lease = rec.lease as NonNullable<ExecutionRecord['lease']>;
        lease.expiresAt = now + this.config.leaseMs;
        this.trackLease(rec);
        this.armTimeout(rec);
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
      case 'ready':
        commits.push(this.transition(rec, 'scheduled', 'dependencies_completed'));
        this.enqueue(rec);
        break;
      case 'dependency-failed':
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

  // ------------------------------------------------------ coordinator seam

  claimNext(workerId: WorkerId, kinds: ReadonlySet<string>): { assignment: AssignmentSpec; committed: Promise<void> } | undefined {
    this.assertRunning('claimNext');
    if (!this.health.ok || this.inFlight() >= this.config.maxConcurrentExecutions) return undefined;
    let rec: ExecutionRecord | undefined;
    for (;;) {
      const entry = this.pickReady(kinds);
      if (entry === undefined) return undefined;
      this.ready.remove(entry.id);
      rec = this.records.get(entry.id);
      if (this.claimable(rec)) break;
      this.logger.error({ executionId: entry.id, status: this.records.get(entry.id)?.status }, 'engine: ready queue held a non-claimable execution');
    }
    rec.attempts += 1;
    rec.nextRunAt = undefined;
    rec.lease = {
      workerId,
      token: newLeaseToken(this.random),
      attempt: rec.attempts,
      expiresAt: this.clock.now() + this.config.leaseMs,
    };
    this.trackLease(rec);
    this.breakers.onClaim(rec.kind, rec.executionId);
    const claimed = { type: 'claimed' as const, ...this.leaseFields(rec) };
    this.defer(rec.checkpoint === undefined ? claimed : { ...claimed, checkpointSeq: rec.checkpoint.seq });
    if (rec.checkpoint !== undefined) this.marks.hit('engine.checkpoint-handed-over');
    const committed = this.transition(rec, 'preparing', `claimed by ${workerId}`);
    this.armTimeout(rec);
    this.runHooks(this.preHooks, rec);
    const assignment: AssignmentSpec = {
      executionId: rec.executionId,
      attempt: rec.lease.attempt,
      leaseToken: rec.lease.token,
      kind: rec.kind,
      params: rec.params,
      timeoutMs: rec.timeoutMs,
      checkpoint: rec.checkpoint === undefined ? undefined : { seq: rec.checkpoint.seq, state: rec.checkpoint.state },
    };
    return { assignment, committed };
  }

  async onStarted(executionId: ExecutionId, _attempt: number, leaseToken: LeaseToken): Promise<void> {
    const rec = this.records.get(executionId);
    if (rec === undefined) return;
    if (rec.lease?.token !== leaseToken || rec.status !== 'preparing') {
      // Ignored (a lease that ended, or a re-sent copy), and acknowledged: only against committed state.
      this.assertWritable('started');
      await this.committedState(executionId);
      return;
    }
    this.assertWritable('started');
    rec.startedAt = this.clock.now();
    this.armTimeout(rec);
    await this.transition(rec, 'running', undefined);
  }

  async onCheckpoint(
    executionId: ExecutionId,
    _attempt: number,
    leaseToken: LeaseToken,
    checkpoint: Omit<CheckpointRecord, 'attempt' | 'at'>,
  ): Promise<'saved' | 'stale'> {
    const rec = this.records.get(executionId);
    if (rec === undefined) return 'stale';
    // While the store is failing, memory may hold changes the reload rolls back: no 'stale' verdict (an ack) against them.
    this.assertWritable('checkpoint');
    if (rec.lease?.token !== leaseToken) {
      // Stale against a lease change still in its commit window only once it committed (a crash would undo it).
      await this.committedState(executionId);
      return 'stale';
    }
    if (rec.checkpoint !== undefined && checkpoint.seq <= rec.checkpoint.seq) {
      // Stale against a checkpoint still in its commit window only once it committed (if it fails, neither is acked).
      await this.checkpointCommits.get(executionId);
      return 'stale';
    }
    const cp: CheckpointRecord = { seq: checkpoint.seq, state: checkpoint.state, attempt: rec.lease.attempt, at: this.clock.now() };
    rec.checkpoint = cp;
    const commit = this.persist(this.store.saveCheckpoint(executionId, cp));
    this.checkpointCommits.set(executionId, commit);
    try {
      await commit;
    } finally {
      if (this.checkpointCommits.get(executionId) === commit) this.checkpointCommits.delete(executionId);
    }
    this.emit({ type: 'checkpoint_saved', executionId, seq: cp.seq, attempt: cp.attempt, acceptedAt: cp.at });
    return 'saved';
  }

  async onResult(report: ResultReport): Promise<ResultVerdict> {
    const rec = this.records.get(report.executionId);
    const rejected = (reason: 'stale' | 'duplicate' | 'unknown'): void =>
      this.emit({
        type: 'result_rejected',
        executionId: report.executionId,
        leaseToken: report.leaseToken,
        attempt: report.attempt,
        reason,
      });
    if (rec === undefined) {
      rejected('unknown');
      return 'stale';
    }
    if (rec.lease?.token !== report.leaseToken) {
      const commit = this.recorded.get(report.leaseToken);
      if (commit !== undefined) {
        // Acknowledged as a duplicate only once the original committed; if it failed, neither is acknowledged.
        this.assertWritable('result');
        await commit;
        rejected('duplicate');
        this.marks.hit('engine.duplicate-result-ignored');
        return 'duplicate';
      }
      // Fenced against a lease change still in its commit window only once it committed (a crash would undo it).
      this.assertWritable('result');
      await this.committedState(report.executionId);
      rejected('stale');
      this.marks.hit('engine.stale-result-fenced');
      return 'stale';
    }
    this.assertWritable('result');
    const p = this.recordOutcome(rec, report.outcome, report.result, report.error);
    this.flushWake();
    await p;
    return 'recorded';
  }

  renewLeases(workerId: WorkerId): void {
    const ids = this.byWorker.get(workerId);
    if (ids === undefined) return;
    const expiresAt = this.clock.now() + this.config.leaseMs;
    for (const id of ids) {
      const lease = this.records.get(id)?.lease;
      if (lease !== undefined) lease.expiresAt = expiresAt;
    }
  }

  syncHeldTasks(
    workerId: WorkerId,
    held: readonly { executionId: string; attempt: number; leaseToken: string; state: 'running' | 'finished' }[],
  ): { confirm: ExecutionId[]; revoke: { executionId: ExecutionId; reason: string }[] } {
    const confirm: ExecutionId[] = [];
    const revoke: { executionId: ExecutionId; reason: string }[] = [];
    const heldIds = new Set<string>();
    const expiresAt = this.clock.now() + this.config.leaseMs;
    for (const h of held) {
      const id = asExecutionId(h.executionId);
      heldIds.add(id);
      const rec = this.records.get(id);
      if (rec === undefined) revoke.push({ executionId: id, reason: 'unknown' });
      else if (rec.lease?.token === h.leaseToken && rec.lease.workerId === workerId) {
        rec.lease.expiresAt = expiresAt;
        confirm.push(id);
      } else if (isTerminal(rec.status)) revoke.push({ executionId: id, reason: 'terminal' });
      else if (rec.lease !== undefined) revoke.push({ executionId: id, reason: 'superseded' });
      else revoke.push({ executionId: id, reason: 'lease_expired' });
    }
    // Leases the worker does not report are lost with its state: re-queue them now.
    for (const id of [...(this.byWorker.get(workerId) ?? [])]) {
      if (heldIds.has(id)) continue;
      const rec = this.records.get(id);
      if (rec !== undefined) this.loseLease(rec, 'not_held_after_sync');
    }
    this.flushWake();
    return { confirm, revoke };
  }

  leasesOf(workerId: WorkerId): number {
    return this.byWorker.get(workerId)?.size ?? 0;
  }

  /** The live record (read-only by contract: don't mutate); getExecution returns a copy. */
  get(executionId: ExecutionId): ExecutionRecord | undefined {
    return this.records.get(executionId);
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

  async cancelExecution(executionId: string, reason = 'cancelled by request'): Promise<ExecutionRecord> {
    const rec = this.mustGet(executionId);
    this.assertWritable('cancel');
    if (isTerminal(rec.status)) {
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} already ${rec.status}; only unfinished executions can be cancelled`);
    }
    const p = this.finish(rec, 'cancelled', reason, { code: 'cancelled', message: reason }, true);
    this.flushWake();
    await p;
    return snapshot(rec);
  }

  async pauseExecution(executionId: string): Promise<ExecutionRecord> {
    const rec = this.mustGet(executionId);
    this.assertWritable('pause');
    if (isTerminal(rec.status)) {
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} already ${rec.status}; only unfinished executions can be paused`);
    }
    if (rec.status === 'paused') return snapshot(rec);
    if (rec.lease !== undefined) {
      // The worker checkpoints, stops and reports 'paused'; a dead worker's lease expiry pauses it too.
      this.pauseRequested.add(rec.executionId);
      this.dispatcher.abort(rec.lease.workerId, rec.executionId, rec.lease.token, 'pause');
      return snapshot(rec);
    }
    this.dequeue(rec);
    await this.transition(rec, 'paused', 'pause requested');
    return snapshot(rec);
  }

  async resumeExecution(executionId: string): Promise<ExecutionRecord> {
    const rec = this.mustGet(executionId);
    this.assertWritable('resume');
    if (rec.status !== 'paused') {
      const pending = this.pauseRequested.has(rec.executionId) ? ' (pause requested; resume it once it is paused)' : '';
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} is ${rec.status}${pending}; only paused executions can be resumed`);
    }
    const deps = dependencyState(rec, (id) => this.records.get(id));
    let p: Promise<void>;
    if (deps.state === 'failed') {
      p = this.finish(rec, 'failed', 'dependency_failed', {
        code: 'dependency_failed',
        message: `dependency ${deps.dependency} ended ${deps.status}`,
      });
    } else {
      rec.nextRunAt = undefined;
      p = this.transition(rec, deps.state === 'done' ? 'scheduled' : 'pending', 'resumed');
      this.enqueue(rec);
    }
    this.flushWake();
    await p;
    return snapshot(rec);
  }

  getExecution(executionId: string): ExecutionRecord | undefined {
    const rec = this.records.get(asExecutionId(executionId));
    return rec === undefined ? undefined : snapshot(rec);
  }

  listExecutions(query: ListQuery = {}): { executions: ExecutionRecord[]; nextCursor: string | null } {
    const page = this.listing.page(parseQuery(query));
    return { executions: page.executions.map(snapshot), nextCursor: page.nextCursor };
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
        const dep = this.records.get(d);
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
      if (rec.idempotencyKey !== undefined && this.byKey.get(rec.idempotencyKey) === id) this.byKey.delete(rec.idempotencyKey);
    }
    if (gone.size > 0) this.listing.removeWhere((r) => gone.has(r.executionId));
    return this.persist(this.store.prune(completedBefore));
  }

  addPreExecutionHook(hook: ExecutionHook): void {
    this.preHooks.push(hook);
  }

  addPostExecutionHook(hook: ExecutionHook): void {
    this.postHooks.push(hook);
  }
}
