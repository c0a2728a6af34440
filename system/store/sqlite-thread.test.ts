/**
 * SqliteStore's group semantics across the thread boundary, in both modes:
 * an operation that fails on its own (conflict, not found) rolls back alone
 * inside a group and is rejected as the class the in-process store throws;
 * abandon() (kill -9) loses what was not committed and nothing that was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SquallError } from '../core/errors.js';
import { NotFoundError } from '../core/errors.js';
import { asExecutionId } from '../core/ids.js';
import { SqliteStore } from './sqlite-store.js';
import { makeExecutionRecord } from './testing.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'squall-thread-'));
  file = join(dir, 'squall.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const outcome = (r: PromiseSettledResult<unknown>): string =>
  r.status === 'fulfilled' ? 'ok' : `${(r.reason as Error).constructor.name}:${(r.reason as SquallError).code}`;

describe.each([{ thread: false }, { thread: true }])('SqliteStore groups (thread: $thread)', ({ thread }) => {
  it('a conflict or a missing execution fails alone inside a group; the rest of the group commits', async () => {
    const store = SqliteStore.open(file, { thread });
    const taken = makeExecutionRecord();
    await store.submit([taken]);
    const before = store.stats().commits;
    const [a, b, c] = [makeExecutionRecord(), makeExecutionRecord(), makeExecutionRecord()];
    const results = await Promise.allSettled([
      store.submit([a]),
      store.submit([taken]), // one statement: SQLite undoes it alone
      store.submit([b, taken]), // two statements: its savepoint undoes b too
      store.update([makeExecutionRecord({ executionId: asExecutionId('ex_missing') })]),
      store.submit([c]),
    ]);
    expect(results.map(outcome)).toEqual(['ok', 'SquallError:conflict', 'SquallError:conflict', 'NotFoundError:not_found', 'ok']);
    const rejected = results[3] as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(NotFoundError);
    expect((rejected.reason as Error).message).toBe('update: no execution ex_missing');
    expect(((results[1] as PromiseRejectedResult).reason as Error).message).toBe(`submit: execution ${taken.executionId} already exists`);
    expect(store.stats().commits).toBe(before + 1); // one group, one commit
    const ids = (await store.loadAll()).map((r) => r.executionId);
    expect(ids.sort()).toEqual([a, c, taken].map((r) => r.executionId).sort());
    await store.close();
  });

  it('abandon() loses the operations not committed yet and keeps every committed one', async () => {
    const store = SqliteStore.open(file, { thread });
    const committed = makeExecutionRecord();
    await store.submit([committed]);
    let settled = false;
    void store.submit([makeExecutionRecord()]).finally(() => (settled = true));
    store.abandon(); // same turn: the second submit is still queued
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false); // a dead process acknowledges nothing
    await expect(store.submit([makeExecutionRecord()])).rejects.toMatchObject({ code: 'illegal_state' });
    const reopened = SqliteStore.open(file, { thread });
    expect((await reopened.loadAll()).map((r) => r.executionId)).toEqual([committed.executionId]);
    await reopened.close();
  });

  it('close() commits what is queued before closing', async () => {
    const store = SqliteStore.open(file, { thread });
    const queued = store.submit([makeExecutionRecord()]);
    await store.close();
    await queued;
    const reopened = SqliteStore.open(file, { thread });
    expect(await reopened.loadAll()).toHaveLength(1);
    await reopened.close();
  });
});
