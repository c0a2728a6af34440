/**
 * The bottom layer of the engine's state machine (see core.ts): the
 * authoritative in-memory records and their indexes, the Store write path,
 * THE transition function with its commit window, and events. Leases and
 * queues (core-leases.ts) and outcomes and endings (core.ts) build on it.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { EventSink, SystemEvent } from '../core/events.js';
import type { EngineDeps } from './core-types.js';
import { type ExecutionId, type LeaseToken, type WorkerId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { type Marks, noMarks } from '../core/marks.js';
import type { Random } from '../core/random.js';
import type { Store } from '../store/store.js';
import { type BreakerConfig, CircuitBreakers } from './circuit-breaker.js';
import { type EngineConfig, engineConfigWithDefaults, type ResolvedEngineConfig } from './config.js';
import type { Dispatcher, ExecutionHook } from './contract.js';
import { DelayQueue } from './delay-queue.js';
import { ListingIndex } from './listing.js';
import { type ExecutionRecord, type ExecutionStatus, isTerminal } from '../core/model.js';
import { ReadyQueue } from './ready-queue.js';
import { RecordTable } from './record-table.js';
import { SharedValues } from './shared-values.js';
import { appendStatus, compactHistory } from '../core/status-history.js';
import { StatsCollector } from './stats.js';
import { isStoreFailure, StoreHealth, storeUnavailable } from './store-health.js';
import { Submitter } from './submit.js';
import { withoutKey } from './young-maps.js';

export type { EngineDeps, ErrorInfo, FinishWork, TerminalStatus } from './core-types.js';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const noop = (): void => {};
const nullDispatcher: Dispatcher = { abort: noop, wake: noop };

/** The engine's records, indexes, store write path, transitions and events; extended by EngineLeases and EngineCore. */
export abstract class EngineState {
  readonly config: ResolvedEngineConfig;
  protected readonly store: Store;
  protected readonly clock: Clock;
  protected readonly random: Random;
  protected readonly logger: Logger;
  protected readonly events: EventSink;
  protected readonly marks: Marks;
  protected dispatcher: Dispatcher = nullDispatcher;

  /** Values most records hold equal copies of, kept once; a record is compacted before it is indexed (submit, load). */
  protected readonly shared: SharedValues;
  /** Every execution the engine knows; an ended one, once settled, as one compact value (record-table.ts). */
  protected readonly records: RecordTable;
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
  /**
   * Leases the engine lost (expired, or not held after a sync) whose loss has
   * not committed yet: their holder was told to abort or holds nothing. A
   * store failure rolls the loss back, but not this: a reload leaves them due
   * (the sweep loses them again, without a second abort), heartbeats of the
   * same worker id do not renew them and a sync does not confirm them.
   * Survives reloads; each reload drops tokens no longer live.
   */
  protected readonly lostLeases = new Set<LeaseToken>();
  /**
   * Leases a reload brought back that memory had already ended (an outcome,
   * cancel or expiry whose commit failed), or that a sync did not report while
   * the store was failing: whether their holder still has them is unknown, so
   * heartbeats do not renew them until a sync confirms them or the holder's
   * re-sent result lands; otherwise they expire one lease period later.
   */
  protected readonly unconfirmed = new Set<LeaseToken>();
  /** Commits of submissions still in flight (an idempotent repeat waits for them). */
  protected pendingSubmits = new Map<ExecutionId, Promise<void>>();
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
  protected deferredEvents = new Map<ExecutionId, SystemEvent[]>();
  /** The latest persisted transition of each execution still in its commit window (see committedState, core-leases.ts). */
  protected pendingCommits = new Map<ExecutionId, Promise<void>>();

