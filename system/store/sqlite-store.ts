/**
 * SQLite Store (better-sqlite3, WAL): the production default.
 *
 * Group commit: every operation is queued; a flush runs on the next
 * setImmediate (or at once when the queue reaches `maxBatch`) and applies all
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
 * Rows (sqlite-rows.ts): the record as submitted in `doc`, its mutable part
 * in `state` once it changed; beside them the indexed columns. A status
 * change is ONE compact UPDATE that rewrites `status` and `state` and no
 * index (a completion also `completed_at`); only a change of the
 * idempotency key or of completedAt outside complete() takes the general
 * statement. JSON drops `undefined`, so loadAll() restores absent optional
 * fields as `undefined` to give back the shape that was stored.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode, IllegalStateError, InvalidArgumentError, NotFoundError, SquallError } from '../core/errors.js';
import type { ExecutionId } from '../core/ids.js';
import { type CheckpointRecord, type ExecutionRecord, isTerminal } from '../core/model.js';
import { checkDatabaseFile } from './integrity.js';
import { type Db, lockExclusively, type SqliteStoreOptions, migrate, openDatabase, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';
import { claimMisuse, completeMisuse, type GroupOutcome, settleGroup } from './store-common.js';
import { fromRow, type Row, serialize, toRow } from './sqlite-rows.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import type { Store, StoreStats } from './store.js';

export { migrate, SQLITE_SCHEMA_VERSION, type SqliteStoreOptions } from './sqlite-schema.js';

interface Queued {
  run(): unknown;
  /**
   * The operation writes with at most one effective statement (SQLite undoes a
   * failed statement by itself), so it needs no savepoint of its own to fail alone.
   */
  single: boolean;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = GroupOutcome;

/** The SQLite Store; see the file header for group commit and durability. */
export class SqliteStore implements Store {
  private readonly db: Db;
  private readonly maxBatch: number;
  private queue: Queued[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly counters: StoreStats = { commits: 0, operations: 0 };
  private readonly stmt: Statements;
  private readonly runOne: (op: Queued) => unknown;
  private readonly runGroup: (ops: Queued[]) => Outcome[];

  /** Opens (creating directory, file and schema if needed) the database at path. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      checkDatabaseFile(path, options.init === true);
    }
    const db = openDatabase(path);
    try {
      if (options.exclusive === true) lockExclusively(db, path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      migrate(db);
      return new SqliteStore(db, options);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(db: Db, options: SqliteStoreOptions) {
    const maxBatch = options.maxBatch ?? 512;
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) {
      throw new InvalidArgumentError(`maxBatch must be an integer >= 1, got ${maxBatch}`, 'maxBatch');
    }
    this.db = db;
    this.maxBatch = maxBatch;
    this.stmt = prepareStatements(db);
    this.runOne = db.transaction((op: Queued) => op.run());
    this.runGroup = db.transaction((ops: Queued[]): Outcome[] =>
      ops.map((op) => {
        try {
          return { ok: true, value: op.single ? op.run() : this.runOne(op) };
        } catch (err) {
          if (err instanceof SquallError) return { ok: false, err };
          throw err;
        }
      }),
    );
  }

  async loadAll(): Promise<ExecutionRecord[]> {
    this.assertOpen('loadAll');
    return this.stmt.all.all().map((row) => fromRow(row.doc, row.state));
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
    return this.enqueue(() => {
      const { changes } = this.stmt.checkpoint.run({ id: executionId, seq: checkpoint.seq, cp });
      if (changes === 0 && this.stmt.exists.get(executionId) === undefined) {
        throw new NotFoundError(`saveCheckpoint: no execution ${executionId}`);
      }
    }, true);
  }

  complete(record: ExecutionRecord): Promise<void> {
    if (!isTerminal(record.status)) return Promise.reject(completeMisuse(record));
    return this.writeAll('complete', [record], 'compactComplete');
  }

  update(records: readonly ExecutionRecord[]): Promise<void> {
    return this.writeAll('update', records, 'compact');
  }

  prune(completedBefore: number): Promise<number> {
    return this.enqueue(() => this.stmt.prune.run(completedBefore).changes, true);
  }

  /** Rewrites the schema version (page 1 of the file) in a transaction: a real write, so a full or read-only disk fails it. */
  probe(): Promise<void> {
    return this.enqueue(() => {
      this.db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
    }, true);
  }

  stats(): StoreStats {
    return { ...this.counters };
  }

  /** Commits everything queued, then closes the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }

  /** Drops the database handle without committing what is queued: a kill -9 (the simulation's crash). */
  abandon(): void {
    this.closed = true;
    this.db.close();
  }

  /** Queues one atomic operation writing every record (serialized now, so later mutation can't leak in). */
  private writeAll(op: string, records: readonly ExecutionRecord[], how: 'insert' | 'compact' | 'compactComplete'): Promise<void> {
    let rows: Row[];
    try {
      rows = records.map((r) => toRow(r, how === 'insert' ? 'doc' : 'state'));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(() => {
      for (const row of rows) {
        if (how === 'insert') this.write(op, row, 'insert');
        else if (this.stmt[how].run(row).changes === 0) this.write(op, row, 'update');
      }
      // One record: one effective statement (a compact UPDATE that changed nothing undid nothing).
    }, rows.length === 1);
  }

  /** Inserts a row or runs the general update, translating constraint failures into SquallErrors. */
  private write(op: string, row: Row, how: 'insert' | 'update'): void {
    let changes: number;
    try {
      changes = this.stmt[how].run(row).changes;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new SquallError(ErrorCode.Conflict, `${op}: execution ${row.id} already exists`);
      }
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' && row.key !== null) {
        const holder = this.stmt.keyHolder.get(row.key)?.id ?? 'another execution';
        throw new SquallError(
          ErrorCode.Conflict,
          `idempotencyKey ${JSON.stringify(row.key)} of execution ${row.id} is already held by execution ${holder}`,
        );
      }
      throw err;
    }
    if (changes === 0) throw new NotFoundError(`${op}: no execution ${row.id}`);
  }

  private enqueue<T>(run: () => T, single = false): Promise<T> {
    if (this.closed) return Promise.reject(new IllegalStateError('SqliteStore: the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, single, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.maxBatch) {
        this.flush();
      } else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Applies every queued operation in one transaction, then settles their promises. */
  private flush(): void {
    const group = this.queue;
    this.queue = [];
    if (group.length === 0 || this.closed) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.runGroup(group);
    } catch (err) {
      const failure = new SquallError(ErrorCode.Unavailable, `store commit failed: ${String(err)}`, { cause: err });
      for (const op of group) op.reject(failure);
      return;
    }
    this.counters.commits++;
    this.counters.operations += group.length;
    settleGroup(group, outcomes);
  }

  private assertOpen(op: string): void {
    if (this.closed) throw new IllegalStateError(`SqliteStore.${op}: the store is closed`);
  }
}
