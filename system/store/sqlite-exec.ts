/**
 * The SQLite store's operations as plain data, and the one executor that
 * applies them (sqlite-store.ts's file header states the semantics).
 *
 * SqliteStore turns each Store call into an OpDescriptor on the calling
 * thread (rows already serialized by sqlite-rows.ts) and hands a group of
 * them to the connection's owner: this executor, run in the same thread
 * (option `thread: false`) or in the store's worker thread
 * (sqlite-thread.ts). Descriptors are structured-clonable, so the same
 * group crosses the thread boundary unchanged; both modes therefore share
 * the statements, the conflict translation, the checkpoint seq rule and the
 * group transaction below.
 */
import { ErrorCode, NotFoundError, SquallError } from '../core/errors.js';
import type { Row } from './sqlite-rows.js';
import { type Db, lockExclusively, migrate, openDatabase, SQLITE_SCHEMA_VERSION, type SqliteStoreOptions } from './sqlite-schema.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import type { GroupOutcome } from './store-common.js';

/** How a write binds its rows: insert (submit), or a compact update falling back to the general one. */
export type WriteHow = 'insert' | 'compact' | 'compactComplete';

/** One Store operation as data: what the executor runs inside a group commit. */
export type OpDescriptor =
  /** Writes every row atomically (submit, claim, update, complete); `op` names the Store call in errors. */
  | { kind: 'write'; op: string; how: WriteHow; rows: Row[] }
  /** Stores the checkpoint JSON `cp` of execution `id` if `seq` is higher than the stored one. */
  | { kind: 'checkpoint'; id: string; seq: number; cp: string }
  /** Deletes terminal executions completed before `before`; its value is how many. */
  | { kind: 'prune'; before: number }
  /** Rewrites the schema version: a real, tiny write. */
  | { kind: 'probe' };

/** A committed group's per-operation outcomes, or the failure of the whole transaction (nothing committed). */
export type GroupResult = { ok: true; outcomes: GroupOutcome[] } | { ok: false; err: SquallError };

/** A stored row as loadAll() reads it. */
export interface StoredRow {
  doc: string;
  state: string | null;
}

/** Opens the database at path for a store: lock (if exclusive), WAL, synchronous, busy timeout, migration. */
export function openStoreDb(path: string, options: SqliteStoreOptions): Db {
  const db = openDatabase(path);
  try {
    if (options.exclusive === true) lockExclusively(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Whether the operation writes with at most one effective statement (SQLite undoes a failed statement by itself: no savepoint needed). */
function isSingle(d: OpDescriptor): boolean {
  // One record: one effective statement (a compact UPDATE that changed nothing undid nothing).
  return d.kind !== 'write' || d.rows.length === 1;
}

/** Inserts a row or runs the general update, translating constraint failures into SquallErrors. */
function write(stmt: Statements, op: string, row: Row, how: 'insert' | 'update'): void {
  let changes: number;
  try {
    changes = stmt[how].run(row).changes;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new SquallError(ErrorCode.Conflict, `${op}: execution ${row.id} already exists`);
    }
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && row.key !== null) {
      const holder = stmt.keyHolder.get(row.key)?.id ?? 'another execution';
      throw new SquallError(
        ErrorCode.Conflict,
        `idempotencyKey ${JSON.stringify(row.key)} of execution ${row.id} is already held by execution ${holder}`,
      );
    }
    throw err;
  }
  if (changes === 0) throw new NotFoundError(`${op}: no execution ${row.id}`);
}

/** Runs one operation's statements (no transaction of its own). */
function runOp(db: Db, stmt: Statements, d: OpDescriptor): unknown {
  switch (d.kind) {
    case 'write':
      for (const row of d.rows) {
        if (d.how === 'insert') write(stmt, d.op, row, 'insert');
        else if (stmt[d.how].run(row).changes === 0) write(stmt, d.op, row, 'update');
      }
      return undefined;
    case 'checkpoint': {
      const { changes } = stmt.checkpoint.run({ id: d.id, seq: d.seq, cp: d.cp });
      if (changes === 0 && stmt.exists.get(d.id) === undefined) throw new NotFoundError(`saveCheckpoint: no execution ${d.id}`);
      return undefined;
    }
    case 'prune':
      return stmt.prune.run(d.before).changes;
    case 'probe':
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      return undefined;
  }
}

/** The connection's owner: runs groups of descriptors, reads every row, closes. */
export interface SqliteExecutor {
  /** Applies the group in ONE transaction: a SquallError fails its operation alone, anything else the whole group. */
  runGroup(ops: readonly OpDescriptor[]): GroupResult;
  loadAll(): StoredRow[];
  close(): void;
}

/** Prepares the statements of an open database and returns its executor. */
export function createExecutor(db: Db): SqliteExecutor {
  const stmt = prepareStatements(db);
  const runOne = db.transaction((d: OpDescriptor) => runOp(db, stmt, d));
  const group = db.transaction((ops: readonly OpDescriptor[]): GroupOutcome[] =>
    ops.map((d) => {
      try {
        return { ok: true, value: isSingle(d) ? runOp(db, stmt, d) : runOne(d) };
      } catch (err) {
        if (err instanceof SquallError) return { ok: false, err };
        throw err;
      }
    }),
  );
  return {
    runGroup(ops) {
      try {
        return { ok: true, outcomes: group(ops) };
      } catch (err) {
        return { ok: false, err: new SquallError(ErrorCode.Unavailable, `store commit failed: ${String(err)}`, { cause: err }) };
      }
    },
    loadAll: () => stmt.all.all(),
    close: () => db.close(),
  };
}

/** Who runs the groups: the executor in this thread, or the store's SQLite thread (sqlite-thread-client.ts). */
export interface SqliteBackend {
  /** A group's result: synchronous in this thread, a promise across threads. Never rejects. */
  run(ops: OpDescriptor[]): GroupResult | Promise<GroupResult>;
  loadAll(): StoredRow[] | Promise<StoredRow[]>;
  /** Closes the database once everything sent before has committed. */
  close(): void | Promise<void>;
  /** Drops the connection without committing anything more (kill -9). */
  abandon(): void;
}

/** The executor as a backend of the calling thread (option `thread: false`). */
export function inProcessBackend(executor: SqliteExecutor): SqliteBackend {
  return { run: (ops) => executor.runGroup(ops), loadAll: () => executor.loadAll(), close: () => executor.close(), abandon: () => executor.close() };
}
