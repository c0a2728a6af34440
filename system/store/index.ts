/**
 * The storage seam: the Store interface and its implementations. Logic gets a
 * Store injected; only wiring (CLI, harness) picks one, through openStore().
 */
import { join } from 'node:path';
import { assertNever } from '../core/errors.js';
import { MemoryStore } from './memory-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { Store } from './store.js';

export type { Store, StoreStats } from './store.js';
export { MemoryDurableState, MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { migrate, SQLITE_SCHEMA_VERSION, SqliteStore, type SqliteStoreOptions, type SqliteStoreSeams } from './sqlite-store.js';
export type { GroupResult, OpDescriptor, SqliteBackend, SqliteExecutor, StoredRow } from './sqlite-exec.js';
export { inProcessBackend } from './sqlite-exec.js';
export { fromRow } from './sqlite-rows.js';
export { SqliteThread, type StoreThread } from './sqlite-thread-client.js';
export { encodeError, encodeGroup, type ThreadAnswer, type ThreadRequest } from './sqlite-wire.js';

/** Where openStore() puts the database inside a data directory. */
export const SQLITE_FILE_NAME = 'squall.db';

/** What the CLI's `--store memory` / `--data-dir DIR` select. */
export type StoreSelection = { kind: 'memory' } | ({ kind: 'sqlite'; dataDir: string } & SqliteStoreOptions);

/** Opens the selected store: a fresh MemoryStore, or SQLite at `<dataDir>/squall.db` (directory created if needed). */
export function openStore(opts: StoreSelection): Store {
  switch (opts.kind) {
    case 'memory':
      return new MemoryStore();
    case 'sqlite': {
      const { kind: _kind, dataDir, ...options } = opts;
      return SqliteStore.open(join(dataDir, SQLITE_FILE_NAME), options);
    }
    default:
      return assertNever(opts, 'store kind');
  }
}
export { FaultyStore, type StoreFaultMode } from './faulty-store.js';
