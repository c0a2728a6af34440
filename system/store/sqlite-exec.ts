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
import { COL, ROW_LENGTH, type RowField } from './sqlite-rows.js';
import { type Db, lockExclusively, migrate, openDatabase, SQLITE_SCHEMA_VERSION, type SqliteStoreOptions } from './sqlite-schema.js';
import { prepareStatements, runWrite, type Statements, type StoredRow, type WriteStatement } from './sqlite-statements.js';

export type { StoredRow } from './sqlite-statements.js';

/** How a write binds its rows: insert (submit), or a compact update falling back to the general one. */
export type WriteHow = 'insert' | 'compact' | 'compactComplete';

/**
 * One Store operation as data: what the executor runs inside a group
 * commit. A flat array (its kind first), not an object: a group of a few
 * hundred crosses to the store's thread structured-cloned, and an object
 * per operation with an array of rows, each an array, cloned for about
 * twice what one array of scalars does (docs/BENCHMARKS.md, round 8).
 */
export type OpDescriptor =
  /**
   * Writes every row atomically (submit, claim, update, complete); `op` names the Store call in errors;
   * then the rows' fields, ROW_LENGTH each (sqlite-rows.ts appendRow).
   */
  | [kind: 'write', op: string, how: WriteHow, ...rows: RowField[]]
  /** Stores the checkpoint JSON `cp` of execution `id` if `seq` is higher than the stored one. */
  | [kind: 'checkpoint', id: string, seq: number, cp: string]
  /** Deletes terminal executions completed before `before`; its value is how many. */
  | [kind: 'prune', before: number]
  /** Rewrites the schema version: a real, tiny write. */
  | [kind: 'probe'];

/** Where a write's first row starts in its descriptor. */
const ROWS_AT = 3;

/**
 * A committed group's outcome, sparse: every operation succeeded with no
 * value but those listed (by index in the group), or the failure of the
 * whole transaction (nothing committed). Sparse because a group is a few
 * hundred operations that nearly all succeed with nothing to say, and the
 * answer crosses the thread boundary.
 */
export type GroupResult =
  | { ok: true; failed: [index: number, err: Error][]; values: [index: number, value: unknown][] }
  | { ok: false; err: SquallError };

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
  return d[0] !== 'write' || d.length === ROWS_AT + ROW_LENGTH;
}

/** Runs one write statement, translating constraint failures into SquallErrors; its changed-row count. */
function run(stmt: Statements, how: WriteStatement, op: string, d: readonly RowField[], at: number): number {
  try {
    return runWrite(stmt, how, d, at);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const id = d[at + COL.id];
    const key = d[at + COL.key];
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new SquallError(ErrorCode.Conflict, `${op}: execution ${id} already exists`);
    }
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && key !== null) {
      const holder = stmt.keyHolder.get(String(key))?.id ?? 'another execution';
      throw new SquallError(ErrorCode.Conflict, `idempotencyKey ${JSON.stringify(key)} of execution ${id} is already held by execution ${holder}`);
    }
    throw err;
  }
}

/**
 * Writes one row: an insert, the whole history (histFrom -1), or the compact
 * statement with the general append as its fallback. A row that is not there
 * is not found; one whose history count is not the one the write follows
 * (an earlier write of it failed, so memory is ahead of the disk) fails the
 * operation as unavailable, which makes the engine reload from the store.
 */
function writeRow(stmt: Statements, op: string, how: WriteHow, d: readonly RowField[], at: number): void {
  if (how === 'insert') {
    run(stmt, 'insert', op, d, at);
    return;
  }
  const id = String(d[at + COL.id]);
  if ((d[at + COL.histFrom] as number) < 0) {
    if (run(stmt, 'update', op, d, at) === 0) throw new NotFoundError(`${op}: no execution ${id}`);
    return;
  }
  if (runWrite(stmt, how, d, at) > 0 || run(stmt, 'append', op, d, at) > 0) return;
  if (stmt.exists.get(id) === undefined) throw new NotFoundError(`${op}: no execution ${id}`);
  throw new SquallError(
    ErrorCode.Unavailable,
    `${op}: execution ${id} on disk does not hold the ${d[at + COL.histFrom]} status history entries this write follows (an earlier write of it failed); reload from the store`,
  );
}

/** Runs one operation's statements (no transaction of its own). */
function runOp(db: Db, stmt: Statements, d: OpDescriptor): unknown {
  switch (d[0]) {
    case 'write': {
      const [, op, how] = d;
      for (let at = ROWS_AT; at < d.length; at += ROW_LENGTH) writeRow(stmt, op, how, d, at);
      return undefined;
    }
    case 'checkpoint': {
      const [, id, seq, cp] = d;
      const { changes } = stmt.checkpoint.run({ id, seq, cp });
      if (changes === 0 && stmt.exists.get(id) === undefined) throw new NotFoundError(`saveCheckpoint: no execution ${id}`);
      return undefined;
    }
    case 'prune':
      return stmt.prune.run(d[1]).changes;
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
  /** A setting of the connection (`PRAGMA name`, its value): how the store opened it, for the store contract probe. */
  pragma(name: string): unknown;
}

/** Prepares the statements of an open database and returns its executor. */
export function createExecutor(db: Db): SqliteExecutor {
  const stmt = prepareStatements(db);
  const runOne = db.transaction((d: OpDescriptor) => runOp(db, stmt, d));
  const group = db.transaction((ops: readonly OpDescriptor[]): Extract<GroupResult, { ok: true }> => {
    const out: Extract<GroupResult, { ok: true }> = { ok: true, failed: [], values: [] };
    ops.forEach((d, i) => {
      try {
        const value = isSingle(d) ? runOp(db, stmt, d) : runOne(d);
        if (value !== undefined) out.values.push([i, value]);
      } catch (err) {
        if (!(err instanceof SquallError)) throw err;
        out.failed.push([i, err]);
      }
    });
    return out;
  });
  return {
    runGroup(ops) {
      try {
        return group(ops);
      } catch (err) {
        return { ok: false, err: new SquallError(ErrorCode.Unavailable, `store commit failed: ${String(err)}`, { cause: err }) };
      }
    },
    loadAll: () => stmt.all.all(),
    close: () => db.close(),
    pragma: (name) => {
      if (!/^[a-z_]+$/.test(name)) throw new Error(`not a PRAGMA name: ${name}`);
      return db.pragma(name, { simple: true });
    },
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
