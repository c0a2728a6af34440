/**
 * KNOWN_FAILURE_MODES engine item 6, restart recovery: a coordinator "kill -9"
 * (MemoryStore.crash + reopen) with work at every status, then a new Engine on
 * the committed state. Nothing is dropped, leases of running work survive for
 * workers that come back, abandoned ones expire and re-queue, retry and
 * schedule times are kept, and everything finishes exactly once. Each check is
 * shown to fail against a deliberately broken variant.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionId } from '../../system/core/ids.js';
import { Engine } from '../../system/engine/engine.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { fakeClock, startEngine } from '../../system/engine/testing.js';
import { MemoryStore } from '../../system/store/memory-store.js';
import { makeExecutionRecord } from '../../system/store/testing.js';
import { ALL_KINDS, claim, expectCaught, report, W1, W2, W3 } from './helpers.js';

type Make = ConstructorParameters<typeof Engine>;
const variant =
  <T extends Engine>(C: new (...a: Make) => T) =>
  (...a: Make): Engine =>
    new C(...a);

/** The original: recovered RUNNING executions held their slots until a 1-hour timeout. */
class HoldsSlots extends Engine {
  protected override recoverOne(rec: ExecutionRecord, now: number, commits: Promise<void>[]): void {
    super.recoverOne(rec, now, commits);
    if (rec.lease !== undefined) rec.lease.expiresAt = now + 3_600_000;
  }
}
/** The original: PREPARING/TIMEOUT/PAUSED executions were silently dropped. */
class DropsSome extends Engine {
  protected override index(rec: ExecutionRecord): void {
    if (rec.status === 'preparing' || rec.status === 'timeout' || rec.status === 'paused') return;
    super.index(rec);
  }
}
/** The original: a RETRYING execution without a retry time crashed the queue. */
class CrashesOnMissingRetryTime extends Engine {
  protected override recoverOne(rec: ExecutionRecord, now: number, commits: Promise<void>[]): void {
    if (rec.status === 'retrying' && rec.nextRunAt === undefined) throw new TypeError("Cannot read properties of undefined (reading 'getTime')");
    super.recoverOne(rec, now, commits);
  }
}

const LEASE_MS = 1000;

