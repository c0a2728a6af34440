/**
 * The production SQLite store (system/store/sqlite-store.ts) under the
 * simulation: a file in a temp directory, and a group-commit window on the
 * coordinator's virtual clock in front of it, so a crash can land between
 * an operation and its commit exactly as with the MemoryStore.
 *
 * Operations wait in the window for `commitDelayMs` of virtual time, then go
 * to SQLite in staging order (maxBatch 1: each one commits in its own
 * transaction, synchronously, before its promise settles). crash() is kill -9
 * of the process: what waits in the window is lost (its promises never
 * settle, like a dead process's), the database handle is dropped without a
 * flush, and reopen() opens the same file again: what SQLite committed (its
 * WAL) is what the next incarnation recovers. The SQLite I/O itself is
 * synchronous, so runs stay deterministic.
 *
 * Storage faults (disk_full, disk_error) act below the store, on the
 * database's disk (`disk`): the group being committed fails, as its
 * transaction would, and the production store's handling of a failed commit
 * runs (slow_disk stays in front of the store, harness/sim/processes.ts).
 *
 * With `thread` (scenario `coordinator.sqliteThreadMs`), the store runs as
 * the production coordinator runs it (`thread: true`): group commit with the
 * default maxBatch, each group committed by a simulated thread after a seeded
 * delay (sim-sqlite-thread.ts) while what is issued meanwhile queues behind
 * it, and flushes deferred on the process clock. A crash then also loses the
 * groups in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckpointRecord, type Clock, ErrorCode, type ExecutionId, type TimerHandle, IllegalStateError, type ExecutionRecord, type Random, SquallError } from '../../system/core/index.js';
import { copyData } from '../../system/store/copy-data.js';
import { type GroupResult, type OpDescriptor, type SqliteBackend, type SqliteExecutor, SqliteStore, type SqliteStoreSeams, type Store, type StoreFaultMode, type StoreStats } from '../../system/store/index.js';
import { simThreadBackend } from './sim-sqlite-thread.js';

/** How an incarnation opens the store: its clock, the commit window, the simulated thread if any, and the disk's condition. */
export interface SimSqliteOptions {
  clock: Clock;
  commitDelayMs: number;
  /** The store's thread, simulated: each group commits 1..maxCommitMs ms after it is sent (seeded by `random`). */
  thread?: { random: Random; maxCommitMs: number };
  /** The disk under the database: read as each group commits; disk_full / disk_error fail the group's transaction (seeded by `random`). */
  disk?: { mode: () => StoreFaultMode; random: Random };
}

/**
 * The executor on a disk that fails: a group committed while the disk is full
 * (or, with its probability, broken) fails as a whole, nothing of it written,
 * as better-sqlite3 reports SQLITE_FULL / SQLITE_IOERR from the transaction
 * (sqlite-exec.ts turns that into the group's failure). Below the store, so
 * SqliteStore's own handling of a failed commit runs.
 */
function onDisk(executor: SqliteExecutor, disk: SimSqliteOptions['disk']): SqliteExecutor {
  if (disk === undefined) return executor;
  const failure = (code: string, text: string): GroupResult => ({ ok: false, err: new SquallError(ErrorCode.Unavailable, `store commit failed: SqliteError: ${text} (${code}, injected storage fault)`) });
  const runGroup = (ops: readonly OpDescriptor[]): GroupResult => {
    const mode = disk.mode();
    if (mode.type === 'disk_full') return failure('SQLITE_FULL', 'database or disk is full');
    if (mode.type === 'disk_error' && disk.random.float() < mode.probability) return failure('SQLITE_IOERR', 'disk I/O error');
    return executor.runGroup(ops);
  };
  return { ...executor, runGroup };
}

/** The production store over the file, synchronous (maxBatch 1) or with its simulated thread, on the simulated disk. */
function openSqlite(file: string, options: SimSqliteOptions): SqliteStore {
  const { clock, thread, disk } = options;
  if (thread === undefined) {
    const backend = (executor: SqliteExecutor): SqliteBackend => {
      const e = onDisk(executor, disk);
      return { run: (ops) => e.runGroup(ops), loadAll: () => e.loadAll(), close: () => e.close(), abandon: () => e.close() };
    };
    return SqliteStore.open(file, { maxBatch: 1 }, { backend });
  }
  const seams: SqliteStoreSeams = { clock, backend: (executor) => simThreadBackend(onDisk(executor, disk), { clock, ...thread }) };
  return SqliteStore.open(file, {}, seams);
}

