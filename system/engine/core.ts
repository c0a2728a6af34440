/**
 * The engine's state machine, shared by every public entry point (engine.ts):
 * the authoritative in-memory records and their indexes, THE transition
 * function, outcomes and retries, terminal endings with the dependency
 * cascade, leases and their sweep, coordinator-side timeouts, the ready and
 * delay queues, wakes, hooks and events. Engine (engine.ts) adds the public
 * API on top. Protected methods are the seams the regression tests override
 * to build deliberately broken variants.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { ErrorCode, IllegalStateError, NotFoundError, SquallError } from '../core/errors.js';
import type { EventSink, SystemEvent } from '../core/events.js';
import { asExecutionId, type ExecutionId, type LeaseToken, type WorkerId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { type Marks, noMarks } from '../core/marks.js';
import type { Random } from '../core/random.js';
import type { Store } from '../store/store.js';
import { type BreakerConfig, CircuitBreakers } from './circuit-breaker.js';
import { type EngineConfig, engineConfigWithDefaults, type ResolvedEngineConfig } from './config.js';
import type { Dispatcher, ExecutionHook, ResultOutcome } from './contract.js';
import { DelayQueue } from './delay-queue.js';
import { ListingIndex } from './listing.js';
import { type ExecutionRecord, type ExecutionStatus, isTerminal } from '../core/model.js';
import { type ReadyEntry, ReadyQueue } from './ready-queue.js';
import { failedAttempts, snapshot } from './records.js';
import { dependencyState } from './recovery.js';
import { maxFailedAttempts, retryDelayMs, shouldRetry } from './retry.js';
import { StatsCollector } from './stats.js';
import { isStoreFailure, StoreHealth, storeUnavailable } from './store-health.js';
import { Submitter } from './submit.js';

/** The seams the engine runs on. */
export interface EngineDeps {
  store: Store;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventSink;
  /** Coverage marks (default noMarks; the simulation counts them). */
  marks?: Marks;
}

export type TerminalStatus = 'completed' | 'failed' | 'cancelled' | 'timeout';
export type ErrorInfo = { code: string; message: string };
/** One pending ending in finish()'s worklist. */
export interface FinishWork {
  rec: ExecutionRecord;
  to: TerminalStatus;
  reason: string;
  error: ErrorInfo | undefined;
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const noop = (): void => {};
const RECORDED_TOKENS_KEPT = 200_000;
const nullDispatcher: Dispatcher = { abort: noop, wake: noop };

export abstract class EngineCore {
  readonly config: ResolvedEngineConfig;
  protected readonly store: Store;
  protected readonly clock: Clock;
  protected readonly random: Random;
  protected readonly logger: Logger;
  protected readonly events: EventSink;
  protected readonly marks: Marks;
  protected dispatcher: Dispatcher = nullDispatcher;

  protected readonly records = new Map<ExecutionId, ExecutionRecord>();
  protected readonly listing = new ListingIndex();
  protected readonly seqOf = new Map<ExecutionId, number>();
  protected nextSeq = 0;
  protected readonly byKey = new Map<string, ExecutionId>();
  protected readonly dependents = new Map<ExecutionId, ExecutionId[]>();
  protected readonly ready: ReadyQueue;
  protected readonly delayed: DelayQueue;
  /** Executions holding a lease (preparing/running), in claim order. */
  protected readonly leased = new Map<ExecutionId, ExecutionRecord>();
  protected readonly byWorker = new Map<WorkerId, Set<ExecutionId>>();
  protected readonly timeouts = new Map<ExecutionId, TimerHandle>();
  protected readonly pauseRequested = new Set<ExecutionId>();
  /**
   * Lease tokens whose outcome was recorded, with the commit of that outcome
   * (so a duplicate is acknowledged only after the original committed).
   * Bounded: the oldest are forgotten; a very late duplicate then reads 'stale'.
   */
  protected readonly recorded = new Map<LeaseToken, Promise<void>>();
  /** Commits of submissions still in flight (an idempotent repeat waits for them). */
  protected readonly pendingSubmits = new Map<ExecutionId, Promise<void>>();
  protected readonly breakers: CircuitBreakers;
  protected readonly stats: StatsCollector;
  protected readonly submitter: Submitter;
  protected readonly preHooks: ExecutionHook[] = [];
  protected readonly postHooks: ExecutionHook[] = [];
  protected sweepTimer: TimerHandle | undefined;
  protected state: 'new' | 'recovering' | 'running' | 'closed' = 'new';
  protected wakeWanted = false;
  /** Can the store commit? Failing: no dispatch, writes refused (503) until a probe commits and state is reloaded. */
  protected readonly health: StoreHealth;
  /** Bumped by every reload from the store: commit callbacks of an older epoch act on nothing. */
  protected epoch = 0;
  /**
   * Events about an execution waiting for its next persisted transition to
   * commit (interim statuses, claims, lease releases, expiries): emitted just
   * before that transition's status event, dropped if it fails (rolled back).
   */
  private readonly deferredEvents = new Map<ExecutionId, SystemEvent[]>();
  /** The latest persisted transition of each execution still in its commit window (see committedState). */
  private readonly pendingCommits = new Map<ExecutionId, Promise<void>>();

