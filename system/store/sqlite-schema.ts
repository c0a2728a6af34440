/**
 * The SQLite store's schema and file handling (sqlite-store.ts): the
 * migrations keyed by PRAGMA user_version, opening the file and taking the
 * exclusive lock.
 */
import Database from 'better-sqlite3';
import { ErrorCode, SquallError } from '../core/errors.js';

/** How SqliteStore.open() opens the file and commits (see sqlite-store.ts's header). */
export interface SqliteStoreOptions {
  /** 'normal' (default): survives kill -9; 'full': also survives power loss. */
  synchronous?: 'normal' | 'full';
  /** How long to wait for a lock held by another connection. Default 5000. */
  busyTimeoutMs?: number;
  /** Queue length that triggers an immediate flush. Default 512. */
  maxBatch?: number;
  /**
   * Hold an exclusive lock on the database for the life of this store (SQLite
   * locking_mode EXCLUSIVE, taken at open): a second process opening it fails
   * at once naming the file. The OS drops the lock when the process dies
   * (kill -9 included), so it cannot go stale. The coordinator CLI sets it.
   */
  exclusive?: boolean;
  /** Accept an empty (0-byte) file as a new store (the CLI's --init); see integrity.ts. */
  init?: boolean;
  /**
   * Run the connection, its statements and commits in a worker thread
   * (sqlite-store.ts's header). Default false: the library's store commits
   * synchronously in the caller's thread, which the simulation relies on;
   * the coordinator CLI and the benchmarks turn it on.
   */
  thread?: boolean;
}

/** A better-sqlite3 connection (sqlite-store.ts holds one). */
export type Db = Database.Database;

/** Schema steps; index i migrates from user_version i to i + 1. */
const MIGRATIONS: ReadonlyArray<(db: Db) => void> = [
  (db) =>
    db.exec(`
      CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        task_id TEXT NOT NULL,
        idempotency_key TEXT UNIQUE,
        created_at INTEGER NOT NULL,
        completed_at INTEGER,
        doc TEXT NOT NULL
      );
      CREATE INDEX executions_status ON executions(status);
      CREATE INDEX executions_task_id ON executions(task_id);
      CREATE INDEX executions_completed_at ON executions(completed_at);
    `),
  // v2: the compact row (sqlite-rows.ts). `state` NULL = the doc is the whole record (every
  // v1 row). No index on status: nothing queries by it, and it changed on every transition.
  (db) =>
    db.exec(`
      ALTER TABLE executions ADD COLUMN state TEXT;
      DROP INDEX executions_status;
    `),
  // v3: the status history in its own column, appended to (sqlite-rows.ts; NULL in the rows
  // of v1 and v2); an insert and a completion write the fewest index pages. No index on task_id (no
  // statement reads by it; every insert wrote a page of it at a random place). The key and
  // completed_at indexes are partial: an execution without a key, or not completed, has no
  // entry (the table is rebuilt, as SQLite cannot make a UNIQUE column constraint partial;
  // rowids are kept, so loadAll's order is unchanged).
  (db) =>
    db.exec(`
      CREATE TABLE executions_v3 (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        task_id TEXT NOT NULL,
        idempotency_key TEXT,
        created_at INTEGER NOT NULL,
        completed_at INTEGER,
        doc TEXT NOT NULL,
        state TEXT,
        hist TEXT,
        hist_n INTEGER
      );
      INSERT INTO executions_v3 (rowid, id, status, task_id, idempotency_key, created_at, completed_at, doc, state)
        SELECT rowid, id, status, task_id, idempotency_key, created_at, completed_at, doc, state FROM executions ORDER BY rowid;
      DROP TABLE executions;
      ALTER TABLE executions_v3 RENAME TO executions;
      CREATE UNIQUE INDEX executions_key ON executions(idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX executions_completed_at ON executions(completed_at) WHERE completed_at IS NOT NULL;
    `),
];

/** The schema version this build writes (PRAGMA user_version). */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SQLITE_SCHEMA_VERSION in one transaction; refuses a newer schema. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SQLITE_SCHEMA_VERSION) {
    throw new SquallError(
      ErrorCode.UnsupportedVersion,
      `database schema version ${current} is newer than this squall supports (${SQLITE_SCHEMA_VERSION}); upgrade squall`,
    );
  }
  db.transaction(() => {
    for (let v = current; v < SQLITE_SCHEMA_VERSION; v++) MIGRATIONS[v]?.(db);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  })();
}

/** Opens (or creates) the database file; a failure names the path. */
export function openDatabase(path: string): Db {
  try {
    return new Database(path);
  } catch (err) {
    throw new SquallError(ErrorCode.IllegalState, `cannot open store ${path}: ${(err as Error).message}`, { cause: err, path });
  }
}

/** Takes the exclusive lock now (a write transaction), failing at once if another process holds the file. */
export function lockExclusively(db: Db, path: string): void {
  db.pragma('busy_timeout = 0');
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new SquallError(
        ErrorCode.IllegalState,
        `store ${path} is in use by another process (another coordinator on the same --data-dir?); one coordinator per data directory`,
        { cause: err, path },
      );
    }
    throw new SquallError(ErrorCode.IllegalState, `cannot lock store ${path}: ${(err as Error).message}`, { cause: err, path });
  }
}
