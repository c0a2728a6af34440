/**
 * The production SQLite store (system/store/sqlite-store.ts) under the
 * simulation: a file in a temp directory, and SqliteStore's own group-commit
 * queue as the commit window, deferred `commitDelayMs` on the coordinator's
 * virtual clock (its clock seam), so a crash can land between an operation
 * and its commit exactly as with the MemoryStore.
 *
 * Every call goes to SqliteStore at once, which serializes its rows then (as
 * in production: what the engine changes in its records afterwards never
 * leaks into a write already issued), queues it, and commits the queue as one
 * transaction when the window ends. crash() is kill -9 of the process: what
 * is queued is lost (its promises never settle, like a dead process's), the
 * database handle is dropped without a flush (SqliteStore.abandon), and
 * reopen() opens the same file again: what SQLite committed (its WAL) is what
 * the next incarnation recovers. The SQLite I/O itself is synchronous, so
 * runs stay deterministic.
 *
 * The file is opened with the options `squall coordinator` uses
 * (sqliteStoreOptions: the exclusive lock held for the store's life), so a
 * restart that opened the file while the old incarnation still held it
 * would fail here as it fails in production.
 *
 * Storage faults act in front of the store (FaultyStore, processes.ts): a
 * refused write never reaches SQLite.
 *
 * With `thread` (scenario `coordinator.sqliteThreadMs`), the store runs as
 * the production coordinator runs it (`thread: true`): each group committed
 * by a simulated thread after a seeded delay (sim-sqlite-thread.ts) while
 * what is issued meanwhile queues behind it. A crash then also loses the
 * groups in flight. killThread() is the thread's death while the process
 * lives (fault `store_thread_death`): the production client
 * (SqliteThread) must fail what it had outstanding.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, ErrorCode, IllegalStateError, type ExecutionRecord, type Random, SquallError } from '../../system/core/index.js';
import { fromRow, type GroupResult, inProcessBackend, type OpDescriptor, type SqliteBackend, type SqliteExecutor, SqliteStore, type SqliteStoreSeams, type Store, type StoreFaultMode, type StoreStats } from '../../system/store/index.js';
import { sqliteStoreOptions } from '../../system/cli/index.js';
import { simThreadBackend, type SimStoreThread } from './sim-sqlite-thread.js';

/** How an incarnation opens the store: its clock, the commit window, and the simulated thread if any. */
export interface SimSqliteOptions {
  clock: Clock;
  commitDelayMs: number;
  /** The store's thread, simulated: each group commits 1..maxCommitMs ms after it is sent (seeded by `random`). */
  thread?: { random: Random; maxCommitMs: number };
  /** The disk under the file (storage faults): a full or failing disk fails the whole group its commit was, as SQLite does. */
  disk?: { mode: () => StoreFaultMode; random: Random };
}

/** The error better-sqlite3 throws for a failed write, as the executor's transaction sees it. */
function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'SqliteError', code });
}

/** The executor on a disk that may fail: a group fails whole, with the message the executor gives a throwing transaction. */
function onDisk(executor: SqliteExecutor, disk: SimSqliteOptions['disk']): SqliteExecutor {
  if (disk === undefined) return executor;
  const fault = (): Error | undefined => {
    const mode = disk.mode();
    if (mode.type === 'disk_full') return sqliteError('SQLITE_FULL', 'database or disk is full');
    if (mode.type === 'disk_error' && disk.random.float() < mode.probability) return sqliteError('SQLITE_IOERR', 'disk I/O error');
    return undefined;
  };
  const runGroup = (ops: readonly OpDescriptor[]): GroupResult => {
    const err = fault();
    return err === undefined ? executor.runGroup(ops) : { ok: false, err: new SquallError(ErrorCode.Unavailable, `store commit failed: ${String(err)}`, { cause: err }) };
  };
  return { ...executor, runGroup };
}

/** The clock whose zero-delay timer ends SqliteStore's commit window: `commitDelayMs` later on the virtual clock. */
function windowClock(clock: Clock, commitDelayMs: number): Clock {
  return {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    setTimeout: (fn, ms) => clock.setTimeout(fn, Math.max(0, ms) + commitDelayMs),
    setInterval: (fn, ms) => clock.setInterval(fn, ms),
  };
}

/** The production store over the file, committing in this thread or on its simulated thread (handed to `onThread`); `onExecutor` gets the database's executor (committed reads). */
function openSqlite(file: string, options: SimSqliteOptions, onThread: (t: SimStoreThread) => void, onExecutor: (e: SqliteExecutor) => void): SqliteStore {
  const { clock, thread, disk } = options;
  const window = windowClock(clock, options.commitDelayMs);
  const backend = (executor: SqliteExecutor): SqliteBackend => {
    onExecutor(executor);
    return thread === undefined ? inProcessBackend(onDisk(executor, disk)) : simThreadBackend(onDisk(executor, disk), { clock, ...thread }, onThread);
  };
  // As `squall coordinator` opens it (the exclusive lock: one coordinator per data dir), its thread simulated or absent.
  const seams: SqliteStoreSeams = { clock: window, backend };
  return SqliteStore.open(file, { ...sqliteStoreOptions({}), thread: false }, seams);
}

