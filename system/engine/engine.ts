/**
 * The task execution engine: owns every execution's state (authoritative in
 * memory, persisted through the Store before any public promise resolves),
 * schedules ready work by priority, enforces the global concurrency limit at
 * claim time, fences results by lease token, retries by policy, times out and
 * cancels attempts through the Dispatcher, fails dependents of failed work at
 * once, and rebuilds itself from the Store after a restart (recover()).
 *
 * Every status change goes through `transition()`: one history entry, one
 * 'status' event, one Store operation. Time comes from the Clock, ids from
 * Random, collections are iterated in insertion order: runs are deterministic.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { ErrorCode, IllegalStateError, NotFoundError, SquallError } from '../core/errors.js';
import type { EventSink, SystemEvent } from '../core/events.js';
import { asExecutionId, type ExecutionId, type LeaseToken, newLeaseToken, type WorkerId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Random } from '../core/random.js';
import type { Store } from '../store/store.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { type EngineConfig, engineConfigWithDefaults, type ResolvedEngineConfig } from './config.js';
import type {
  AssignmentSpec,
  Dispatcher,
  EngineApi,
  EngineForCoordinator,
  ExecutionHook,
  ExecutionSpec,
  GraphSpec,
  ListQuery,
  ResultOutcome,
  ResultReport,
  ResultVerdict,
} from './contract.js';
import { DelayQueue } from './delay-queue.js';
import { ListingIndex, parseQuery } from './listing.js';
import { type CheckpointRecord, type ExecutionRecord, type ExecutionStatus, isTerminal } from './model.js';
import { ReadyQueue } from './ready-queue.js';
import { failedAttempts, snapshot } from './records.js';
import { dependencyState, recoveryAction } from './recovery.js';
import { maxFailedAttempts, retryDelayMs, shouldRetry } from './retry.js';
import { StatsCollector } from './stats.js';
import { type SubmitItem, Submitter } from './submit.js';

/** The seams the engine runs on. */
export interface EngineDeps {
  store: Store;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventSink;
}

/** Cheap counts for metrics (see Engine.snapshotCounts). */
export interface EngineCounts {
  total: number;
  byStatus: Record<ExecutionStatus, number>;
  /** Claimed and not finished (preparing + running): what maxConcurrentExecutions limits. */
  inFlight: number;
  /** Ready to claim now. */
  queueLength: number;
  /** Waiting for scheduledAt or a retry time. */
  delayed: number;
}

type TerminalStatus = 'completed' | 'failed' | 'cancelled' | 'timeout';
type ErrorInfo = { code: string; message: string };

const noop = (): void => {};
const nullDispatcher: Dispatcher = { abort: noop, wake: noop };

export class Engine implements EngineForCoordinator, EngineApi {
  /** Resolved configuration (defaults applied). */
  readonly config: ResolvedEngineConfig;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly events: EventSink;
  private dispatcher: Dispatcher = nullDispatcher;

  private readonly records = new Map<ExecutionId, ExecutionRecord>();
  private readonly listing = new ListingIndex();
  private readonly seqOf = new Map<ExecutionId, number>();
  private nextSeq = 0;
  private readonly byKey = new Map<string, ExecutionId>();
  private readonly dependents = new Map<ExecutionId, ExecutionId[]>();
  private readonly ready = new ReadyQueue();
  private readonly delayed: DelayQueue;
  /** Executions holding a lease (preparing/running), in claim order. */
  private readonly leased = new Map<ExecutionId, ExecutionRecord>();
  private readonly byWorker = new Map<WorkerId, Set<ExecutionId>>();
  private readonly timeouts = new Map<ExecutionId, TimerHandle>();
  private readonly pauseRequested = new Set<ExecutionId>();
  /** Lease tokens whose outcome was recorded, with the commit of that outcome. */
  private readonly recorded = new Map<ExecutionId, Map<LeaseToken, Promise<void>>>();
  private readonly breakers: CircuitBreakers;
  private readonly stats: StatsCollector;
  private readonly submitter: Submitter;
  private readonly preHooks: ExecutionHook[] = [];
  private readonly postHooks: ExecutionHook[] = [];
  private sweepTimer: TimerHandle | undefined;
  private state: 'new' | 'recovering' | 'running' | 'closed' = 'new';
  private wakeWanted = false;

