/**
 * One conformance suite for every Store implementation (bullmq's
 * adapter-conformance style): the same behaviour is required of the in-memory
 * store and of SQLite. Each backend also gives a view of its committed state
 * as another process would read it, to check that nothing resolves before it
 * is committed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asExecutionId, asLeaseToken, asWorkerId } from '../../system/core/ids.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { MemoryStore, openStore, SqliteStore, type Store } from '../../system/store/index.js';
import { makeExecutionRecord } from '../../system/store/testing.js';

interface Backend {
  store: Store;
  /** Ids committed right now, read synchronously as a separate process would see them. */
  committedIds(): Set<string>;
  /** Closes the store (waiting for its close: a store thread lets go of the file) and opens a new one over the same durable state (a restart). */
  restart(): Promise<Store>;
  dispose(): void;
}

function memoryBackend(): Backend {
  const b: Backend = {
    store: new MemoryStore(),
    committedIds: () => new Set(first.durable.records.keys()),
    restart: async () => {
      const current = b.store as MemoryStore;
      await current.close();
      b.store = current.reopen();
      return b.store;
    },
    dispose: () => {},
  };
  const first = b.store as MemoryStore;
  return b;
}

function sqliteBackend(thread: boolean): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'squall-store-'));
  const file = join(dir, 'squall.db');
  const b: Backend = {
    store: openStore({ kind: 'sqlite', dataDir: dir, thread }),
    committedIds: () => {
      const reader = new Database(file, { readonly: true });
      try {
        return new Set(reader.prepare<[], string>('SELECT id FROM executions').pluck().all());
      } finally {
        reader.close();
      }
    },
    restart: async () => {
      await b.store.close();
      b.store = SqliteStore.open(file, { thread });
      return b.store;
    },
    dispose: () => {
      void b.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return b;
}

/** A record with every optional field set, nested values included. */
function fullRecord(): ExecutionRecord {
  const base = makeExecutionRecord();
  return {
    ...base,
    params: { durationMs: 3000, nested: { list: [1, 'two', null, { deep: true }] } },
    priority: 'critical',
    retry: { strategy: 'exponential', maxRetries: 3, delayMs: 100, maxDelayMs: 5000 },
    timeoutMs: 60_000,
    dependencies: [asExecutionId('ex_dep_1'), asExecutionId('ex_dep_2')],
    scheduledAt: 1_700_000_000_500,
    metadata: { owner: 'team-a', tags: ['x', 'y'] },
    idempotencyKey: `key-${base.executionId}`,
    status: 'running',
    attempts: 2,
    result: { out: [1, 2, 3] },
    error: { code: 'task_failed', message: 'first attempt failed' },
    statusHistory: [
      { status: 'scheduled', at: 1, previous: null, attempt: 0 },
      { status: 'preparing', at: 2, previous: 'scheduled', attempt: 1 },
      { status: 'retrying', at: 3, previous: 'preparing', attempt: 1, reason: 'lease expired' },
      { status: 'running', at: 4, previous: 'retrying', attempt: 2 },
    ],
    lease: { workerId: asWorkerId('w1'), token: asLeaseToken('ls_abc'), attempt: 2, expiresAt: 1_700_000_030_000 },
    checkpoint: { seq: 7, state: { offset: 700, parts: ['a', 'b'] }, attempt: 2, at: 1_700_000_020_000 },
    nextRunAt: 1_700_000_010_000,
    startedAt: 1_700_000_001_000,
    completedAt: undefined,
  };
}

const lease = (attempt: number): ExecutionRecord['lease'] => ({
  workerId: asWorkerId('w1'),
  token: asLeaseToken(`ls_${attempt}`),
  attempt,
  expiresAt: 1_700_000_100_000,
});

const ids = (records: readonly ExecutionRecord[]): string[] => records.map((r) => r.executionId);
const byId = async (store: Store, id: string): Promise<ExecutionRecord | undefined> =>
  (await store.loadAll()).find((r) => r.executionId === id);

describe.each([
  { name: 'MemoryStore', make: memoryBackend },
  { name: 'SqliteStore', make: () => sqliteBackend(false) },
  { name: 'SqliteStore (thread)', make: () => sqliteBackend(true) },
])('Store conformance: $name', ({ make }) => {
  let b: Backend;
  beforeEach(() => {
    b = make();
  });
  afterEach(() => b.dispose());

  it('round-trips every field of a record, also across a restart', async () => {
    const full = fullRecord();
    const minimal = makeExecutionRecord();
    await b.store.submit([full, minimal]);
    expect(await b.store.loadAll()).toStrictEqual([full, minimal]);
    expect(await (await b.restart()).loadAll()).toStrictEqual([full, minimal]);
  });

  it('returns copies: mutating a submitted or loaded record changes nothing stored', async () => {
    const r = fullRecord();
    const expected = structuredClone(r);
    const p = b.store.submit([r]);
    r.metadata.owner = 'mutated after issue';
    await p;
    const [loaded] = await b.store.loadAll();
    const history = loaded?.statusHistory;
    expect(Array.isArray(history)).toBe(true); // a store hands out plain arrays
    if (Array.isArray(history)) history.length = 0;
    expect(await b.store.loadAll()).toStrictEqual([expected]);
  });

  it('persists claim, update, checkpoint and complete of a lifecycle', async () => {
    const r = makeExecutionRecord();
    await b.store.submit([r]);
    const claimed: ExecutionRecord = { ...r, status: 'preparing', attempts: 1, lease: lease(1) };
    await b.store.claim(claimed);
    expect(await byId(b.store, r.executionId)).toStrictEqual(claimed);
    const running: ExecutionRecord = { ...claimed, status: 'running', startedAt: 5 };
    await b.store.update([running]);
    await b.store.saveCheckpoint(r.executionId, { seq: 1, state: { n: 1 }, attempt: 1, at: 6 });
    const done: ExecutionRecord = {
      ...running,
      status: 'completed',
      result: 'ok',
      lease: undefined,
      checkpoint: { seq: 1, state: { n: 1 }, attempt: 1, at: 6 },
      completedAt: 9,
    };
    await b.store.complete(done);
    expect(await (await b.restart()).loadAll()).toStrictEqual([done]);
  });

  it('applies operations issued in the same tick in issue order', async () => {
    const r = makeExecutionRecord();
    const first: ExecutionRecord = { ...r, status: 'cancelled', completedAt: 3 };
    const second: ExecutionRecord = { ...r, status: 'retrying', nextRunAt: 4 };
    await Promise.all([b.store.submit([r]), b.store.complete(first), b.store.update([second])]);
    expect(await byId(b.store, r.executionId)).toStrictEqual(second);
  });

  it('rejects misuse: claim without preparing+lease, complete of a live status, writes to unknown ids', async () => {
    const r = makeExecutionRecord();
    await b.store.submit([r]);
    await expect(b.store.claim({ ...r, status: 'running', lease: lease(1) })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(b.store.claim({ ...r, status: 'preparing' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(b.store.complete({ ...r, status: 'running' })).rejects.toMatchObject({ code: 'invalid_argument' });
    const ghost = makeExecutionRecord();
    await expect(b.store.update([ghost])).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.store.claim({ ...ghost, status: 'preparing', lease: lease(1) })).rejects.toMatchObject({ code: 'not_found' });
    const cp = { seq: 1, state: null, attempt: 1, at: 1 };
    await expect(b.store.saveCheckpoint(ghost.executionId, cp)).rejects.toMatchObject({ code: 'not_found' });
    await expect(b.store.submit([r])).rejects.toMatchObject({ code: 'conflict' });
    expect(await b.store.loadAll()).toStrictEqual([r]);
  });

  it('moves checkpoints only forward', async () => {
    const r = makeExecutionRecord();
    await b.store.submit([r]);
    const cp = (seq: number) => ({ seq, state: { seq }, attempt: 1, at: seq });
    await b.store.saveCheckpoint(r.executionId, cp(1));
    await b.store.saveCheckpoint(r.executionId, cp(3));
    await b.store.saveCheckpoint(r.executionId, cp(2));
    await b.store.saveCheckpoint(r.executionId, { ...cp(3), state: 'same seq, ignored' });
    expect((await byId(b.store, r.executionId))?.checkpoint).toStrictEqual(cp(3));
    expect((await byId(await b.restart(), r.executionId))?.checkpoint).toStrictEqual(cp(3));
  });

  it('keeps idempotency keys unique across submit and update', async () => {
    const a = makeExecutionRecord({ idempotencyKey: 'k1' });
    await b.store.submit([a]);
    const dup = makeExecutionRecord({ idempotencyKey: 'k1' });
    await expect(b.store.submit([dup])).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(a.executionId) });
    const other = makeExecutionRecord();
    await b.store.submit([other]);
    await expect(b.store.update([{ ...other, idempotencyKey: 'k1' }])).rejects.toMatchObject({ code: 'conflict' });
    await b.store.update([{ ...a, status: 'running' }]); // the holder may rewrite itself
    await b.store.update([{ ...a, idempotencyKey: 'k2' }]); // and release the key
    await b.store.submit([dup]);
    expect(ids(await b.store.loadAll())).toEqual([a.executionId, other.executionId, dup.executionId]);
  });

  it('commits a batch all or nothing, and a failing operation fails alone', async () => {
    const holder = makeExecutionRecord({ idempotencyKey: 'taken' });
    await b.store.submit([holder]);
    const x = makeExecutionRecord();
    const bad = makeExecutionRecord({ idempotencyKey: 'taken' });
    const z = makeExecutionRecord();
    const inBatchDup = [makeExecutionRecord({ idempotencyKey: 'twin' }), makeExecutionRecord({ idempotencyKey: 'twin' })];
    const bystander = makeExecutionRecord();
    const results = await Promise.allSettled([
      b.store.submit([x, bad, z]),
      b.store.submit(inBatchDup),
      b.store.update([{ ...holder, status: 'running' }, makeExecutionRecord()]),
      b.store.submit([bystander]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled']);
    expect(await (await b.restart()).loadAll()).toStrictEqual([holder, bystander]);
  });

  it('prunes terminal executions completed before the cutoff, and frees their keys', async () => {
    const old = makeExecutionRecord({ status: 'completed', completedAt: 100, idempotencyKey: 'old' });
    const oldFailed = makeExecutionRecord({ status: 'failed', completedAt: 199 });
    const recent = makeExecutionRecord({ status: 'cancelled', completedAt: 200 });
    const live = makeExecutionRecord({ status: 'running', completedAt: 50 });
    const scheduled = makeExecutionRecord();
    await b.store.submit([old, oldFailed, recent, live, scheduled]);
    expect(await b.store.prune(200)).toBe(2);
    expect(ids(await b.store.loadAll())).toEqual([recent.executionId, live.executionId, scheduled.executionId]);
    await b.store.submit([makeExecutionRecord({ idempotencyKey: 'old' })]);
    expect(await b.store.prune(200)).toBe(0);
  });

  it('group-commits operations of one tick, resolving each only after its commit', async () => {
    const before = b.store.stats();
    const records = Array.from({ length: 100 }, () => makeExecutionRecord());
    const seenAtResolve: boolean[] = [];
    const pending = records.map((r) =>
      b.store.submit([r]).then(() => seenAtResolve.push(b.committedIds().has(r.executionId))),
    );
    expect(b.committedIds().size).toBe(0); // nothing committed within the issuing tick
    await Promise.all(pending);
    expect(seenAtResolve).toHaveLength(100);
    expect(seenAtResolve.every(Boolean)).toBe(true);
    const after = b.store.stats();
    expect(after.operations - before.operations).toBe(100);
    expect(after.commits - before.commits).toBeGreaterThanOrEqual(1);
    expect(after.commits - before.commits).toBeLessThan(100);
  });

  it('close() commits what was issued, then refuses further calls', async () => {
    const r = makeExecutionRecord();
    const p = b.store.submit([r]);
    await b.store.close();
    await p;
    await expect(b.store.submit([makeExecutionRecord()])).rejects.toMatchObject({ code: 'illegal_state' });
    await expect(b.store.loadAll()).rejects.toMatchObject({ code: 'illegal_state' });
    expect(b.committedIds()).toEqual(new Set([r.executionId]));
  });
});