interface Staged {
  run: (s: SqliteStore) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** A SQLite-backed store with the MemoryStore's crash/reopen surface (see the file comment). */
export class SimSqliteStore implements Store {
  private staged: Staged[] = [];
  private timer: TimerHandle | undefined;
  private state: 'open' | 'crashed' | 'closed' = 'open';
  /** Operations handed to SQLite (its simulated thread) and not settled yet. */
  private sent = 0;

  private constructor(
    private readonly dir: string,
    private readonly sqlite: SqliteStore,
    private readonly options: SimSqliteOptions,
  ) {}

  /** Operations waiting in the commit window (a crash now would lose them). */
  get stagedCount(): number {
    return this.staged.length;
  }

  /** Operations not committed yet: in the window or in a group the simulated thread has not committed (a crash loses both). */
  get uncommittedCount(): number {
    return this.staged.length + this.sent;
  }

  /** A new database file in a fresh temp directory. */
  static create(options: SimSqliteOptions): SimSqliteStore {
    const dir = mkdtempSync(join(tmpdir(), 'squall-sim-sqlite-'));
    return new SimSqliteStore(dir, openSqlite(join(dir, 'squall.db'), options), options);
  }

  /** The same file, opened by the next incarnation (after crash() or close()). */
  reopen(options: SimSqliteOptions): SimSqliteStore {
    if (this.state === 'open') throw new IllegalStateError('SimSqliteStore.reopen() needs a crashed or closed store, but this one is open');
    return new SimSqliteStore(this.dir, openSqlite(join(this.dir, 'squall.db'), options), options);
  }

  /** kill -9: the window's operations are lost, the handle dropped without a flush. */
  crash(): void {
    if (this.state !== 'open') return;
    this.state = 'crashed';
    this.timer?.cancel();
    this.staged = [];
    this.sent = 0;
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
  // Each write takes a copy of its data now, as SqliteStore serializes its rows when called: the caller
  // (the engine) goes on changing its records, and a write waiting in the window must not commit a later
  // state (a completion the disk refused reached SQLite inside the status write staged before it).
  submit(records: readonly ExecutionRecord[]): Promise<void> {
    const copy = copyData(records);
    return this.stage((s) => s.submit(copy));
  }
  claim(record: ExecutionRecord): Promise<void> {
    const copy = copyData(record);
    return this.stage((s) => s.claim(copy));
  }
  saveCheckpoint(executionId: ExecutionId, checkpoint: CheckpointRecord): Promise<void> {
    const copy = copyData(checkpoint);
    return this.stage((s) => s.saveCheckpoint(executionId, copy));
  }
  complete(record: ExecutionRecord): Promise<void> {
    const copy = copyData(record);
    return this.stage((s) => s.complete(copy));
  }
  update(records: readonly ExecutionRecord[]): Promise<void> {
    const copy = copyData(records);
    return this.stage((s) => s.update(copy));
  }
  prune(completedBefore: number): Promise<number> {
    return this.stage((s) => s.prune(completedBefore));
  }
  stats(): StoreStats {
    return this.sqlite.stats();
  }
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.flush();
    this.state = 'closed';
    await this.sqlite.close();
  }

  private stage<T>(run: (s: SqliteStore) => Promise<T>): Promise<T> {
    if (this.state !== 'open') return Promise.reject(new IllegalStateError(`SimSqliteStore: the store is ${this.state}`));
    return new Promise<T>((resolve, reject) => {
      this.staged.push({ run, resolve: resolve as (v: unknown) => void, reject });
      this.timer ??= this.options.clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.options.commitDelayMs);
    });
  }

  /** Hands the window to SQLite in order; each operation commits before the next starts. */
  private flush(): void {
    const group = this.staged;
    this.staged = [];
    for (const op of group) {
      this.sent++;
      const settled = (): void => void this.sent--;
      op.run(this.sqlite).then(
        (v) => (settled(), op.resolve(v)),
        (e: unknown) => (settled(), op.reject(e)),
      );
    }
  }
}