  constructor(deps: EngineDeps, config: EngineConfig) {
    this.config = engineConfigWithDefaults(config);
    this.store = deps.store;
    this.clock = deps.clock;
    this.random = deps.random;
    this.logger = deps.logger;
    this.events = deps.events;
    this.marks = deps.marks ?? noMarks;
    this.ready = this.createReadyQueue();
    this.delayed = new DelayQueue(this.clock, (id) => this.onDue(id));
    this.breakers = this.createBreakers(this.config.breaker, () => this.dispatcher.wake());
    this.stats = this.createStats(this.config.durationSamples);
    this.submitter = new Submitter(
      this.config,
      this.random,
      (id) => this.records.get(id),
      (key) => this.byKey.get(key),
      () => this.clock.now(),
    );
    this.health = new StoreHealth(
      this.clock,
      this.logger,
      () => (this.store.probe === undefined ? this.store.update([]) : this.store.probe()),
      (downMs) => this.reloadFromStore(downMs),
      (error) => this.emit({ type: 'store_failed', error }),
    );
  }

  /** Rebuilds every in-memory structure from the store's committed state (engine.ts). */
  protected abstract reloadFromStore(downMs: number): Promise<void>;

  /**
   * Every Store write goes through here: a failure marks the store failing
   * (for real I/O failures), and the caller gets store_unavailable (503) or
   * the store's own logical error. The reload that follows recovery rolls
   * the in-memory state back to what committed.
   */
  protected persist<T>(op: Promise<T>): Promise<T> {
    const epoch = this.epoch;
    return op.catch((err: unknown) => {
      if (!isStoreFailure(err)) {
        // A logical failure (e.g. not found) of a change made in memory: roll back by reloading too.
        if (epoch === this.epoch) this.health.failed(err);
        throw err;
      }
      this.health.failed(err);
      throw storeUnavailable(err);
    });
  }

  /** Throws store_unavailable while the store is failing: no change is made that could not be committed. */
  protected assertWritable(what: string): void {
    if (this.health.ok) return;
    const st = this.health.status();
    throw storeUnavailable(new Error(`${what}: the store is failing since ${st.failingSince ?? '?'} (${st.error ?? 'unknown error'})`));
  }

  /** Factory seam (tests build broken variants by overriding it). */
  protected createReadyQueue(): ReadyQueue {
    return new ReadyQueue();
  }

  /** Factory seam (tests build broken variants by overriding it). */
  protected createBreakers(config: BreakerConfig, onReopenable: () => void): CircuitBreakers {
    return new CircuitBreakers(this.clock, config, onReopenable);
  }

  /** Factory seam (tests build broken variants by overriding it). */
  protected createStats(samples: number): StatsCollector {
    return new StatsCollector(samples);
  }

  /** Claimed-but-unfinished executions, counted from the moment of the claim (not the start). */
  protected inFlight(): number {
    return this.leased.size;
  }

  /** The best ready execution among `kinds` whose breaker lets it through. */
  protected pickReady(kinds: ReadonlySet<string>): ReadyEntry | undefined {
    return this.ready.best(kinds, (kind) => this.breakerAllows(kind));
  }

  protected breakerAllows(kind: string): boolean {
    return this.breakers.canPass(kind);
  }

  /** Second line of the double-claim guard: only an unleased scheduled/retrying execution may be claimed. */
  protected claimable(rec: ExecutionRecord | undefined): rec is ExecutionRecord {
    return rec !== undefined && (rec.status === 'scheduled' || rec.status === 'retrying') && rec.lease === undefined;
  }

  /** The coordinator's side of the seam: abort attempts, wake the assignment loop. */
  setDispatcher(dispatcher: Dispatcher): void {
    this.dispatcher = dispatcher;
  }

