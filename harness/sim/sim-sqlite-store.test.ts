/**
 * SimSqliteStore's window is SqliteStore's own queue: a write is serialized
 * when it is issued (the caller's later changes to its records never reach
 * the disk), a crash loses what is queued and leaves its promises unsettled,
 * and a close commits what is queued before the next life opens the file.
 */
import { describe, expect, it } from 'vitest';
import type { StoreFaultMode } from '../../system/store/index.js';
import { moved, probeRandom, ProbeClock, submitted, track } from '../scenario/store-contract-kit.js';
import { SimSqliteStore } from './sim-sqlite-store.js';

async function opened(): Promise<{ clock: ProbeClock; store: SimSqliteStore }> {
  const clock = new ProbeClock();
  const store = SimSqliteStore.create({ clock, commitDelayMs: 2 });
  const t = track(store.submit([submitted(1)]));
  await clock.run(10, () => t.settled);
  expect(t).toEqual({ settled: true, error: null });
  return { clock, store };
}

describe('SimSqliteStore', () => {
  it('commits a write as it was issued, not as the caller changed its record while it waited in the window', async () => {
    const { clock, store } = await opened();
    const claimed = moved(submitted(1), 'preparing');
    const t = track(store.claim(claimed));
    // The engine changes its record in place right after issuing the write (and its next write is refused in front of the store).
    Object.assign(claimed, moved(moved(claimed, 'running'), 'completed'));
    expect(store.uncommittedCount).toBe(1);
    await clock.run(10, () => t.settled);
    expect(t).toEqual({ settled: true, error: null });
    const [row] = await store.loadAll();
    expect(row?.status).toBe('preparing');
    expect(row?.statusHistory.map((e) => e.status)).toEqual(['scheduled', 'preparing']);
    await store.close();
    store.dispose();
  });

  it('reads an execution as committed (committedRecord): a write waiting in the window is not there yet', async () => {
    const { clock, store } = await opened();
    const id = submitted(1).executionId;
    const t = track(store.claim(moved(submitted(1), 'preparing')));
    expect(store.committedRecord(id)?.status).toBe('scheduled');
    await clock.run(10, () => t.settled);
    expect(store.committedRecord(id)?.statusHistory.map((e) => e.status)).toEqual(['scheduled', 'preparing']);
    expect(store.committedRecord('ex_unknown')).toBeUndefined();
    store.crash();
    expect(store.committedRecord(id)).toBeUndefined();
    store.dispose();
  });

  it('loses what is queued at a crash (its promise never settles) and commits what is queued at a close', async () => {
    const { clock, store } = await opened();
    const lost = track(store.claim(moved(submitted(1), 'preparing')));
    store.crash();
    await clock.run(10);
    expect(lost.settled).toBe(false);
    const next = store.reopen({ clock, commitDelayMs: 2 });
    expect((await next.loadAll())[0]?.status).toBe('scheduled');
    const kept = track(next.claim(moved(submitted(1), 'preparing')));
    await next.close();
    expect(kept).toEqual({ settled: true, error: null });
    expect(next.uncommittedCount).toBe(0);
    const third = next.reopen({ clock, commitDelayMs: 2 });
    expect((await third.loadAll())[0]?.status).toBe('preparing');
    await third.close();
    third.dispose();
  });

  it('on a full or failing disk fails the whole group a write was committed in, as SQLite does, and commits again once the disk heals', async () => {
    let mode: StoreFaultMode = { type: 'ok' };
    const clock = new ProbeClock();
    const store = SimSqliteStore.create({ clock, commitDelayMs: 2, disk: { mode: () => mode, random: probeRandom(1) } });
    const first = track(store.submit([submitted(1)]));
    await clock.run(10, () => first.settled);
    mode = { type: 'disk_full' };
    const group = [track(store.claim(moved(submitted(1), 'preparing'))), track(store.submit([submitted(2)]))];
    await clock.run(10, () => group.every((t) => t.settled));
    expect(group.map((t) => t.error)).toEqual([expect.stringMatching(/store commit failed: SqliteError: database or disk is full/), expect.stringMatching(/SqliteError: database or disk is full/)]);
    mode = { type: 'disk_error', probability: 1 };
    const io = track(store.submit([submitted(3)]));
    await clock.run(10, () => io.settled);
    expect(io.error).toMatch(/SqliteError: disk I\/O error/);
    mode = { type: 'ok' };
    const healed = track(store.submit([submitted(4)]));
    await clock.run(10, () => healed.settled);
    expect(healed).toEqual({ settled: true, error: null });
    expect((await store.loadAll()).map((r) => [r.executionId, r.status])).toEqual([[submitted(1).executionId, 'scheduled'], [submitted(4).executionId, 'scheduled']]);
    await store.close();
    store.dispose();
  });
});
