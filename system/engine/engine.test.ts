import { describe, expect, it } from 'vitest';
import { asWorkerId, type ExecutionId } from '../core/ids.js';
import type { ResultReport } from './contract.js';
import type { Engine } from './engine.js';
import { startEngine } from './testing.js';

const W1 = asWorkerId('w1');
const W2 = asWorkerId('w2');
const ALL = new Set(['echo', 'fail', 'sleep']);

function claim(engine: Engine, worker = W1, kinds: ReadonlySet<string> = ALL) {
  const c = engine.claimNext(worker, kinds);
  if (c === undefined) throw new Error('nothing to claim');
  return c.assignment;
}

function report(a: { executionId: ExecutionId; attempt: number; leaseToken: ResultReport['leaseToken'] }, outcome: ResultReport['outcome'], extra: Partial<ResultReport> = {}): ResultReport {
  return { executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken, outcome, durationMs: 1, ...extra };
}

describe('Engine: claim and result', () => {
  it('runs a task to completion and records history, events and the store', async () => {
    const { engine, store, sink } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'echo', params: { value: 1 } });
    expect(rec.status).toBe('scheduled');
    const a = claim(engine);
    expect(a).toMatchObject({ executionId: rec.executionId, attempt: 1, kind: 'echo', params: { value: 1 } });
    await engine.onStarted(a.executionId, a.attempt, a.leaseToken);
    expect(await engine.onResult(report(a, 'completed', { result: 42 }))).toBe('recorded');
    const done = engine.getExecution(rec.executionId);
    expect(done).toMatchObject({ status: 'completed', result: 42, attempts: 1, lease: undefined });
    expect(done?.completedAt).toBeTypeOf('number');
    expect(done?.statusHistory.map((e) => e.status)).toEqual(['scheduled', 'preparing', 'running', 'completed']);
    expect(done?.statusHistory.at(3)).toMatchObject({ previous: 'running', attempt: 1 });
    const stored = (await store.loadAll()).find((r) => r.executionId === rec.executionId);
    expect(stored?.status).toBe('completed');
    expect(sink.ofType('status').map((e) => e.to)).toEqual(['scheduled', 'preparing', 'running', 'completed']);
    expect(engine.leasesOf(W1)).toBe(0);
  });

  it('fences results: duplicate for the recorded token, stale for others', async () => {
    const { engine } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'echo' });
    const a = claim(engine);
    expect(await engine.onResult(report({ ...a, leaseToken: 'ls_bogus' as ResultReport['leaseToken'] }, 'completed'))).toBe('stale');
    expect(await engine.onResult(report(a, 'completed'))).toBe('recorded');
    expect(await engine.onResult(report(a, 'failed'))).toBe('duplicate');
    expect(engine.getExecution(rec.executionId)?.status).toBe('completed');
  });

  it('claims highest priority first, then FIFO, and only kinds the worker runs', async () => {
    const { engine } = await startEngine();
    const low = await engine.scheduleTask({ kind: 'echo', priority: 'low' });
    const high1 = await engine.scheduleTask({ kind: 'echo', priority: 'high' });
    const high2 = await engine.scheduleTask({ kind: 'echo', priority: 'high' });
    const crit = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, priority: 'critical' });
    expect(claim(engine, W1, new Set(['echo'])).executionId).toBe(high1.executionId);
    expect(claim(engine).executionId).toBe(crit.executionId);
    expect(claim(engine).executionId).toBe(high2.executionId);
    expect(claim(engine).executionId).toBe(low.executionId);
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
  });

  it('retries a failing task by policy and completes with the attempt count', async () => {
    const { engine, time } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'fail', params: { times: 2 }, retry: { strategy: 'fixed', maxRetries: 3, delayMs: 100 } });
    for (let i = 0; i < 2; i++) {
      const a = claim(engine);
      expect(await engine.onResult(report(a, 'failed', { error: { code: 'boom', message: 'x' } }))).toBe('recorded');
      const r = engine.getExecution(rec.executionId);
      expect(r?.status).toBe('retrying');
      expect(r?.nextRunAt).toBe(time.clock.now() + 100);
      expect(engine.claimNext(W1, ALL)).toBeUndefined();
      await time.tickAsync(100);
    }
    const a = claim(engine);
    await engine.onResult(report(a, 'completed'));
    const done = engine.getExecution(rec.executionId);
    expect(done?.status).toBe('completed');
    expect(done?.attempts).toBe(3);
    expect(done?.statusHistory.map((e) => e.status)).toEqual([
      'scheduled', 'preparing', 'failed', 'retrying', 'preparing', 'failed', 'retrying', 'preparing', 'completed',
    ]);
  });

  it('ends failed after 1 + maxRetries attempts and fails dependents with dependency_failed', async () => {
    const { engine, time } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'fixed', maxRetries: 1, delayMs: 100 } });
    const dep = await engine.scheduleTask({ kind: 'echo', dependencies: [rec.executionId] });
    const dep2 = await engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId] });
    expect(dep.status).toBe('pending');
    await engine.onResult(report(claim(engine), 'failed'));
    await time.tickAsync(100);
    await engine.onResult(report(claim(engine), 'failed'));
    expect(engine.getExecution(rec.executionId)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(engine.getExecution(dep.executionId)?.status).toBe('failed');
    expect(engine.getExecution(dep.executionId)?.statusHistory.at(-1)?.reason).toBe('dependency_failed');
    expect(engine.getExecution(dep2.executionId)?.status).toBe('failed');
    expect(engine.getExecution(rec.executionId)?.completedAt).toBeTypeOf('number');
  });

  it('runs dependents only after their dependencies completed', async () => {
    const { engine } = await startEngine();
    const ids = await engine.scheduleTaskGraph({ a: { kind: 'echo' }, b: { kind: 'echo', dependsOn: ['a'] }, c: { kind: 'echo', dependsOn: ['a', 'b'] } });
    expect(ids.map((x) => x.taskId)).toEqual(['a', 'b', 'c']);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = claim(engine);
      expect(engine.claimNext(W2, ALL)).toBeUndefined();
      order.push(engine.getExecution(a.executionId)?.taskId ?? '?');
      await engine.onResult(report(a, 'completed'));
    }
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('cancel stops a running attempt, releases the lease and fences its late result', async () => {
    const { engine, dispatcher } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 5000 } });
    const dep = await engine.scheduleTask({ kind: 'echo', dependencies: [rec.executionId] });
    const a = claim(engine);
    await engine.onStarted(a.executionId, a.attempt, a.leaseToken);
    const cancelled = await engine.cancelExecution(rec.executionId);
    expect(cancelled.status).toBe('cancelled');
    expect(dispatcher.aborts).toEqual([{ workerId: W1, executionId: rec.executionId, leaseToken: a.leaseToken, reason: 'cancel' }]);
    expect(engine.leasesOf(W1)).toBe(0);
    expect(await engine.onResult(report(a, 'completed'))).toBe('stale');
    expect(engine.getExecution(rec.executionId)?.status).toBe('cancelled');
    expect(engine.getExecution(dep.executionId)?.status).toBe('failed');
    await expect(engine.cancelExecution(rec.executionId)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('idempotencyKey returns the existing execution', async () => {
    const { engine } = await startEngine();
    const a = await engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k1' });
    const b = await engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k1' });
    expect(b.executionId).toBe(a.executionId);
    expect(engine.listExecutions().executions).toHaveLength(1);
  });
});
