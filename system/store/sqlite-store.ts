/**
 * SQLite Store (better-sqlite3, WAL): the production default.
 *
 * Group commit: every operation is queued; a flush runs on the next turn,
 * a zero-delay timer on the store's Clock (or at once when the queue
 * reaches `maxBatch`), and applies all
 * queued operations in ONE transaction with prepared statements, then settles
 * their promises. No promise resolves before its transaction committed. An
 * operation that fails on its own (conflict, not found) rolls back alone and
 * is rejected while the rest commit: one of several statements runs inside a
 * savepoint; one of a single statement needs none (SQLite undoes a failed
 * statement by itself), which spares two statements per status change. If the
 * transaction itself fails (I/O error, disk full), every operation in it is
 * rejected.
 *
 * Durability: `synchronous: 'normal'` (default) in WAL mode makes a commit
 * durable against a crash of the process (kill -9): the commit is in the WAL
 * file, in the OS page cache, before the promise resolves, and the next open
 * replays it. It is NOT fsynced per commit, so a power loss or kernel crash
 * may lose the most recent commits (never corrupt the database).
 * `synchronous: 'full'` fsyncs the WAL on every commit: durable against power
 * loss, at the cost of one fsync per group.
 *
 * Threads (option `thread`): the queue, validation, row serialization and
 * promise bookkeeping stay on the calling thread; a flush turns the group
 * into operation descriptors (sqlite-exec.ts) and hands them to the
 * connection's owner. With `thread: false` (the default) that is an
 * executor in this thread: the commit runs synchronously inside flush(),
 * as the simulation's SimSqliteStore needs (deterministic, one commit per
 * operation). With `thread: true` the connection lives in a worker thread
 * (sqlite-thread.ts): a flush posts ONE message and the promises settle
 * when its answer (after the commit) arrives, so the commit, its fsync and
 * the statements run on another core while the event loop goes on. One
 * group is in flight at a time; what is issued meanwhile waits and goes
 * as the next group (larger groups, fewer commits), unless the queue
 * reaches maxBatch. The coordinator's production path turns it on
 * (system/cli/coordinator-store.ts). The seams of open() let the simulation
 * stand in for the thread on virtual time (harness/sim/sim-sqlite-thread.ts):
 * a backend that answers each group later, and the clock that defers a flush.
 *
 * Rows (sqlite-rows.ts): the record as submitted in `doc`, its mutable part
 * in `state` once it changed, its status history in `hist`; beside them the
 * indexed columns. A status change is ONE compact UPDATE that rewrites
 * `status` and `state`, appends the new history entries and touches no
 * index (a completion also sets `completed_at`); only a change of the
 * idempotency key or of completedAt outside complete() takes the general
 * statement. Which entries are new the store knows from its own writes
 * (HistoryCounts, sqlite-history.ts). JSON drops `undefined`, so loadAll() restores
 * absent optional fields as `undefined` to give back the shape that was
 * stored.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '../core/clock.js';
import { IllegalStateError, InvalidArgumentError } from '../core/errors.js';
import type { ExecutionId } from '../core/ids.js';
import { type CheckpointRecord, type ExecutionRecord, isTerminal } from '../core/model.js';
import { checkDatabaseFile } from './integrity.js';
import type { SqliteStoreOptions } from './sqlite-schema.js';
import { createExecutor, type GroupResult, inProcessBackend, type OpDescriptor, openStoreDb, type SqliteBackend, type SqliteExecutor, type WriteHow } from './sqlite-exec.js';
import { SqliteThread } from './sqlite-thread-client.js';
import { claimMisuse, completeMisuse } from './store-common.js';
import { HistoryCounts } from './sqlite-history.js';
import { appendRow, fromRow, serialize } from './sqlite-rows.js';
import type { Store, StoreStats } from './store.js';

export { migrate, SQLITE_SCHEMA_VERSION, type SqliteStoreOptions } from './sqlite-schema.js';

/** Who commits the groups and who defers a flush (open()'s seams; production leaves both unset). */
export interface SqliteStoreSeams {
  /** The backend made of this thread's executor, in place of `thread`'s choice (the simulation's thread on virtual time). */
  backend?: (executor: SqliteExecutor) => SqliteBackend;
  /** The Clock whose zero-delay timer defers a flush to the next turn (default: systemClock, which runs it after this turn's I/O). */
  clock?: Clock;
}

interface Queued {
  op: OpDescriptor;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** The SQLite Store; see the file header for group commit, threads and durability. */
export class SqliteStore implements Store {
  private readonly maxBatch: number;
  private queue: Queued[] = [];
  private flushScheduled = false;
  /** Groups sent to the thread and not answered yet (always 0 in this thread). */
  private inFlight = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly counters: StoreStats = { commits: 0, operations: 0 };
  private readonly history = new HistoryCounts();