  protected index(rec: ExecutionRecord): void {
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
  protected transition(rec: ExecutionRecord, to: ExecutionStatus, reason: string | undefined, mode: 'persist' | 'interim' = 'persist'): Promise<void> {
    const from = rec.status;
    rec.status = to;
    const entry = { status: to, at: this.clock.now(), previous: from, attempt: rec.attempts };
    rec.statusHistory.push(reason === undefined ? entry : { ...entry, reason });
    this.stats.onTransition(rec, from, to, mode === 'persist' && isTerminal(to));
    const event = this.stamp({ type: 'status', executionId: rec.executionId, from, to, attempt: rec.attempts, reason });
    const id = rec.executionId;
    const earlier = this.deferredEvents.get(id) ?? [];
    if (mode === 'interim') {
      this.deferredEvents.set(id, [...earlier, event]);
      return Promise.resolve();
    }
    this.deferredEvents.delete(id);
    const op = to === 'preparing' ? this.store.claim(rec) : isTerminal(to) ? this.store.complete(rec) : this.store.update([rec]);
    // Listeners (history, metrics) hear of a change only once it committed.
    const committed = this.persist(op).then(() => {
      for (const e of [...earlier, event]) this.send(e);
    });
    this.pendingCommits.set(id, committed);
    const clear = (): void => void (this.pendingCommits.get(id) === committed && this.pendingCommits.delete(id));
    committed.then(clear, clear);
    return committed;
  }

  /**
   * Resolves once the execution's latest status change committed (at once if
   * none is pending); rejects if it failed. A verdict that refuses a worker's
   * message against in-memory state (a started, checkpoint or result for a
   * lease that just ended) waits for it: the coordinator acknowledges the
   * message with the verdict, and a crash inside the commit window would
   * otherwise leave an acknowledged message judged against a change the
   * store never kept (the lease is live again after the restart).
   */
  protected committedState(id: ExecutionId): Promise<void> {
    return this.pendingCommits.get(id) ?? Promise.resolve();
  }

  /** Applies the outcome of the current lease. Synchronous state change; returns the commit. */
  protected recordOutcome(rec: ExecutionRecord, outcome: ResultOutcome, result: unknown, error: ErrorInfo | undefined): Promise<void> {
    const fields = this.leaseFields(rec);
    const id = rec.executionId;
    // Goes out with the outcome's first committed transition, before any later claim's events.
    this.defer({ type: 'result_recorded', ...fields, outcome });
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
    this.recorded.set(fields.leaseToken as LeaseToken, p);
    if (this.recorded.size > RECORDED_TOKENS_KEPT) {
      const oldest = this.recorded.keys().next();
      if (oldest.done !== true) this.recorded.delete(oldest.value);
    }
    return p;
  }

  /** A failed or timed-out attempt: retry per policy (interim entry + retrying), or end the execution. */
  protected failAttempt(rec: ExecutionRecord, outcome: 'failed' | 'timeout'): Promise<void> {
    const failures = failedAttempts(rec) + 1;
    const why = `${outcome === 'timeout' ? 'attempt timed out' : 'attempt failed'}: ${rec.error?.code ?? outcome}`;
    if (!shouldRetry(rec.retry, failures)) return this.finish(rec, outcome, why);
    const delay = retryDelayMs(rec.retry, failures);
    const pause = this.pauseRequested.has(rec.executionId);
    this.dropLease(rec, outcome);
    this.transition(rec, outcome, why, 'interim').catch(noop);
    rec.nextRunAt = this.clock.now() + delay;
    if (delay > 0) this.marks.hit('engine.retry-delay-scheduled');
    const p = this.transition(rec, 'retrying', `retry ${failures} of ${maxFailedAttempts(rec.retry) - 1} in ${delay}ms`);
    if (!pause) {
      this.enqueue(rec);
      return p;
    }
    // A pause requested during the attempt still holds: the retry waits for resume.
    rec.nextRunAt = undefined;
    return Promise.all([p, this.transition(rec, 'paused', 'pause requested')]).then(noop);
  }

  /**
   * Ends an execution and, transitively, every unfinished dependent of an
   * unsuccessful one (failed, reason dependency_failed). Completion makes
   * dependents whose dependencies are all done ready. Iterative, so long
   * chains can't overflow the stack. Holders of ended leases are told to
   * abort ('cancel'): dependents always, `rec` itself if abortHolder.
   */
  protected finish(rec: ExecutionRecord, to: TerminalStatus, reason: string, error?: ErrorInfo, abortHolder = false): Promise<void> {
    const commits: Promise<void>[] = [];
    const work: FinishWork[] = [{ rec, to, reason, error }];
    const aborts: { rec: ExecutionRecord; lease: NonNullable<ExecutionRecord['lease']> }[] = [];
    for (let i = 0; i < work.length; i++) {
      const w = work[i] as FinishWork;
      const r = w.rec;
      if (isTerminal(r.status)) continue;
      if (r.lease !== undefined) {
        if (i > 0 || abortHolder) aborts.push({ rec: r, lease: r.lease });
        this.dropLease(r, w.to);
      }
      this.dequeue(r);
      this.pauseRequested.delete(r.executionId);
      if (w.error !== undefined) r.error = w.error;
      r.completedAt = this.clock.now();
      r.nextRunAt = undefined;
      const committed = this.transition(r, w.to, w.reason);
      // Hooks see the ended execution once its ending committed.
      const view = this.postHooks.length === 0 ? undefined : snapshot(r);
      commits.push(
        committed.then(() => {
          if (view !== undefined) this.runHooks(this.postHooks, view);
        }),
      );
      for (const depId of this.dependents.get(r.executionId) ?? []) {
        const d = this.records.get(depId);
        if (d !== undefined && !isTerminal(d.status)) this.dependencyEnded(d, r, work, commits, committed);
      }
    }
    // Abort after the state change: a dispatcher that calls back at once finds the lease already gone.
    for (const { rec: r, lease } of aborts) {
      if (r === rec && to === 'cancelled') this.marks.hit('engine.cancel-running');
      this.dispatcher.abort(lease.workerId, r.executionId, lease.token, 'cancel');
    }
    return Promise.all(commits).then(noop);
  }

  /**
   * A dependency of `dependent` ended: completed → ready it if all its
   * dependencies are done; anything else → queue it to fail (dependency_failed).
   */
  protected dependencyEnded(
    dependent: ExecutionRecord,
    dependency: ExecutionRecord,
    work: FinishWork[],
    commits: Promise<void>[],
    dependencyCommitted: Promise<void> = Promise.resolve(),
  ): void {
    if (dependency.status !== 'completed') {
      const message = `dependency ${dependency.executionId} ended ${dependency.status}`;
      work.push({ rec: dependent, to: 'failed', reason: 'dependency_failed', error: { code: 'dependency_failed', message } });
    } else if (dependent.status === 'pending' && dependencyState(dependent, (x) => this.records.get(x)).state === 'done') {
      const scheduled = this.transition(dependent, 'scheduled', 'dependencies_completed');
      commits.push(scheduled);
      // Dispatchable only once the dependency's completion (and this change) committed.
      const epoch = this.epoch;
      Promise.all([dependencyCommitted, scheduled]).then(() => {
        if (epoch !== this.epoch) return;
        this.enqueue(dependent);
        this.flushWake();
      }, noop);
    }
  }

  /** The lease is gone without an outcome (expired, or not held after sync): abort it and re-queue (or pause). */
  protected loseLease(rec: ExecutionRecord, reason: string): void {
    const lease = rec.lease;
    // While the store is failing nothing changes; the reload after recovery re-arms leases afresh.
    if (lease === undefined || !this.health.ok) return;
    this.defer({ type: 'lease_expired', ...this.leaseFields(rec) });
    this.marks.hit('engine.lease-expired');
    const pause = this.pauseRequested.has(rec.executionId);
    this.dropLease(rec, reason);
    this.background(this.transition(rec, pause ? 'paused' : 'scheduled', reason), 'requeue');
    this.enqueue(rec);
    this.dispatcher.abort(lease.workerId, rec.executionId, lease.token, 'revoked');
  }

  protected sweepLeases(): void {
    if (!this.health.ok) return;
    const now = this.clock.now();
    const expired: ExecutionRecord[] = [];
    for (const rec of this.leased.values()) if ((rec.lease?.expiresAt ?? 0) <= now) expired.push(rec);
    for (const rec of expired) this.loseLease(rec, 'lease_expired');
    this.flushWake();
  }

  protected trackLease(rec: ExecutionRecord): void {
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
  protected dropLease(rec: ExecutionRecord, reason: string): void {
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
    this.defer({ type: 'lease_released', ...fields, reason });
    this.requestWake();
  }

  /** Coordinator-side timeout: timeoutMs + grace after the attempt was claimed or started. */
  protected armTimeout(rec: ExecutionRecord): void {
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
        if (current?.lease?.token !== token || !this.health.ok) return;
        const workerId = current.lease.workerId;
        this.marks.hit('engine.timeout-enforced');
        const error = { code: 'timeout', message: `the attempt exceeded timeoutMs ${rec.timeoutMs} (+${this.config.timeoutGraceMs} ms grace)` };
        this.background(this.recordOutcome(current, 'timeout', undefined, error), 'timeout');
        this.dispatcher.abort(workerId, id, token, 'timeout');
        this.flushWake();
      }, ms),
    );
  }

