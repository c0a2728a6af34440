/**
 * A verdict that refuses a worker's message against a lease change still in
 * its commit window (issue 10, the open edge): the coordinator acknowledges
 * the message with the verdict, so the engine may give it only once the
 * change committed. Before, a checkpoint (or result, or started) for a lease
 * that had just expired in memory was answered 'stale' at once; a crash
 * before the expiry committed left the lease live on disk, with the
 * acknowledged checkpoint gone for good (the worker had dropped it). Each
 * test fails on the old engine: the verdict settles before the commit.
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId } from '../core/ids.js';
import { MemoryStore } from '../store/memory-store.js';
import type { AssignmentSpec, ResultReport } from './contract.js';
import { fakeClock, startEngine, type TestEngine } from './testing.js';

const W1 = asWorkerId('w1');
const ALL = new Set(['echo', 'fail', 'sleep']);
const COMMIT_MS = 100;
const LEASE_MS = 1000;

/** An engine on a store with 100 ms commits; one running attempt whose lease expired in memory, the expiry not yet committed. */
async function expiredInMemory(): Promise<TestEngine & { a: AssignmentSpec; memStore: MemoryStore }> {
  const time = fakeClock();
  const memStore = new MemoryStore({ clock: time.clock, commitDelayMs: COMMIT_MS });
  const t = await startEngine({ time, store: memStore, config: { leaseMs: LEASE_MS, leaseSweepMs: 50 } });
  const pending = t.engine.scheduleTask({ kind: 'sleep', params: { durationMs: 10_000 } });
  await time.tickAsync(COMMIT_MS);
  await pending;
  const claim = t.engine.claimNext(W1, ALL);
  if (claim === undefined) throw new Error('nothing to claim');
  await time.tickAsync(COMMIT_MS);
  await claim.committed;
  const started = t.engine.onStarted(claim.assignment.executionId, claim.assignment.attempt, claim.assignment.leaseToken);
  await time.tickAsync(COMMIT_MS);
  await started;
  // The lease expires (no renewals); the sweep re-queues it in memory and starts the commit.
  await time.tickAsync(LEASE_MS + 10 - 2 * COMMIT_MS);
  expect(t.engine.getExecution(claim.assignment.executionId)?.lease).toBeUndefined();
  return { ...t, a: claim.assignment, memStore };
}

/** Whether p settled, without advancing virtual time. */
async function settledNow(p: Promise<unknown>, t: TestEngine): Promise<boolean> {
  let done = false;
  p.then(
    () => void (done = true),
    () => void (done = true),
  );
  await t.time.settle();
  return done;
}

const report = (a: AssignmentSpec): ResultReport => ({ executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, outcome: 'completed', result: 'r', durationMs: 5 });

describe('Engine: no refusal verdict against an uncommitted lease change', () => {
  it('answers a checkpoint for the expired lease only once the expiry committed', async () => {
    const t = await expiredInMemory();
    const verdict = t.engine.onCheckpoint(t.a.executionId, t.a.attempt, t.a.leaseToken, { seq: 1, state: 'one' });
    expect(await settledNow(verdict, t)).toBe(false);
    await t.time.tickAsync(COMMIT_MS);
    expect(await verdict).toBe('stale');
  });

  it('fences a result for the expired lease only once the expiry committed', async () => {
    const t = await expiredInMemory();
    const verdict = t.engine.onResult(report(t.a));
    expect(await settledNow(verdict, t)).toBe(false);
    await t.time.tickAsync(COMMIT_MS);
    expect(await verdict).toBe('stale');
    expect(t.sink.ofType('result_rejected').map((e) => e.reason)).toEqual(['stale']);
  });

  it('a crash inside the expiry commit window leaves the checkpoint unanswered (not acked), and the restarted engine saves it', async () => {
    const t = await expiredInMemory();
    const verdict = t.engine.onCheckpoint(t.a.executionId, t.a.attempt, t.a.leaseToken, { seq: 1, state: 'one' });
    await t.time.settle();
    t.memStore.crash();
    t.engine.close();
    expect(await settledNow(verdict, t)).toBe(false);
    // After the restart the lease is live again (the expiry never committed): the re-sent checkpoint is saved.
    const again = await startEngine({ time: t.time, store: t.memStore.reopen({ clock: t.time.clock, commitDelayMs: COMMIT_MS }), config: { leaseMs: LEASE_MS } });
    expect(again.engine.getExecution(t.a.executionId)?.lease?.token).toBe(t.a.leaseToken);
    const resent = again.engine.onCheckpoint(t.a.executionId, t.a.attempt, t.a.leaseToken, { seq: 1, state: 'one' });
    await t.time.tickAsync(COMMIT_MS);
    expect(await resent).toBe('saved');
  });
});
