/**
 * The compact row of schema v2 (sqlite-rows.ts): a status change writes the
 * mutable part only (the submitted doc stays as it was), fields that become
 * undefined read back as undefined, checkpoints land in whichever JSON holds
 * the live state, and a schema-v1 data directory (whole record in doc) opens,
 * migrates and keeps working; the v3 rebuild keeps row order and key uniqueness.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asLeaseToken, asWorkerId } from '../core/ids.js';
import type { ExecutionRecord, Lease } from '../core/model.js';
import { SQLITE_SCHEMA_VERSION, SqliteStore } from './sqlite-store.js';
import { makeExecutionRecord } from './testing.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'squall-rows-'));
  file = join(dir, 'squall.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface RawRow {
  doc: string;
  state: string | null;
  status: string;
  hist: string | null;
  hist_n: number | null;
}
const raw = (id: string): RawRow =>
  withDb((db) => db.prepare<[string], RawRow>('SELECT doc, state, status, hist, hist_n FROM executions WHERE id = ?').get(id)!);

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const lease = (n: number): Lease => ({ workerId: asWorkerId('w1'), token: asLeaseToken(`ls_${n}`), attempt: 1, expiresAt: 1_000 });

async function reopened(): Promise<ExecutionRecord[]> {
  const s = SqliteStore.open(file);
  try {
    return await s.loadAll();
  } finally {
    await s.close();
  }
}

describe('SqliteStore compact rows (schema v3)', () => {
  it('a status change rewrites the mutable part only; the submitted doc is left as written', async () => {
    const store = SqliteStore.open(file);
    const r = makeExecutionRecord({ params: { big: 'x'.repeat(500) }, metadata: { team: 'a' } });
    await store.submit([r]);
    const docAtSubmit = raw(r.executionId).doc;
    const claimed: ExecutionRecord = { ...r, status: 'preparing', attempts: 1, lease: lease(7), statusHistory: [...r.statusHistory, { status: 'preparing', at: 2, previous: 'scheduled', attempt: 1 }] };
    await store.claim(claimed);
    const row = raw(r.executionId);
    expect(row.doc).toBe(docAtSubmit);
    expect(row.status).toBe('preparing');
    expect(row.state).not.toContain('x'.repeat(500));
    expect(JSON.parse(row.state!)).toMatchObject({ status: 'preparing', attempts: 1, lease: { token: 'ls_7' } });
    await store.close();
    expect(await reopened()).toStrictEqual([claimed]);
  });

  it('a status change appends its new history entries; the state holds no history', async () => {
    const store = SqliteStore.open(file);
    const r = makeExecutionRecord();
    await store.submit([r]);
    // Submitted: the history is the doc's.
    expect(raw(r.executionId)).toMatchObject({ hist: null, hist_n: null });
    // The engine's way: the same record object, changed in place.
    r.status = 'preparing';
    r.attempts = 1;
    r.lease = lease(3);
    r.statusHistory.push({ status: 'preparing', at: 2, previous: 'scheduled', attempt: 1 });
    await store.claim(r);
    const claimedRow = raw(r.executionId);
    expect(claimedRow.hist_n).toBe(2);
    expect(JSON.parse(`[${claimedRow.hist ?? ''}]`)).toStrictEqual(r.statusHistory);
    expect(claimedRow.state).not.toContain('statusHistory');
    // Marks the entries on disk: a write that rewrote the whole history would wipe the mark.
    withDb((db) => db.prepare("UPDATE executions SET hist = replace(hist, '\"at\":2,', '\"at\":2,\"mark\":1,') WHERE id = ?").run(r.executionId));
    r.status = 'completed';
    r.lease = undefined;
    r.result = 'ok';
    r.completedAt = 4;
    r.statusHistory.push({ status: 'running', at: 3, previous: 'preparing', attempt: 1 }, { status: 'completed', at: 4, previous: 'running', attempt: 1 });
    await store.complete(r);
    await store.close();
    const row = raw(r.executionId);
    expect(row.hist_n).toBe(4);
    expect(row.hist).toContain('"mark":1');
    const [back] = await reopened();
    expect(back?.statusHistory).toStrictEqual(r.statusHistory.map((e) => (e.at === 2 ? { ...e, mark: 1 } : e)));
    expect({ ...back, statusHistory: r.statusHistory }).toStrictEqual(r);
  });

  it('a row that does not hold the history count a write follows fails that write as unavailable; the next one writes the whole history', async () => {
    const store = SqliteStore.open(file);
    const r = makeExecutionRecord();
    await store.submit([r]);
    const claimed: ExecutionRecord = { ...r, status: 'preparing', attempts: 1, lease: lease(5), statusHistory: [...r.statusHistory, { status: 'preparing', at: 2, previous: 'scheduled', attempt: 1 }] };
    await store.claim(claimed);
    // The disk lost an entry the store counted on (as when an earlier write failed unseen).
    withDb((db) => db.prepare('UPDATE executions SET hist_n = 1 WHERE id = ?').run(r.executionId));
    const running: ExecutionRecord = { ...claimed, status: 'running', startedAt: 3, statusHistory: [...claimed.statusHistory, { status: 'running', at: 3, previous: 'preparing', attempt: 1 }] };
    await expect(store.update([running])).rejects.toMatchObject({ code: 'unavailable' });
    expect(raw(r.executionId)).toMatchObject({ status: 'preparing', hist_n: 1 });
    await store.update([running]);
    await store.close();
    expect(raw(r.executionId).hist_n).toBe(3);
    expect(await reopened()).toStrictEqual([running]);
  });

  it('fields that were set and are cleared again read back as undefined', async () => {
    const store = SqliteStore.open(file);
    const r = makeExecutionRecord({ nextRunAt: 5, scheduledAt: 5 });
    await store.submit([r]);
    const claimed: ExecutionRecord = { ...r, status: 'preparing', attempts: 1, lease: lease(1), nextRunAt: undefined };
    await store.claim(claimed);
    const retrying: ExecutionRecord = { ...claimed, status: 'retrying', lease: undefined, nextRunAt: 99, error: { code: 'x', message: 'y' } };
    await store.update([retrying]);
    const done: ExecutionRecord = { ...retrying, status: 'completed', nextRunAt: undefined, error: undefined, result: 3, completedAt: 100 };
    await store.complete(done);
    await store.close();
    expect(await reopened()).toStrictEqual([done]);
  });

  it('a checkpoint goes to the state of a changed row and to the doc of an unchanged one, highest seq only', async () => {
    const store = SqliteStore.open(file);
    const a = makeExecutionRecord();
    const b = makeExecutionRecord();
    await store.submit([a, b]);
    const running: ExecutionRecord = { ...a, status: 'running', attempts: 1, lease: lease(2) };
    await store.update([running]);
    await store.saveCheckpoint(a.executionId, { seq: 2, state: { n: 2 }, attempt: 1, at: 10 });
    await store.saveCheckpoint(a.executionId, { seq: 1, state: { n: 1 }, attempt: 1, at: 11 });
    await store.saveCheckpoint(b.executionId, { seq: 1, state: { n: 9 }, attempt: 1, at: 12 });
    await store.close();
    const [ra, rb] = await reopened();
    expect(ra).toStrictEqual({ ...running, checkpoint: { seq: 2, state: { n: 2 }, attempt: 1, at: 10 } });
    expect(rb?.checkpoint).toStrictEqual({ seq: 1, state: { n: 9 }, attempt: 1, at: 12 });
  });

  it('changing the idempotency key takes the general update (the unique index still guards it)', async () => {
    const store = SqliteStore.open(file);
    const a = makeExecutionRecord({ idempotencyKey: 'k1' });
    const b = makeExecutionRecord();
    await store.submit([a, b]);
    await expect(store.update([{ ...b, idempotencyKey: 'k1' }])).rejects.toMatchObject({ code: 'conflict' });
    await store.update([{ ...a, idempotencyKey: 'k2' }]);
    await store.update([{ ...b, idempotencyKey: 'k1' }]);
    await store.close();
    expect((await reopened()).map((r) => r.idempotencyKey)).toEqual(['k2', 'k1']);
  });

  it('opens a schema-v1 data directory, reads its records, migrates it and keeps writing', async () => {
    const r = makeExecutionRecord({ idempotencyKey: 'old' });
    withDb((db) => {
      // The v1 schema exactly as the first release wrote it (frozen here on purpose).
      db.exec(`CREATE TABLE executions (id TEXT PRIMARY KEY, status TEXT NOT NULL, task_id TEXT NOT NULL,
        idempotency_key TEXT UNIQUE, created_at INTEGER NOT NULL, completed_at INTEGER, doc TEXT NOT NULL);
        CREATE INDEX executions_status ON executions(status);
        CREATE INDEX executions_task_id ON executions(task_id);
        CREATE INDEX executions_completed_at ON executions(completed_at);`);
      db.prepare('INSERT INTO executions VALUES (?, ?, ?, ?, ?, NULL, ?)').run(r.executionId, r.status, r.taskId, 'old', r.createdAt, JSON.stringify(r));
      db.pragma('user_version = 1');
    });
    const store = SqliteStore.open(file);
    expect(await store.loadAll()).toStrictEqual([r]);
    const done: ExecutionRecord = { ...r, status: 'completed', attempts: 1, result: 'ok', completedAt: 50 };
    await store.complete(done);
    await store.close();
    expect(withDb((db) => db.pragma('user_version', { simple: true }))).toBe(SQLITE_SCHEMA_VERSION);
    expect(await reopened()).toStrictEqual([done]);
  });

  it('keeps the order of the rows and the uniqueness of keys through the v3 rebuild of the table', async () => {
    const [a, b, c] = [makeExecutionRecord({ idempotencyKey: 'ka' }), makeExecutionRecord(), makeExecutionRecord({ idempotencyKey: 'kc' })];
    withDb((db) => {
      db.exec(`CREATE TABLE executions (id TEXT PRIMARY KEY, status TEXT NOT NULL, task_id TEXT NOT NULL,
        idempotency_key TEXT UNIQUE, created_at INTEGER NOT NULL, completed_at INTEGER, doc TEXT NOT NULL, state TEXT);
        CREATE INDEX executions_task_id ON executions(task_id);
        CREATE INDEX executions_completed_at ON executions(completed_at);`);
      // Inserted with rowids out of id order: loadAll's order is the rowid's.
      const insert = db.prepare('INSERT INTO executions (rowid, id, status, task_id, idempotency_key, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const [rowid, r] of [[7, c], [9, a], [12, b]] as const) {
        insert.run(rowid, r.executionId, r.status, r.taskId, r.idempotencyKey ?? null, r.createdAt, JSON.stringify(r));
      }
      db.pragma('user_version = 2');
    });
    const store = SqliteStore.open(file);
    expect((await store.loadAll()).map((r) => r.executionId)).toEqual([c, a, b].map((r) => r.executionId));
    await expect(store.submit([makeExecutionRecord({ idempotencyKey: 'ka' })])).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.update([{ ...b, idempotencyKey: 'kc' }])).rejects.toMatchObject({ code: 'conflict' });
    await store.close();
    const indexes = withDb((db) => db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").pluck().all());
    expect(indexes.sort()).toEqual(['executions_completed_at', 'executions_key']);
  });
});