  constructor(deps: EngineDeps, config: EngineConfig) {
    this.config = engineConfigWithDefaults(config);
    this.store = deps.store;
    this.clock = deps.clock;
    this.random = deps.random;
    this.logger = deps.logger;
    this.events = deps.events;
    this.marks = deps.marks ?? noMarks;
    this.shared = new SharedValues(this.config.defaultRetry, this.config.taskKinds.keys());
    this.records = new RecordTable(this.shared);
    this.ready = this.createReadyQueue();
    this.delayed = this.createDelayQueue((id) => this.onDue(id));
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
      () => this.sweepLeases(),
    );
  }

  /** Rebuilds every in-memory structure from the store's committed state (engine.ts). */
  protected abstract reloadFromStore(downMs: number): Promise<void>;
  /** Loses every lease past its expiry (core-leases.ts); also run as soon as the store is ok again. */
  protected abstract sweepLeases(): void;

  /** Keeps a settled ended execution as one compact value (committed.ts). */
  protected abstract packIfSettled(rec: ExecutionRecord): void;
  /** A delayed execution came due (core-leases.ts). */
  protected abstract onDue(id: ExecutionId): void;

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

  /** Factory seams, from here to createStats (tests build broken variants by overriding them). */
  protected createReadyQueue(): ReadyQueue {
    return new ReadyQueue();
  }
  protected createDelayQueue(onDue: (id: ExecutionId) => void): DelayQueue {
    return new DelayQueue(this.clock, onDue, this.marks);
  }
  protected createBreakers(config: BreakerConfig, onReopenable: () => void): CircuitBreakers {
    return new CircuitBreakers(this.clock, config, onReopenable);
  }
  protected createStats(samples: number): StatsCollector {
    return new StatsCollector(samples);
  }

  /** The coordinator's side of the seam: abort attempts, wake the assignment loop. */
  setDispatcher(dispatcher: Dispatcher): void {
    this.dispatcher = dispatcher;
  }

  protected index(rec: ExecutionRecord): void {
    this.records.set(rec.executionId, rec);
    this.listing.add(rec);
    const seq = this.nextSeq++;
    if (!isTerminal(rec.status)) this.seqOf.set(rec.executionId, seq); // an ended one is never queued (a reload loads it ended)
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
    appendStatus(rec.statusHistory, to, this.clock.now(), from, rec.attempts, reason);
    const ended = mode === 'persist' && isTerminal(to);
    if (ended) {
      rec.statusHistory = compactHistory(rec.statusHistory); // kept while known: exact size, not the slots a push grew
      this.seqOf.delete(rec.executionId); // its queue order (the ready queue's tie-break) is never read again
    }
    this.stats.onTransition(rec, from, to, ended);
    const event = this.stamp({ type: 'status', executionId: rec.executionId, from, to, attempt: rec.attempts, reason });
    const id = rec.executionId;
    if (mode === 'interim') {
      this.deferStamped(id, event);
      return Promise.resolve();
    }
    // The deferred events (this map owns its arrays) go out with this transition's status event.
    const deferred = this.deferredEvents.get(id);
    this.deferredEvents = withoutKey(this.deferredEvents, id);
    const events = deferred ?? [event]; // a literal: `[]` then push grows to 17 slots per transition
    if (deferred !== undefined) deferred.push(event);
    const op = to === 'preparing' ? this.store.claim(rec) : isTerminal(to) ? this.store.complete(rec) : this.store.update([rec]);
    // Listeners (history, metrics) hear of a change only once it committed. The commit window
    // closes in the same reaction (not a third chained promise and closure per status change:
    // measurable garbage per task), before any reaction of the caller's to `committed` runs.
    const committed: Promise<void> = this.persist(op).then(
      () => {
        for (const e of events) this.send(e);
        this.closeWindow(id, committed);
        if (ended) this.packIfSettled(rec);
      },
      (err: unknown) => {
        this.closeWindow(id, committed);
        throw err;
      },
    );
    this.pendingCommits.set(id, committed);
    return committed;
  }

  /** Ends an execution's commit window (committedState, core-leases.ts) if `committed` is still its latest change. */
  private closeWindow(id: ExecutionId, committed: Promise<void>): void {
    if (this.pendingCommits.get(id) === committed) this.pendingCommits = withoutKey(this.pendingCommits, id);
  }

  protected emit(event: DistributiveOmit<SystemEvent, 'at' | 'source'>): void {
    this.send(this.stamp(event));
  }

  /** Emits an event about one execution with its next persisted transition, once that committed. */
  protected defer(event: DistributiveOmit<SystemEvent, 'at' | 'source'> & { executionId: string }): void {
    this.deferStamped(event.executionId as ExecutionId, this.stamp(event));
  }

  private deferStamped(id: ExecutionId, stamped: SystemEvent): void {
    const list = this.deferredEvents.get(id);
    if (list === undefined) this.deferredEvents.set(id, [stamped]);
    else list.push(stamped);
  }

  /** Forgets deferred events (a reload rolled their changes back). */
  protected dropDeferred(): void {
    this.deferredEvents.clear();
  }

  /** Stamps in place: every caller passes a fresh object literal (a copy per event cost measurable CPU per task). */
  private stamp(event: DistributiveOmit<SystemEvent, 'at' | 'source'>): SystemEvent {
    return Object.assign(event, { at: this.clock.now(), source: 'coordinator' as const }) as SystemEvent;
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
}