  /** Puts a scheduled/retrying execution in the ready queue, or the delay queue if it is not due yet. */
  protected enqueue(rec: ExecutionRecord): void {
    if ((rec.status !== 'scheduled' && rec.status !== 'retrying') || rec.lease !== undefined) return;
    // Not dispatchable before its submission committed (submit() enqueues it then).
    if (this.pendingSubmits.has(rec.executionId)) return;
    const due = rec.nextRunAt ?? rec.scheduledAt;
    if (due !== undefined && due > this.clock.now()) {
      this.delayed.schedule(rec.executionId, due);
      return;
    }
    if (this.ready.push(rec.executionId, rec.kind, rec.priority, this.seqOf.get(rec.executionId) ?? 0)) this.requestWake();
  }

  protected dequeue(rec: ExecutionRecord): void {
    this.ready.remove(rec.executionId);
    this.delayed.remove(rec.executionId);
  }

  protected onDue(id: ExecutionId): void {
    const rec = this.records.get(id);
    if (rec === undefined || (rec.status !== 'scheduled' && rec.status !== 'retrying') || rec.lease !== undefined) return;
    if (this.ready.push(id, rec.kind, rec.priority, this.seqOf.get(id) ?? 0)) this.requestWake();
    this.flushWake();
  }

  protected requestWake(): void {
    this.wakeWanted = true;
  }