async function restartScenario(make?: (...a: Make) => Engine): Promise<void> {
  const time = fakeClock();
  const store1 = new MemoryStore();
  const { engine: e1 } = await startEngine({ store: store1, time, config: { leaseMs: LEASE_MS } });
  const t0 = time.clock.now();
  const running = await e1.scheduleTask({ kind: 'sleep', params: { durationMs: 100 } });
  const runA = claim(e1, W1);
  await e1.onStarted(runA.executionId, runA.attempt, runA.leaseToken);
  await e1.onCheckpoint(runA.executionId, runA.attempt, runA.leaseToken, { seq: 1, state: 'half' });
  const preparing = await e1.scheduleTask({ kind: 'echo' });
  claim(e1, W2);
  const paused = await e1.scheduleTask({ kind: 'echo' });
  await e1.pauseExecution(paused.executionId);
  const retrying = await e1.scheduleTask({ kind: 'fail', retry: { strategy: 'fixed', maxRetries: 1, delayMs: 5000 } });
  await e1.onResult(report(claim(e1, W1), 'failed'));
  const retryAt = e1.get(retrying.executionId)?.nextRunAt as number;
  const future = await e1.scheduleTask({ kind: 'echo', scheduledAt: t0 + 3000 });
  const pending = await e1.scheduleTask({ kind: 'echo', dependencies: [running.executionId] });
  const timedOut = await e1.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, retry: { strategy: 'none' } });
  await e1.onResult(report(claim(e1, W1), 'timeout'));
  const expected = new Map<ExecutionId, string>([
    [running.executionId, 'running'],
    [preparing.executionId, 'preparing'],
    [paused.executionId, 'paused'],
    [retrying.executionId, 'retrying'],
    [future.executionId, 'scheduled'],
    [pending.executionId, 'pending'],
    [timedOut.executionId, 'timeout'],
  ]);
  await time.settle();
  store1.crash();
  e1.close();

  const { engine: e2, sink } = await startEngine({ store: store1.reopen(), time, config: { leaseMs: LEASE_MS }, seed: 2, ...(make ? { make } : {}) });
  // Nothing dropped, statuses kept.
  for (const [id, status] of expected) expect(e2.getExecution(id)?.status, `status of ${id} after restart`).toBe(status);
  expect(e2.getExecution(timedOut.executionId)?.completedAt).toBeTypeOf('number');
  expect(e2.getExecution(retrying.executionId)?.nextRunAt).toBe(retryAt);
  expect(e2.snapshotCounts().inFlight).toBe(2);

  // The running one's worker comes back in time: its lease is confirmed and its result recorded.
  const sync = e2.syncHeldTasks(W1, [{ executionId: runA.executionId, attempt: runA.attempt, leaseToken: runA.leaseToken, state: 'running' }]);
  expect(sync.confirm).toEqual([running.executionId]);
  expect(await e2.onResult(report(runA, 'completed'))).toBe('recorded');
  expect(e2.getExecution(pending.executionId)?.status).toBe('scheduled');

  // The preparing one's worker never returns: its lease expires, the slot is freed, it re-queues.
  await time.tickAsync(LEASE_MS + 300);
  expect(e2.getExecution(preparing.executionId)?.status).toBe('scheduled');
  expect(e2.snapshotCounts().inFlight).toBe(0);

  // Drive everything to the end on a fresh worker, recording claim times.
  await e2.resumeExecution(paused.executionId);
  const claimedAt = new Map<string, number>();
  for (let round = 0; round < 40; round++) {
    for (let c = e2.claimNext(W3, ALL_KINDS); c !== undefined; c = e2.claimNext(W3, ALL_KINDS)) {
      const a = c.assignment;
      expect(claimedAt.has(a.executionId), `${a.executionId} claimed twice`).toBe(false);
      claimedAt.set(a.executionId, time.clock.now());
      await e2.onStarted(a.executionId, a.attempt, a.leaseToken);
      await e2.onResult(report(a, 'completed'));
    }
    await time.tickAsync(250);
  }
  expect(claimedAt.get(retrying.executionId)).toBeGreaterThanOrEqual(retryAt);
  expect(claimedAt.get(future.executionId)).toBeGreaterThanOrEqual(t0 + 3000);
  for (const id of expected.keys()) {
    const status = e2.getExecution(id)?.status;
    expect(status, `final status of ${id}`).toBe(id === timedOut.executionId ? 'timeout' : 'completed');
  }
  const completions = sink.ofType('status').filter((e) => e.to === 'completed').map((e) => e.executionId);
  expect(new Set(completions).size).toBe(completions.length);
}

async function missingRetryTimeScenario(make?: (...a: Make) => Engine): Promise<void> {
  const time = fakeClock();
  const store = new MemoryStore();
  const rec = makeExecutionRecord({
    status: 'retrying',
    attempts: 1,
    nextRunAt: undefined,
    createdAt: time.clock.now(),
    retry: { strategy: 'fixed', maxRetries: 2, delayMs: 10, maxDelayMs: 10 },
  });
  const orphan = makeExecutionRecord({ status: 'preparing', lease: undefined, createdAt: time.clock.now() });
  await store.submit([rec, orphan]);
  const started = startEngine({ store, time, ...(make ? { make } : {}) });
  await expect(started).resolves.toBeDefined();
  const { engine } = await started;
  const claimed = new Set([claim(engine).executionId, claim(engine).executionId]);
  expect(claimed).toEqual(new Set([rec.executionId, orphan.executionId]));
}

describe('6. restart recovery', () => {
  it('after a crash, every execution goes on: nothing dropped, leases kept or expired, times kept, nothing twice', async () => {
    await restartScenario();
    await expectCaught(() => restartScenario(variant(HoldsSlots)));
    await expectCaught(() => restartScenario(variant(DropsSome)));
  });

  it('a retrying execution without a retry time (and a lease-less preparing one) runs now instead of crashing', async () => {
    await missingRetryTimeScenario();
    await expectCaught(() => missingRetryTimeScenario(variant(CrashesOnMissingRetryTime)));
  });

  it('a pending execution whose dependency ended unsuccessfully before the crash fails on recovery', async () => {
    const time = fakeClock();
    const store = new MemoryStore();
    const dep = makeExecutionRecord({ status: 'failed', createdAt: time.clock.now(), completedAt: time.clock.now() });
    const child = makeExecutionRecord({ status: 'pending', dependencies: [dep.executionId], createdAt: time.clock.now() + 1 });
    await store.submit([dep, child]);
    const { engine } = await startEngine({ store, time });
    expect(engine.getExecution(child.executionId)).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
    const stored = (await store.loadAll()).find((r) => r.executionId === child.executionId);
    expect(stored?.status).toBe('failed');
  });
});