  /** Opens (creating directory, file and schema if needed) the database at path; synchronous in both modes. */
  static open(path: string, options: SqliteStoreOptions = {}, seams: SqliteStoreSeams = {}): SqliteStore {
    const maxBatch = options.maxBatch ?? 512;
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) {
      throw new InvalidArgumentError(`maxBatch must be an integer >= 1, got ${maxBatch}`, 'maxBatch');
    }
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      checkDatabaseFile(path, options.init === true);
    }
    // A seam's backend stands in for the thread; otherwise the executor runs in this thread.
    const inThisThread = seams.backend ?? inProcessBackend;
    const backend = options.thread === true && seams.backend === undefined ? SqliteThread.open(path, options) : inThisThread(createExecutor(openStoreDb(path, options)));
    return new SqliteStore(backend, maxBatch, seams.clock ?? systemClock);
  }

  private constructor(
    private readonly backend: SqliteBackend,
    maxBatch: number,
    private readonly clock: Clock,
  ) {
    this.maxBatch = maxBatch;
  }

  async loadAll(): Promise<ExecutionRecord[]> {
    this.assertOpen('loadAll');
    return (await this.backend.loadAll()).map((row) => fromRow(row.doc, row.state, row.hist));
  }

  submit(records: readonly ExecutionRecord[]): Promise<void> {
    return this.writeAll('submit', records, 'insert');
  }

  claim(record: ExecutionRecord): Promise<void> {
    if (record.status !== 'preparing' || record.lease === undefined) return Promise.reject(claimMisuse(record));
    return this.writeAll('claim', [record], 'compact');
  }

  saveCheckpoint(executionId: ExecutionId, checkpoint: CheckpointRecord): Promise<void> {
    let cp: string;
    try {
      cp = serialize(checkpoint, `checkpoint of ${executionId}`);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(['checkpoint', executionId, checkpoint.seq, cp]);
  }

  complete(record: ExecutionRecord): Promise<void> {
    if (!isTerminal(record.status)) return Promise.reject(completeMisuse(record));
    return this.writeAll('complete', [record], 'compactComplete');
  }

  update(records: readonly ExecutionRecord[]): Promise<void> {
    return this.writeAll('update', records, 'compact');
  }

  prune(completedBefore: number): Promise<number> {
    return this.enqueue(['prune', completedBefore]);
  }

  /** Rewrites the schema version (page 1 of the file) in a transaction: a real write, so a full or read-only disk fails it. */
  probe(): Promise<void> {
    return this.enqueue(['probe']);
  }

  /** Whether the connection lives in the store's worker thread (option `thread`). */
  get threaded(): boolean {
    return this.backend instanceof SqliteThread;
  }

  /** What this store holds in memory per execution (history counts: executions under way only); read by the harness's memory-hygiene rule. */
  heldExecutions(): Record<string, string[]> {
    return { historyCounts: this.history.ids() };
  }

  stats(): StoreStats {
    return { ...this.counters };
  }

  /** Commits everything queued, waits for it, then closes the database. Idempotent. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.flush();
      this.closed = true;
      this.closing = Promise.resolve(this.backend.close());
    }
    return this.closing;
  }

  /** Drops the database handle (stops its thread) without committing what is queued: a kill -9 (the simulation's crash). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = Promise.resolve();
    this.backend.abandon();
  }

  /** Queues one atomic operation writing every record (serialized now, so later mutation can't leak in). */
  private writeAll<T>(op: string, records: readonly ExecutionRecord[], how: WriteHow): Promise<T> {
    const d: OpDescriptor = ['write', op, how];
    try {
      for (const r of records) {
        if (how === 'insert') appendRow(d, r, 'doc');
        else appendRow(d, r, 'state', this.history.get(r.executionId));
      }
    } catch (err) {
      return Promise.reject(err);
    }
    // Counted before it is queued (a full queue flushes, and in this thread commits, at once);
    // not at submit, so only executions under way are counted: a claim writes the whole history.
    if (how !== 'insert') for (const r of records) this.history.set(r.executionId, r.statusHistory.length, isTerminal(r.status));
    return this.enqueue(d);
  }

  private enqueue<T>(op: OpDescriptor): Promise<T> {
    if (this.closed) return Promise.reject(new IllegalStateError('SqliteStore: the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (this.inFlight === 0) this.scheduleFlush();
    });
  }

  /** Flushes on the next turn, so everything issued in this one shares the commit. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.clock.setTimeout(() => {
      this.flushScheduled = false;
      this.flush();
    }, 0);
  }

  /** Hands every queued operation to the backend as one group; settles their promises with its result. */
  private flush(): void {
    const group = this.queue;
    this.queue = [];
    if (group.length === 0 || this.closed) return;
    const result = this.backend.run(group.map((q) => q.op));
    if (!(result instanceof Promise)) {
      this.settle(group, result);
      return;
    }
    this.inFlight++;
    void result.then((r) => {
      this.inFlight--;
      this.settle(group, r);
      // What was issued while this group committed goes next.
      if (this.queue.length > 0 && this.inFlight === 0) this.scheduleFlush();
    });
  }

  /** Settles each operation's promise with the group's sparse result (every one resolves but those listed). */
  private settle(group: Queued[], result: GroupResult): void {
    if (!result.ok) {
      this.history.clear();
      for (const q of group) q.reject(result.err);
      return;
    }
    this.counters.commits++;
    this.counters.operations += group.length;
    if (result.failed.length === 0 && result.values.length === 0) {
      for (const q of group) q.resolve(undefined);
      return;
    }
    if (result.failed.length > 0) this.history.clear();
    const failed = new Map<number, unknown>(result.failed);
    const values = new Map<number, unknown>(result.values);
    group.forEach((q, i) => {
      if (failed.has(i)) q.reject(failed.get(i));
      else q.resolve(values.get(i));
    });
  }

  private assertOpen(op: string): void {
    if (this.closed) throw new IllegalStateError(`SqliteStore.${op}: the store is closed`);
  }
}
