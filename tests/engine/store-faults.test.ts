/**
 * Commit or no trace (issue 9): the engine over a FaultyStore. Each property
 * is a function returning what went wrong, run against the real engine (must
 * be empty) and against a deliberately broken variant built through the
 * engine's protected seams (must be caught).
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId } from '../../system/core/ids.js';
import { seededRandom } from '../../system/core/random.js';
import type { EngineConfig } from '../../system/engine/config.js';
import { Engine } from '../../system/engine/engine.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { fakeClock, startEngine, type TestEngine } from '../../system/engine/testing.js';
import { FaultyStore } from '../../system/store/faulty-store.js';
import { MemoryStore } from '../../system/store/memory-store.js';

const W1 = asWorkerId('w1');
const ALL = new Set(['echo', 'fail', 'sleep']);
type Make = (deps: ConstructorParameters<typeof Engine>[0], config: EngineConfig) => Engine;

/** Broken: keeps a failed submission in memory (the ghost of issue 9 #1). */
class KeepsFailedSubmissions extends Engine {
  protected override unindex(): void {}
}

/** Broken: never reloads after the store recovers (state keeps what failed to commit). */
class NeverReloads extends Engine {
  protected override async reloadFromStore(): Promise<void> {}
}

async function faulty(make?: Make): Promise<TestEngine & { disk: FaultyStore; memory: MemoryStore }> {
  const time = fakeClock();
  const memory = new MemoryStore();
  const disk = new FaultyStore(memory, time.clock, seededRandom(7));
  const t = await startEngine({ store: disk, time, ...(make === undefined ? {} : { make }) });
  return { ...t, disk, memory };
}

const statusOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (err: unknown) => (err as { code?: string }).code ?? 'error',
  );