  constructor(deps: EngineDeps, config: EngineConfig) {
    this.config = engineConfigWithDefaults(config);
    this.store = deps.store;
    this.clock = deps.clock;
    this.random = deps.random;
    this.logger = deps.logger;
    this.events = deps.events;
    this.delayed = new DelayQueue(this.clock, (id) => this.onDue(id));
    this.breakers = new CircuitBreakers(this.clock, this.config.breaker, () => this.dispatcher.wake());
    this.stats = new StatsCollector(this.config.durationSamples);
    this.submitter = new Submitter(
      this.config,
      this.random,
      (id) => this.records.get(id),
      (key) => this.byKey.get(key),
      () => this.clock.now(),
    );
  }

  /** The coordinator's side of the seam: abort attempts, wake the assignment loop. */
  setDispatcher(dispatcher: Dispatcher): void {
    this.dispatcher = dispatcher;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Loads every execution from the Store and rebuilds queues, leases and timers. Call once, before use. */
  async recover(): Promise<void> {
    if (this.state !== 'new') throw new IllegalStateError(`Engine.recover() may be called once, before use; the engine is ${this.state}`);
    this.state = 'recovering';
    const loaded = await this.store.loadAll();
    loaded.sort((a, b) => (a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.executionId < b.executionId ? -1 : 1));
    for (const rec of loaded) {
      this.index(rec);
      this.stats.onRecovered(rec);
    }
    const now = this.clock.now();
    const commits: Promise<void>[] = [];
    for (const rec of loaded) {
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
    this.state = 'running';
    this.sweepTimer = this.clock.setInterval(() => this.sweepLeases(), this.config.leaseSweepMs);
    await Promise.all(commits);
    this.requestWake();
    this.flushWake();
  }

  /** Cancels every timer (sweep, delays, timeouts, breakers). In-memory state stays readable. */
  close(): void {
    this.state = 'closed';
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    this.delayed.close();
    for (const t of this.timeouts.values()) t.cancel();
    this.timeouts.clear();
    this.breakers.close();
  }

  // ------------------------------------------------------ coordinator seam

  claimNext(workerId: WorkerId, kinds: ReadonlySet<string>): { assignment: AssignmentSpec; committed: Promise<void> } | undefined {
    this.assertRunning('claimNext');
    if (this.leased.size >= this.config.maxConcurrentExecutions) return undefined;
    const entry = this.ready.best(kinds, (kind) => this.breakers.canPass(kind));
    if (entry === undefined) return undefined;
    this.ready.remove(entry.id);
    const rec = this.records.get(entry.id);
    if (rec === undefined || (rec.status !== 'scheduled' && rec.status !== 'retrying') || rec.lease !== undefined) {
      this.logger.error({ executionId: entry.id, status: rec?.status }, 'engine: ready queue held a non-claimable execution');
      return this.claimNext(workerId, kinds);
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
    this.emit(rec.checkpoint === undefined ? claimed : { ...claimed, checkpointSeq: rec.checkpoint.seq });
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
    if (rec?.lease?.token !== leaseToken || rec.status !== 'preparing') return;
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
    if (rec?.lease?.token !== leaseToken) return 'stale';
    if (rec.checkpoint !== undefined && checkpoint.seq <= rec.checkpoint.seq) return 'stale';
    const cp: CheckpointRecord = { seq: checkpoint.seq, state: checkpoint.state, attempt: rec.lease.attempt, at: this.clock.now() };
    rec.checkpoint = cp;
    await this.store.saveCheckpoint(executionId, cp);
    this.emit({ type: 'checkpoint_saved', executionId, seq: cp.seq, attempt: cp.attempt });
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
      const commit = this.recorded.get(rec.executionId)?.get(report.leaseToken);
      if (commit !== undefined) {
        rejected('duplicate');
        await commit.catch(noop);
        return 'duplicate';
      }
      rejected('stale');
      return 'stale';
    }
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
    this.assertRunning('scheduleTask');
    const [rec] = await this.submit(this.submitter.planOne(spec));
    return snapshot(rec as ExecutionRecord);
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
    if (isTerminal(rec.status)) {
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} already ${rec.status}; only unfinished executions can be cancelled`);
    }
    if (rec.lease !== undefined) this.dispatcher.abort(rec.lease.workerId, rec.executionId, rec.lease.token, 'cancel');
    const p = this.finish(rec, 'cancelled', reason, { code: 'cancelled', message: reason });
    this.flushWake();
    await p;
    return snapshot(rec);
  }

  async pauseExecution(executionId: string): Promise<ExecutionRecord> {
    const rec = this.mustGet(executionId);
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
    if (rec.status !== 'paused') {
      throw new SquallError(ErrorCode.Conflict, `execution ${executionId} is ${rec.status}; only paused executions can be resumed`);
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
    const breakers: Record<string, string> = {};
    for (const kind of [...this.config.taskKinds.keys()].sort()) breakers[kind] = this.breakers.state(kind);
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
      breakers: { ...this.breakers.states(), ...breakers },
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

  /** Breaker state of one kind ('closed' | 'open' | 'half-open'), for metrics. */
  breakerState(kind: string): 'closed' | 'open' | 'half-open' {
    return this.breakers.state(kind);
  }

  addPreExecutionHook(hook: ExecutionHook): void {
    this.preHooks.push(hook);
  }

  addPostExecutionHook(hook: ExecutionHook): void {
    this.postHooks.push(hook);
  }

  // -------------------------------------------------------------- internals

  /** Creates planned executions (all or nothing: validation happened in planning), persists them in one submit. */
  private async submit(items: SubmitItem[]): Promise<ExecutionRecord[]> {
    const created: ExecutionRecord[] = [];
    const out: ExecutionRecord[] = [];
    for (const item of items) {
      if (item.existing !== undefined) {
        out.push(this.records.get(item.existing) ?? (created.find((r) => r.executionId === item.existing) as ExecutionRecord));
        continue;
      }
      const rec = item.record;
      this.index(rec);
      this.stats.onCreated(rec.status);
      this.emit({
        type: 'submitted',
        executionId: rec.executionId,
        kind: rec.kind,
        dependencies: [...rec.dependencies],
        maxAttempts: maxFailedAttempts(rec.retry),
        priority: rec.priority,
        retry: { ...rec.retry },
      });
      this.emit({ type: 'status', executionId: rec.executionId, from: null, to: rec.status, attempt: 0, reason: 'submitted' });
      created.push(rec);
      out.push(rec);
    }
    if (created.length === 0) return out;
    const commits: Promise<void>[] = [this.store.submit(created)];
    for (const rec of created) {
      const deps = dependencyState(rec, (id) => this.records.get(id));
      if (rec.status === 'pending' && deps.state === 'failed') {
        commits.push(
          this.finish(rec, 'failed', 'dependency_failed', { code: 'dependency_failed', message: `dependency ${deps.dependency} ended ${deps.status}` }),
        );
      } else {
        this.enqueue(rec);
      }
    }
    this.flushWake();
    await Promise.all(commits);
    return out;
  }

  /** Adds a record to the indexes (not the queues). */
  private index(rec: ExecutionRecord): void {
    this.records.set(rec.executionId, rec);
    this.listing.add(rec);
    this.seqOf.set(rec.executionId, this.nextSeq++);
    if (rec.idempotencyKey !== undefined) this.byKey.set(rec.idempotencyKey, rec.executionId);
    for (const dep of rec.dependencies) {
      const list = this.dependents.get(dep);
      if (list === undefined) this.dependents.set(dep, [rec.executionId]);
      else list.push(rec.executionId);
    }
  }

  /**
   * THE status change: history entry, stats, 'status' event, Store operation
   * (claim for preparing, complete for terminal, update otherwise). An
   * 'interim' entry (a failed/timeout attempt about to be retried) is recorded
   * but not persisted on its own: the retrying transition right after it
   * persists both, so a crash can never leave a non-terminal 'failed' on disk.
   */
  private transition(rec: ExecutionRecord, to: ExecutionStatus, reason: string | undefined, mode: 'persist' | 'interim' = 'persist'): Promise<void> {
    const from = rec.status;
    rec.status = to;
    const entry = { status: to, at: this.clock.now(), previous: from, attempt: rec.attempts };
    rec.statusHistory.push(reason === undefined ? entry : { ...entry, reason });
    this.stats.onTransition(rec, from, to, mode === 'persist' && isTerminal(to));
    this.emit({ type: 'status', executionId: rec.executionId, from, to, attempt: rec.attempts, reason });
    if (mode === 'interim') return Promise.resolve();
    if (to === 'preparing') return this.store.claim(rec);
    if (isTerminal(to)) return this.store.complete(rec);
    return this.store.update([rec]);
  }

  /** Applies the outcome of the current lease. Synchronous state change; returns the commit. */
  private recordOutcome(rec: ExecutionRecord, outcome: ResultOutcome, result: unknown, error: ErrorInfo | undefined): Promise<void> {
    const fields = this.leaseFields(rec);
    const id = rec.executionId;
    let p: Promise<void>;
    switch (outcome) {
      case 'completed':
        this.breakers.onSuccess(rec.kind, id);
        rec.result = result;
        rec.error = undefined;
        p = this.finish(rec, 'completed', 'completed');
        break;
      case 'failed':
      case 'timeout':
        this.breakers.onFailure(rec.kind, id);
        rec.error = error ?? (outcome === 'timeout' ? { code: 'timeout', message: 'the attempt timed out' } : { code: 'task_failed', message: 'the attempt failed' });
        p = this.failAttempt(rec, outcome);
        break;
      case 'paused':
        this.dropLease(rec, 'paused');
        p = this.transition(rec, 'paused', rec.checkpoint === undefined ? 'paused' : `paused at checkpoint ${rec.checkpoint.seq}`);
        break;
      case 'cancelled':
        p = this.finish(rec, 'cancelled', 'cancelled by worker', error ?? { code: 'cancelled', message: 'cancelled by worker' });
        break;
      case 'revoked': {
        const pause = this.pauseRequested.has(id);
        this.dropLease(rec, 'revoked');
        p = this.transition(rec, pause ? 'paused' : 'scheduled', 'revoked');
        this.enqueue(rec);
        break;
      }
      default: {
        const never: never = outcome;
        throw new SquallError(ErrorCode.InvalidArgument, `unknown outcome ${String(never)}`);
      }
    }
    let tokens = this.recorded.get(id);
    if (tokens === undefined) {
      tokens = new Map();
      this.recorded.set(id, tokens);
    }
    tokens.set(fields.leaseToken as LeaseToken, p);
    this.emit({ type: 'result_recorded', ...fields, outcome });
    return p;
  }

  /** A failed or timed-out attempt: retry per policy (interim entry + retrying), or end the execution. */
  private failAttempt(rec: ExecutionRecord, outcome: 'failed' | 'timeout'): Promise<void> {
    const failures = failedAttempts(rec) + 1;
    const why = `${outcome === 'timeout' ? 'attempt timed out' : 'attempt failed'}: ${rec.error?.code ?? outcome}`;
    if (!shouldRetry(rec.retry, failures)) return this.finish(rec, outcome, why);
    const delay = retryDelayMs(rec.retry, failures);
    this.dropLease(rec, outcome);
    this.transition(rec, outcome, why, 'interim').catch(noop);
    rec.nextRunAt = this.clock.now() + delay;
    const p = this.transition(rec, 'retrying', `retry ${failures} of ${maxFailedAttempts(rec.retry) - 1} in ${delay}ms`);
    this.enqueue(rec);
    return p;
  }

  /**
   * Ends an execution and, transitively, every unfinished dependent of an
   * unsuccessful one (failed, reason dependency_failed). Completion makes
   * dependents whose dependencies are all done ready. Iterative, so long
   * chains can't overflow the stack.
   */
  private finish(rec: ExecutionRecord, to: TerminalStatus, reason: string, error?: ErrorInfo): Promise<void> {
    const commits: Promise<void>[] = [];
    const work: { rec: ExecutionRecord; to: TerminalStatus; reason: string; error: ErrorInfo | undefined }[] = [{ rec, to, reason, error }];
    for (let i = 0; i < work.length; i++) {
      const w = work[i] as (typeof work)[number];
      const r = w.rec;
      if (isTerminal(r.status)) continue;
      if (r.lease !== undefined) {
        if (i > 0) this.dispatcher.abort(r.lease.workerId, r.executionId, r.lease.token, 'cancel');
        this.dropLease(r, w.to);
      }
      this.dequeue(r);
      this.pauseRequested.delete(r.executionId);
      if (w.error !== undefined) r.error = w.error;
      r.completedAt = this.clock.now();
      r.nextRunAt = undefined;
      commits.push(this.transition(r, w.to, w.reason));
      this.runHooks(this.postHooks, r);
      for (const depId of this.dependents.get(r.executionId) ?? []) {
        const d = this.records.get(depId);
        if (d === undefined || isTerminal(d.status)) continue;
        if (w.to !== 'completed') {
          const message = `dependency ${r.executionId} ended ${w.to}`;
          work.push({ rec: d, to: 'failed', reason: 'dependency_failed', error: { code: 'dependency_failed', message } });
        } else if (d.status === 'pending' && dependencyState(d, (x) => this.records.get(x)).state === 'done') {
          commits.push(this.transition(d, 'scheduled', 'dependencies_completed'));
          this.enqueue(d);
        }
      }
    }
    return Promise.all(commits).then(noop);
  }

  /** The lease is gone without an outcome (expired, or not held after sync): abort it and re-queue (or pause). */
  private loseLease(rec: ExecutionRecord, reason: string): void {
    const lease = rec.lease;
    if (lease === undefined) return;
    this.emit({ type: 'lease_expired', ...this.leaseFields(rec) });
    this.dispatcher.abort(lease.workerId, rec.executionId, lease.token, 'revoked');
    const pause = this.pauseRequested.has(rec.executionId);
    this.dropLease(rec, reason);
    this.background(this.transition(rec, pause ? 'paused' : 'scheduled', reason), 'requeue');
    this.enqueue(rec);
  }

  private sweepLeases(): void {
    const now = this.clock.now();
    const expired: ExecutionRecord[] = [];
    for (const rec of this.leased.values()) if ((rec.lease?.expiresAt ?? 0) <= now) expired.push(rec);
    for (const rec of expired) this.loseLease(rec, 'lease_expired');
    this.flushWake();
  }

  private trackLease(rec: ExecutionRecord): void {
    const lease = rec.lease as NonNullable<ExecutionRecord['lease']>;
    this.leased.set(rec.executionId, rec);
    let set = this.byWorker.get(lease.workerId);
    if (set === undefined) {
      set = new Set();
      this.byWorker.set(lease.workerId, set);
    }
    set.add(rec.executionId);
  }

  /** Releases the current lease (slot, timer, breaker trial); later results with its token are stale. */
  private dropLease(rec: ExecutionRecord, reason: string): void {
    const lease = rec.lease;
    if (lease === undefined) return;
    const fields = this.leaseFields(rec);
    rec.lease = undefined;
    const id = rec.executionId;
    this.leased.delete(id);
    const set = this.byWorker.get(lease.workerId);
    set?.delete(id);
    if (set?.size === 0) this.byWorker.delete(lease.workerId);
    this.timeouts.get(id)?.cancel();
    this.timeouts.delete(id);
    this.breakers.onRelease(rec.kind, id);
    this.pauseRequested.delete(id);
    this.emit({ type: 'lease_released', ...fields, reason });
    this.requestWake();
  }

  /** Coordinator-side timeout: timeoutMs + grace after the attempt was claimed or started. */
  private armTimeout(rec: ExecutionRecord): void {
    const id = rec.executionId;
    this.timeouts.get(id)?.cancel();
    this.timeouts.delete(id);
    const lease = rec.lease;
    if (rec.timeoutMs === undefined || lease === undefined || this.state === 'closed') return;
    const token = lease.token;
    const ms = rec.timeoutMs + this.config.timeoutGraceMs;
    this.timeouts.set(
      id,
      this.clock.setTimeout(() => {
        this.timeouts.delete(id);
        const current = this.records.get(id);
        if (current?.lease?.token !== token) return;
        this.dispatcher.abort(current.lease.workerId, id, token, 'timeout');
        const error = { code: 'timeout', message: `the attempt exceeded timeoutMs ${rec.timeoutMs} (+${this.config.timeoutGraceMs} ms grace)` };
        this.background(this.recordOutcome(current, 'timeout', undefined, error), 'timeout');
        this.flushWake();
      }, ms),
    );
  }

  /** Puts a scheduled/retrying execution in the ready queue, or the delay queue if it is not due yet. */
  private enqueue(rec: ExecutionRecord): void {
    if ((rec.status !== 'scheduled' && rec.status !== 'retrying') || rec.lease !== undefined) return;
    const due = rec.nextRunAt ?? rec.scheduledAt;
    if (due !== undefined && due > this.clock.now()) {
      this.delayed.schedule(rec.executionId, due);
      return;
    }
    if (this.ready.push(rec.executionId, rec.kind, rec.priority, this.seqOf.get(rec.executionId) ?? 0)) this.requestWake();
  }

  private dequeue(rec: ExecutionRecord): void {
    this.ready.remove(rec.executionId);
    this.delayed.remove(rec.executionId);
  }

  private onDue(id: ExecutionId): void {
    const rec = this.records.get(id);
    if (rec === undefined || (rec.status !== 'scheduled' && rec.status !== 'retrying') || rec.lease !== undefined) return;
    if (this.ready.push(id, rec.kind, rec.priority, this.seqOf.get(id) ?? 0)) this.requestWake();
    this.flushWake();
  }

  private requestWake(): void {
    this.wakeWanted = true;
  }

  /** One wake per public operation, however many executions became ready. */
  private flushWake(): void {
    if (!this.wakeWanted || this.state !== 'running') return;
    this.wakeWanted = false;
    try {
      this.dispatcher.wake();
    } catch (err) {
      this.logger.error({ err }, 'engine: dispatcher.wake threw');
    }
  }

  private runHooks(hooks: readonly ExecutionHook[], rec: ExecutionRecord): void {
    if (hooks.length === 0) return;
    const view = snapshot(rec);
    for (const hook of hooks) {
      try {
        const r = hook(view);
        if (r instanceof Promise) r.catch((err: unknown) => this.logger.warn({ err, executionId: rec.executionId }, 'engine: hook failed'));
      } catch (err) {
        this.logger.warn({ err, executionId: rec.executionId }, 'engine: hook threw');
      }
    }
  }

  private leaseFields(rec: ExecutionRecord): { executionId: string; workerId: string; attempt: number; leaseToken: string } {
    const lease = rec.lease as NonNullable<ExecutionRecord['lease']>;
    return { executionId: rec.executionId, workerId: lease.workerId, attempt: lease.attempt, leaseToken: lease.token };
  }

  private emit(event: DistributiveOmit<SystemEvent, 'at' | 'source'>): void {
    try {
      this.events.emit({ ...event, at: this.clock.now(), source: 'coordinator' } as SystemEvent);
    } catch (err) {
      this.logger.error({ err }, 'engine: event sink threw');
    }
  }

  private background(p: Promise<unknown>, what: string): void {
    p.catch((err: unknown) => this.logger.error({ err, what }, 'engine: store operation failed'));
  }

  private mustGet(executionId: string): ExecutionRecord {
    const rec = this.records.get(asExecutionId(executionId));
    if (rec === undefined) throw new NotFoundError(`no execution ${JSON.stringify(executionId)}`);
    return rec;
  }

  private assertRunning(what: string): void {
    if (this.state === 'running') return;
    throw new IllegalStateError(
      this.state === 'closed' ? `Engine.${what}: the engine is closed` : `Engine.${what}: call and await recover() first (engine is ${this.state})`,
    );
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