/** A SQLite-backed store with the MemoryStore's crash/reopen surface (see the file comment). */
export class SimSqliteStore implements Store {
  private state: 'open' | 'crashed' | 'closed' = 'open';
  /** Operations issued and not settled: queued in the window or in a group not committed yet (a crash loses them). */
  private pending = 0;
  private readonly sqlite: SqliteStore;
  /** The store's simulated SQLite thread (with `thread`): what fault `store_thread_death` kills. */
  private thread: SimStoreThread | undefined;
  /** The database's executor, for committed reads (`committedRecord`). */
  private executor: SqliteExecutor | undefined;

  private constructor(
    private readonly dir: string,
    options: SimSqliteOptions,
  ) {
    this.sqlite = openSqlite(join(dir, 'squall.db'), options, (t) => (this.thread = t), (e) => (this.executor = e));
  }

  /**
   * One execution as SQLite has committed it, read now through the store's
   * own executor and row decoding (loadAll's): operations queued in the
   * commit window or in a group the thread has not committed are not in it.
   * Undefined when there is no such row or the store is not open. The
   * harness's view of the durable row (control-store.ts), as the
   * MemoryStore's `durable` is.
   */
  committedRecord(executionId: string): ExecutionRecord | undefined {
    if (this.state !== 'open' || this.executor === undefined) return undefined;
    for (const row of this.executor.loadAll()) {
      if (!row.doc.includes(executionId)) continue;
      const r = fromRow(row.doc, row.state, row.hist);
      if (r.executionId === executionId) return r;
    }
    return undefined;
  }

  /** The store's SQLite thread dies while the process lives (fault `store_thread_death`); false when it runs without one. */
  killThread(why: string): boolean {
    if (this.thread === undefined || this.state !== 'open') return false;
    this.thread.die(why);
    return true;
  }

  /** Operations not committed yet (a crash now would lose them). */
  get stagedCount(): number {
    return this.pending;
  }

  /** The same count, under the name restart-views.ts reads for SQLite: queued and in flight alike. */
  get uncommittedCount(): number {
    return this.pending;
  }

  /** A new database file in a fresh temp directory. */
  static create(options: SimSqliteOptions): SimSqliteStore {
    const dir = mkdtempSync(join(tmpdir(), 'squall-sim-sqlite-'));
    return new SimSqliteStore(dir, options);
  }

  /** The same file, opened by the next incarnation (after crash() or close()). */
  reopen(options: SimSqliteOptions): SimSqliteStore {
    if (this.state === 'open') throw new IllegalStateError('SimSqliteStore.reopen() needs a crashed or closed store, but this one is open');
    return new SimSqliteStore(this.dir, options);
  }

  /** kill -9: what is queued or in flight is lost, the handle dropped without a flush. */
  crash(): void {
    if (this.state !== 'open') return;
    this.state = 'crashed';
    this.pending = 0;
    this.sqlite.abandon();
  }

  /** Removes the temp directory (after the run). */
  dispose(): void {
    if (this.state === 'open') this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }

  loadAll(): Promise<ExecutionRecord[]> {
    return this.sqlite.loadAll();
  }
  submit(records: readonly ExecutionRecord[]): Promise<void> {
    return this.issue((s) => s.submit(records));
  }
  claim(record: ExecutionRecord): Promise<void> {
    return this.issue((s) => s.claim(record));
  }
  saveCheckpoint(...args: Parameters<Store['saveCheckpoint']>): Promise<void> {
    return this.issue((s) => s.saveCheckpoint(...args));
  }
  complete(record: ExecutionRecord): Promise<void> {
    return this.issue((s) => s.complete(record));
  }
  update(records: readonly ExecutionRecord[]): Promise<void> {
    return this.issue((s) => s.update(records));
  }
  prune(completedBefore: number): Promise<number> {
    return this.issue((s) => s.prune(completedBefore));
  }
  probe(): Promise<void> {
    return this.issue((s) => s.probe());
  }
  /** The production store's per-execution memory (SqliteStore.heldExecutions; promise 35). */
  heldExecutions(): Record<string, string[]> {
    return this.sqlite.heldExecutions();
  }

  stats(): StoreStats {
    return this.sqlite.stats();
  }
  /** A graceful stop: SqliteStore commits what is queued, waits for its thread, closes the database. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closed';
    await this.sqlite.close();
  }

  /** Hands the call to SqliteStore now (it serializes and queues it), counting it until it settles. */
  private issue<T>(call: (s: SqliteStore) => Promise<T>): Promise<T> {
    if (this.state !== 'open') return Promise.reject(new IllegalStateError(`SimSqliteStore: the store is ${this.state}`));
    this.pending++;
    const out = call(this.sqlite);
    const settled = (): void => {
      if (this.state !== 'crashed') this.pending--;
    };
    out.then(settled, settled);
    return out;
  }
}
