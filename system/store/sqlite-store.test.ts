/**
 * SqliteStore specifics: file layout, schema versioning, immediate flush at
 * maxBatch, and a failed transaction rejecting every operation in it, in
 * both modes (connection in this thread, and in the store's worker thread;
 * the thread's own edges are in sqlite-thread.test.ts). The behaviour
 * shared with MemoryStore is in tests/conformance/store.test.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { asExecutionId } from '../core/ids.js';
import { MemoryStore, openStore, SQLITE_FILE_NAME } from './index.js';
import type { GroupResult, SqliteBackend, SqliteExecutor } from './sqlite-exec.js';
import { SQLITE_SCHEMA_VERSION, SqliteStore } from './sqlite-store.js';
import { makeExecutionRecord } from './testing.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'squall-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const inspect = <T>(file: string, fn: (db: Database.Database) => T): T => {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

describe.each([{ thread: false }, { thread: true }])('SqliteStore (thread: $thread)', ({ thread }) => {
  it('creates the data directory, a WAL database and the current schema version', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = openStore({ kind: 'sqlite', dataDir, thread });
    await store.close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    expect(existsSync(file)).toBe(true);
    inspect(file, (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      const indexes = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
      expect(indexes).toEqual(expect.arrayContaining(['executions_key', 'executions_completed_at']));
      expect(indexes).not.toContain('executions_status');
      expect(indexes).not.toContain('executions_task_id');
    });
  });

  it('refuses a database written by a newer schema', () => {
    const file = join(dir, 'squall.db');
    inspect(file, (db) => db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`));
    expect(() => SqliteStore.open(file, { thread })).toThrow(expect.objectContaining({ code: 'unsupported_version' }));
  });

  it('reopens an existing database without migrating it again', async () => {
    const file = join(dir, 'squall.db');
    const first = SqliteStore.open(file, { synchronous: 'full', thread });
    const r = makeExecutionRecord();
    await first.submit([r]);
    await first.close();
    const second = SqliteStore.open(file, { thread });
    expect(await second.loadAll()).toStrictEqual([r]);
    await second.close();
  });

  it('flushes once the queue reaches maxBatch (in this thread: synchronously)', async () => {
    const file = join(dir, 'squall.db');
    const store = SqliteStore.open(file, { maxBatch: 4, thread });
    const pending = Array.from({ length: 6 }, () => store.submit([makeExecutionRecord()]));
    // Before any tick: committed in this thread; in the worker thread, sent and not answered yet.
    expect(store.stats()).toEqual(thread ? { commits: 0, operations: 0 } : { commits: 1, operations: 4 });
    await pending[3];
    expect(store.stats()).toEqual({ commits: 1, operations: 4 });
    await Promise.all(pending);
    expect(store.stats()).toEqual({ commits: 2, operations: 6 });
    await store.close();
  });

  it('rejects every operation of a group whose transaction fails, committing none', async () => {
    const file = join(dir, 'squall.db');
    const store = SqliteStore.open(file, { thread });
    inspect(file, (db) =>
      db.exec(`CREATE TRIGGER boom BEFORE INSERT ON executions WHEN NEW.id = 'ex_boom'
               BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`),
    );
    const results = await Promise.allSettled([
      store.submit([makeExecutionRecord()]),
      store.submit([makeExecutionRecord({ executionId: asExecutionId('ex_boom') })]),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : r.status))).toEqual([
      'unavailable',
      'unavailable',
    ]);
    expect(await store.loadAll()).toEqual([]);
    expect(store.stats()).toEqual({ commits: 0, operations: 0 });
    await store.close();
  });

  it('rejects a record that cannot be serialized without queueing it', async () => {
    const store = SqliteStore.open(join(dir, 'squall.db'), { thread });
    await expect(store.submit([makeExecutionRecord({ params: { n: 1n } })])).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(store.stats().operations).toBe(0);
    await store.close();
  });
});

describe('openStore', () => {
  it('opens a MemoryStore for kind memory', () => {
    expect(openStore({ kind: 'memory' })).toBeInstanceOf(MemoryStore);
  });
});

describe('SqliteStore seams: a backend that answers later (the thread, as the simulation stands in for it)', () => {
  it('sends what was issued while a group was in flight as the next group once it settles, with no further operation', async () => {
    const deferred: (() => void)[] = [];
    const answers: (() => void)[] = [];
    const groups: number[] = [];
    const clock: Clock = {
      now: () => 0,
      monotonic: () => 0,
      setTimeout: (fn) => {
        deferred.push(fn);
        return { cancel: () => {} };
      },
      setInterval: () => ({ cancel: () => {} }),
    };
    const backend = (ex: SqliteExecutor): SqliteBackend => ({
      run: (ops) => {
        groups.push(ops.length);
        return new Promise<GroupResult>((resolve) => answers.push(() => resolve(ex.runGroup(ops))));
      },
      loadAll: () => ex.loadAll(),
      close: () => ex.close(),
      abandon: () => ex.close(),
    });
    const store = SqliteStore.open(join(dir, 'seams.db'), {}, { clock, backend });
    const runDeferred = (): void => {
      for (const fn of deferred.splice(0)) fn();
    };
    const first = store.submit([makeExecutionRecord()]);
    runDeferred();
    expect(groups).toEqual([1]);
    const queued = [store.submit([makeExecutionRecord()]), store.submit([makeExecutionRecord()])];
    // One group in flight: what is issued meanwhile waits for it.
    expect(deferred).toHaveLength(0);
    answers.shift()?.();
    await first;
    // Its settling scheduled the queue as the next group (set 11 #30: it waited for yet another operation).
    runDeferred();
    expect(groups).toEqual([1, 2]);
    answers.shift()?.();
    await Promise.all(queued);
    expect(store.stats()).toEqual({ commits: 2, operations: 3 });
    await store.close();
  });
});
