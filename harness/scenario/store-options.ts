/**
 * Step 5 of the store contract probe (store-contract.ts, SQLite): the
 * store's options have their documented effect (system/store/sqlite-schema.ts
 * SqliteStoreOptions, sqlite-store.ts's header). A production SqliteStore is
 * opened on a temp file with each documented value of each option (and
 * without it: the default) and the setting is read back from its own
 * connection (`PRAGMA`, through the executor the backend seam hands over):
 * synchronous 'normal' (the default) is 1, 'full' 2 (blind set 22 #25
 * opened every database NORMAL: a coordinator configured for full
 * durability lost acknowledged commits on a power cut); busyTimeoutMs its
 * value (default 5000); WAL always; exclusive holds locking_mode EXCLUSIVE.
 * The expected values are written here from the documentation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inProcessBackend, type SqliteExecutor, SqliteStore, type SqliteStoreOptions } from '../../system/store/index.js';

/** One option value opened and read back: the options given, the PRAGMA read, what the docs give, what the connection said (or why it could not open). */
export interface StoreOptionReadBack {
  options: string;
  pragma: string;
  expected: string | number;
  read: string | number | null;
  error?: string;
}

const CASES: readonly [SqliteStoreOptions, string, string | number][] = [
  [{}, 'synchronous', 1],
  [{ synchronous: 'normal' }, 'synchronous', 1],
  [{ synchronous: 'full' }, 'synchronous', 2],
  [{}, 'busy_timeout', 5000],
  [{ busyTimeoutMs: 250 }, 'busy_timeout', 250],
  [{ busyTimeoutMs: 0 }, 'busy_timeout', 0],
  [{}, 'journal_mode', 'wal'],
  [{ synchronous: 'full', exclusive: true }, 'journal_mode', 'wal'],
  [{}, 'locking_mode', 'normal'],
  [{ exclusive: true }, 'locking_mode', 'exclusive'],
];

/** Opens a store per case in a temp directory of its own and reads its connection's setting. */
export async function storeOptionReadBacks(): Promise<StoreOptionReadBack[]> {
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-options-'));
  const out: StoreOptionReadBack[] = [];
  try {
    for (const [i, [options, pragma, expected]] of CASES.entries()) {
      let executor: SqliteExecutor | undefined;
      const row: StoreOptionReadBack = { options: JSON.stringify(options), pragma, expected, read: null };
      try {
        const store = SqliteStore.open(join(dir, `options-${i}.db`), options, { backend: (e) => ((executor = e), inProcessBackend(e)) });
        const v = executor?.pragma(pragma);
        row.read = typeof v === 'number' || typeof v === 'string' ? v : String(v);
        await store.close();
      } catch (err) {
        row.error = err instanceof Error ? err.message : String(err);
      }
      out.push(row);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