/** A submit that fails on a full disk leaves nothing; the retry with its key creates it for real. */
async function ghostProblems(make?: Make): Promise<string[]> {
  const { engine, disk, memory, time } = await faulty(make);
  const problems: string[] = [];
  disk.setMode({ type: 'disk_full' });
  const first = await statusOf(engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k1' }));
  if (first !== 'store_unavailable') problems.push(`failed submit answered ${first}`);
  if (engine.listExecutions().executions.length !== 0) problems.push('a failed submission is listed');
  if (engine.storeHealth().ok) problems.push('store reported healthy while it cannot commit');
  disk.setMode({ type: 'ok' });
  await time.tickAsync(200);
  if (!engine.storeHealth().ok) problems.push('store still unhealthy after the disk recovered');
  const retry = await engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k1' });
  if (!memory.durable.records.has(retry.executionId)) problems.push(`the retry returned ${retry.executionId}, which is not in the store (a ghost)`);
  return problems;
}

/** A claim whose commit fails is rolled back once the disk recovers, and dispatch goes on. */
async function stuckClaimProblems(make?: Make): Promise<string[]> {
  const { engine, disk, time, dispatcher } = await faulty(make);
  const problems: string[] = [];
  const rec = await engine.scheduleTask({ kind: 'echo' });
  disk.setMode({ type: 'disk_error', probability: 1 });
  const claim = engine.claimNext(W1, ALL);
  if (claim === undefined) return ['nothing to claim'];
  if ((await statusOf(claim.committed)) !== 'store_unavailable') problems.push('the failed claim did not reject with store_unavailable');
  if (engine.claimNext(W1, ALL) !== undefined) problems.push('dispatch went on while the store was failing');
  disk.setMode({ type: 'ok' });
  await time.tickAsync(200);
  const after = engine.getExecution(rec.executionId) as ExecutionRecord;
  if (after.status !== 'scheduled' || after.attempts !== 0) problems.push(`after recovery the execution is ${after.status} (attempts ${after.attempts}), not rolled back`);
  if (!dispatcher.aborts.some((a) => a.leaseToken === claim.assignment.leaseToken)) problems.push('the uncommitted lease was not revoked');
  const again = engine.claimNext(W1, ALL);
  if (again === undefined) problems.push('dispatch stuck after the disk recovered');
  else await again.committed;
  return problems;
}

describe('engine over a failing store: commit or no trace', () => {
  it('a failed submission leaves no ghost; its key retried creates it durably', async () => {
    expect(await ghostProblems()).toEqual([]);
  });

  it('catches an engine that keeps failed submissions', async () => {
    expect((await ghostProblems((d, c) => new KeepsFailedSubmissions(d, c))).join('\n')).toMatch(/listed|ghost/);
  });

  it('a failed claim is rolled back after recovery and dispatch resumes', async () => {
    expect(await stuckClaimProblems()).toEqual([]);
  });

  it('catches an engine that keeps state after a failed commit', async () => {
    expect((await stuckClaimProblems((d, c) => new NeverReloads(d, c))).join('\n')).toMatch(/not rolled back|stuck/);
  });

  it('a result whose commit failed is recorded once when the worker re-sends it', async () => {
    const { engine, disk, time, memory } = await faulty();
    const rec = await engine.scheduleTask({ kind: 'echo' });
    const c = engine.claimNext(W1, ALL);
    if (c === undefined) throw new Error('nothing to claim');
    await c.committed;
    const a = c.assignment;
    const report = { executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, outcome: 'completed' as const, durationMs: 1, result: 1 };
    disk.setMode({ type: 'disk_full' });
    expect(await statusOf(engine.onResult(report))).toBe('store_unavailable');
    expect(await statusOf(engine.onResult(report))).toBe('store_unavailable');
    disk.setMode({ type: 'ok' });
    await time.tickAsync(200);
    expect(engine.getExecution(rec.executionId)?.status).toBe('preparing');
    expect(await engine.onResult(report)).toBe('recorded');
    expect(memory.durable.records.get(rec.executionId)?.status).toBe('completed');
    expect(await engine.onResult(report)).toBe('duplicate');
  });

  it('a slow disk delays commits in order and loses nothing', async () => {
    const { engine, disk, time, memory } = await faulty();
    disk.setMode({ type: 'slow_disk', minMs: 50, maxMs: 400 });
    const ids: string[] = [];
    const all = Array.from({ length: 20 }, (_, i) => engine.scheduleTask({ kind: 'echo', params: { value: i } }).then((r) => ids.push(r.executionId)));
    await time.tickAsync(10_000);
    await Promise.all(all);
    expect(ids).toHaveLength(20);
    expect(ids.every((id) => memory.durable.records.has(id as never))).toBe(true);
    expect(disk.faultStats.delayed).toBeGreaterThan(0);
    expect(engine.storeHealth().ok).toBe(true);
  });

  it('a slow disk writes what it was handed: a claim cancelled while its write stalls commits as the claim, then the cancel', async () => {
    const { engine, disk, time, memory } = await faulty();
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1000 } });
    disk.setMode({ type: 'slow_disk', minMs: 200, maxMs: 200 });
    const c = engine.claimNext(W1, ALL);
    if (c === undefined) throw new Error('nothing to claim');
    const claim = statusOf(c.committed);
    const cancel = statusOf(engine.cancelExecution(rec.executionId));
    await time.tickAsync(1000);
    expect([await claim, await cancel]).toEqual(['ok', 'ok']);
    expect(engine.storeHealth().ok).toBe(true);
    expect(memory.durable.records.get(rec.executionId)?.status).toBe('cancelled');
  });

  it('reusing an idempotency key with a different spec is a conflict naming the field', async () => {
    const { engine } = await startEngine();
    const first = await engine.scheduleTask({ kind: 'echo', params: { value: 1 }, idempotencyKey: 'k' });
    expect((await engine.scheduleTask({ kind: 'echo', params: { value: 1 }, idempotencyKey: 'k' })).executionId).toBe(first.executionId);
    await expect(engine.scheduleTask({ kind: 'echo', params: { value: 2 }, idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'conflict',
      path: 'idempotencyKey',
      message: expect.stringMatching(/different params/),
    });
  });

  it('deep JSON is refused before anything is created, and listing still works', async () => {
    const { engine, store } = await startEngine({ time: fakeClock() });
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = { a: deep };
    await expect(engine.scheduleTask({ kind: 'echo', params: { value: deep } })).rejects.toMatchObject({ code: 'invalid_argument', path: expect.stringMatching(/^params\.value\.a/) });
    await expect(engine.scheduleTask({ kind: 'echo', metadata: { deep } as Record<string, unknown> })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(engine.listExecutions().executions).toHaveLength(0);
    expect(store.stats().operations).toBe(0);
  });
});

