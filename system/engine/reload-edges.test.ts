/**
 * The reload after a store failure (committed.ts reloadFromStore) and the
 * load order at recovery, where the mutation run (docs/MUTATION.md) found
 * the tests blind: only leases that never committed are revoked, the
 * store_recovered event counts what was rolled back, the indexes, stats and
 * listing are rebuilt rather than added to, and executions come back in
 * submission order whatever order the store returns them in.
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId, type ExecutionId } from '../core/ids.js';
import type { ExecutionRecord } from '../core/model.js';
import { seededRandom } from '../core/random.js';
import { FaultyStore } from '../store/faulty-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { fakeClock, startEngine } from './testing.js';

const W1 = asWorkerId('w1');
const W2 = asWorkerId('w2');
const ALL = new Set(['echo', 'fail', 'sleep']);

describe('Engine: reload after the store recovered', () => {
  it('revokes only the lease that never committed, counts one rollback, and rebuilds stats and listing once', async () => {
    const time = fakeClock();
    const disk = new FaultyStore(new MemoryStore(), time.clock, seededRandom(7));
    const { engine, dispatcher, sink } = await startEngine({ store: disk, time });
    const retried = await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'fixed', maxRetries: 1, delayMs: 60_000 } });
    const r = engine.claimNext(W1, ALL);
    await r?.committed;
    await engine.onResult({ executionId: retried.executionId, attempt: 1, leaseToken: r!.assignment.leaseToken, outcome: 'timeout', durationMs: 1 });
    const done = await engine.scheduleTask({ kind: 'echo' });
    const held = await engine.scheduleTask({ kind: 'echo' });
    const lost = await engine.scheduleTask({ kind: 'echo' });
    const first = engine.claimNext(W1, ALL);
    await first?.committed;
    await engine.onResult({ executionId: done.executionId, attempt: 1, leaseToken: first!.assignment.leaseToken, outcome: 'completed', durationMs: 1 });
    const kept = engine.claimNext(W2, ALL);
    await kept?.committed;
    expect(kept?.assignment.executionId).toBe(held.executionId);
    const statsBefore = engine.getExecutionStats();
    expect(statsBefore).toMatchObject({ retried: 1, timedOut: 1, byKind: { echo: { completed: 1 } } });
    disk.setMode({ type: 'disk_error', probability: 1 });
    const failing = engine.claimNext(W1, ALL);
    expect(failing?.assignment.executionId).toBe(lost.executionId);
    await failing?.committed.catch(() => {});
    disk.setMode({ type: 'ok' });
    await time.tickAsync(200);
    expect(engine.storeHealth().ok).toBe(true);

    expect(dispatcher.aborts.map((a) => a.leaseToken)).toEqual([failing?.assignment.leaseToken]);
    expect(sink.ofType('store_recovered').map((e) => e.rolledBack)).toEqual([1]);
    expect(engine.getExecutionStats()).toEqual(statsBefore);
    const listed = engine.listExecutions().executions.map((r) => r.executionId).sort();
    expect(listed).toEqual([retried.executionId, done.executionId, held.executionId, lost.executionId].sort());
    // The committed lease still holds: its result is recorded, not fenced off.
    const k = kept!.assignment;
    expect(await engine.onResult({ executionId: k.executionId, attempt: k.attempt, leaseToken: k.leaseToken, outcome: 'completed', durationMs: 1 })).toBe('recorded');
  });
});

/** A store that hands its records back newest first (as a store keyed by random ids may). */
class ReversedStore extends MemoryStore {
  override async loadAll(): Promise<ExecutionRecord[]> {
    return (await super.loadAll()).reverse();
  }
}

describe('Engine: recovery order', () => {
  it('equal priorities come back first-submitted first, whatever order the store returns', async () => {
    const store = new ReversedStore();
    const time = fakeClock();
    const a = await startEngine({ store, time });
    const ids: ExecutionId[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await a.engine.scheduleTask({ kind: 'echo', params: { value: i } })).executionId);
      await time.tickAsync(10);
    }
    a.engine.close();
    const b = await startEngine({ store, time });
    const order = ids.map(() => b.engine.claimNext(W1, ALL)?.assignment.executionId);
    expect(order).toEqual(ids);
  });
});

describe('Engine: refusing changes while the store is failing', () => {
  it('answers store_unavailable saying since when and why', async () => {
    const time = fakeClock();
    const disk = new FaultyStore(new MemoryStore(), time.clock, seededRandom(7));
    const { engine } = await startEngine({ store: disk, time });
    disk.setMode({ type: 'disk_full' });
    await engine.scheduleTask({ kind: 'echo' }).catch(() => {});
    await expect(engine.scheduleTask({ kind: 'echo' })).rejects.toMatchObject({
      code: 'store_unavailable',
      message: expect.stringMatching(/submit: the store is failing since \d+ \(\S.*\)/),
    });
  });
});

describe('Engine: a reload keeps the attempt timeout deadline', () => {
  /** A started attempt with timeoutMs 1000 + grace 500 (due at +1500); the store fails at +200 and recovers `upMs` later. */
  async function timedThroughFailure(upAtMs: number) {
    const time = fakeClock();
    const disk = new FaultyStore(new MemoryStore(), time.clock, seededRandom(7));
    const t = await startEngine({ store: disk, time, config: { timeoutGraceMs: 500, leaseMs: 60_000 } });
    const x = await t.engine.scheduleTask({ kind: 'sleep', params: { durationMs: 10_000 }, timeoutMs: 1000 });
    const a = t.engine.claimNext(W1, ALL);
    await a?.committed;
    await t.engine.onStarted(x.executionId, 1, a!.assignment.leaseToken);
    const start = time.clock.now();
    await time.tickAsync(200);
    disk.setMode({ type: 'disk_error', probability: 1 });
    await t.engine.scheduleTask({ kind: 'echo' }).catch(() => {});
    expect(t.engine.storeHealth().ok).toBe(false);
    await time.tickAsync(upAtMs - 200);
    disk.setMode({ type: 'ok' });
    return { ...t, start, x };
  }

  const timedOutAt = (t: Awaited<ReturnType<typeof timedThroughFailure>>) =>
    t.sink.ofType('result_recorded').filter((e) => e.executionId === t.x.executionId && e.outcome === 'timeout').map((e) => e.at - t.start);

  it('a timeout due while the store failed ends the lease right after the reload, not timeoutMs + grace later', async () => {
    const t = await timedThroughFailure(2000);
    await t.time.tickAsync(1500);
    expect(t.engine.storeHealth().ok).toBe(true);
    const recovered = (t.sink.ofType('store_recovered')[0]?.at ?? NaN) - t.start;
    expect(recovered).toBeGreaterThan(2000);
    const at = timedOutAt(t);
    expect(at).toHaveLength(1);
    expect(at[0]).toBeGreaterThanOrEqual(recovered);
    expect(at[0]).toBeLessThan(recovered + 50);
    expect(t.dispatcher.aborts.filter((a) => a.reason === 'timeout')).toHaveLength(1);
  });

  it('a timeout due after the reload fires at the attempt deadline, not one counted from the reload', async () => {
    const t = await timedThroughFailure(600);
    await t.time.tickAsync(800);
    expect(t.engine.storeHealth().ok).toBe(true);
    expect(timedOutAt(t)).toEqual([]);
    await t.time.tickAsync(200);
    const at = timedOutAt(t);
    expect(at).toHaveLength(1);
    expect(at[0]).toBeGreaterThanOrEqual(1500);
    expect(at[0]).toBeLessThan(1600);
  });
});