  /** One wake per public operation, however many executions became ready. */
  protected flushWake(): void {
    if (!this.wakeWanted || this.state !== 'running') return;
    this.wakeWanted = false;
    try {
      this.dispatcher.wake();
    } catch (err) {
      this.logger.error({ err }, 'engine: dispatcher.wake threw');
    }
  }

  protected runHooks(hooks: readonly ExecutionHook[], rec: ExecutionRecord): void {
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

  protected leaseFields(rec: ExecutionRecord): { executionId: string; workerId: string; attempt: number; leaseToken: string } {
    const lease = rec.lease as NonNullable<ExecutionRecord['lease']>;
    return { executionId: rec.executionId, workerId: lease.workerId, attempt: lease.attempt, leaseToken: lease.token };
  }

  protected emit(event: DistributiveOmit<SystemEvent, 'at' | 'source'>): void {
    this.send(this.stamp(event));
  }

  /** Emits an event about one execution with its next persisted transition, once that committed. */
  protected defer(event: DistributiveOmit<SystemEvent, 'at' | 'source'> & { executionId: string }): void {
    const id = event.executionId as ExecutionId;
    this.deferredEvents.set(id, [...(this.deferredEvents.get(id) ?? []), this.stamp(event)]);
  }

  /** Forgets deferred events (a reload rolled their changes back). */
  protected dropDeferred(): void {
    this.deferredEvents.clear();
  }

  private stamp(event: DistributiveOmit<SystemEvent, 'at' | 'source'>): SystemEvent {
    return { ...event, at: this.clock.now(), source: 'coordinator' } as SystemEvent;
  }

  protected send(event: SystemEvent): void {
    try {
      this.events.emit(event);
    } catch (err) {
      this.logger.error({ err }, 'engine: event sink threw');
    }
  }

  protected background(p: Promise<unknown>, what: string): void {
    p.catch((err: unknown) => this.logger.error({ err, what }, 'engine: store operation failed'));
  }

  protected mustGet(executionId: string): ExecutionRecord {
    const rec = this.records.get(asExecutionId(executionId));
    if (rec === undefined) throw new NotFoundError(`no execution ${JSON.stringify(executionId)}`);
    return rec;
  }

  protected assertRunning(what: string): void {
    if (this.state === 'running') return;
    throw new IllegalStateError(
      this.state === 'closed' ? `Engine.${what}: the engine is closed` : `Engine.${what}: call and await recover() first (engine is ${this.state})`,
    );
  }
}