describe('time bounds', () => {
  it('refuses durations and dates past their documented maxima, naming the field', async () => {
    const { engine } = await startEngine();
    const day = 86_400_000;
    await expect(engine.scheduleTask({ kind: 'echo', timeoutMs: 31 * day })).rejects.toMatchObject({ path: 'timeoutMs', message: expect.stringMatching(/at most 2592000000 \(30 days\)/) });
    await expect(engine.scheduleTask({ kind: 'echo', retry: { delayMs: 40 * day } })).rejects.toMatchObject({ path: 'retry.delayMs' });
    await expect(engine.scheduleTask({ kind: 'echo', scheduledAt: Date.UTC(2100, 0, 1) })).rejects.toMatchObject({ path: 'scheduledAt', message: expect.stringMatching(/at most 366 days ahead/) });
  });

  it('a 30-day timeoutMs times the attempt out at 30 days (+grace), not at once', async () => {
    const { engine, time } = await startEngine({ config: { timeoutGraceMs: 0, leaseMs: 2 * 86_400_000, leaseSweepMs: 3_600_000 } });
    const day = 86_400_000;
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, timeoutMs: 30 * day, retry: { strategy: 'none' } });
    const c = engine.claimNext(W1, ALL);
    if (c === undefined) throw new Error('nothing to claim');
    await c.committed;
    for (let i = 0; i < 29; i++) {
      engine.renewLeases(W1);
      await time.tickAsync(day);
    }
    expect(engine.getExecution(rec.executionId)?.status).toBe('preparing');
    engine.renewLeases(W1);
    await time.tickAsync(day);
    expect(engine.getExecution(rec.executionId)?.status).toBe('timeout');
  });
});

describe('retention and quotas', () => {
  async function finishAll(engine: Engine, n: number, tick?: () => Promise<void>, kind = 'echo'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await engine.scheduleTask({ kind, params: { value: i } })).executionId);
    for (;;) {
      const c = engine.claimNext(W1, ALL);
      if (c === undefined) break;
      await c.committed;
      const a = c.assignment;
      await engine.onResult({ executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, outcome: 'completed', durationMs: 1 });
      await tick?.();
    }
    return ids;
  }

  it('keeps the newest retention.maxCount terminal executions, with their history; the rest are gone from memory and store', async () => {
    const { engine, time, store } = await startEngine({ config: { retention: { maxCount: 5, sweepMs: 1000 } } });
    const ids = await finishAll(engine, 20, () => time.tickAsync(1));
    await time.tickAsync(1000);
    await time.settle();
    const kept = ids.filter((id) => engine.getExecution(id) !== undefined);
    expect(kept).toEqual(ids.slice(15));
    expect(engine.getExecution(kept[0] as string)?.statusHistory.map((h) => h.status)).toEqual(['scheduled', 'preparing', 'completed']);
    expect((await store.loadAll()).length).toBe(5);
  });

  it('retention.maxAgeMs forgets terminals older than the age; unfinished work is never pruned', async () => {
    const { engine, time } = await startEngine({ config: { retention: { maxAgeMs: 60_000, sweepMs: 1000 } } });
    const done = await finishAll(engine, 3);
    const waiting = await engine.scheduleTask({ kind: 'echo', scheduledAt: time.clock.now() + 3_600_000 });
    await time.tickAsync(30_000);
    expect(done.every((id) => engine.getExecution(id) !== undefined)).toBe(true);
    await time.tickAsync(40_000);
    expect(done.every((id) => engine.getExecution(id) === undefined)).toBe(true);
    expect(engine.getExecution(waiting.executionId)?.status).toBe('scheduled');
  });

  it('maxPending refuses submissions past the limit with rate_limited, and accepts again once work finishes', async () => {
    const { engine } = await startEngine({ config: { maxPending: 3 } });
    for (let i = 0; i < 3; i++) await engine.scheduleTask({ kind: 'echo' });
    await expect(engine.scheduleTask({ kind: 'echo' })).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/limit of 3/) });
    await finishAll(engine, 0);
    await expect(engine.scheduleTask({ kind: 'echo' })).resolves.toMatchObject({ status: 'scheduled' });
  });
});
