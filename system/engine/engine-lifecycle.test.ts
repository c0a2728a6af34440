import { describe, expect, it } from 'vitest';
import { asWorkerId, type ExecutionId } from '../core/ids.js';
import type { AssignmentSpec } from './contract.js';
import type { Engine } from './engine.js';
import { MemoryStore } from '../store/memory-store.js';
import { claimFor, fakeClock, reportFor, startEngine } from './testing.js';

const W1 = asWorkerId('w1');
const W2 = asWorkerId('w2');
const ALL = new Set(['echo', 'fail', 'sleep']);

const claim = (engine: Engine, worker = W1): AssignmentSpec => claimFor(engine, worker);
const report = reportFor;

describe('Engine: timeouts', () => {
  it('aborts an attempt at timeoutMs + grace, records timeout, ends terminal with completedAt', async () => {
    const { engine, time, dispatcher } = await startEngine({ config: { timeoutGraceMs: 100 } });
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 300, retry: { strategy: 'none' } });
    const a = claim(engine);
    await engine.onStarted(a.executionId, a.attempt, a.leaseToken);
    await time.tickAsync(399);
    expect(engine.getExecution(rec.executionId)?.status).toBe('running');
    await time.tickAsync(1);
    expect(dispatcher.aborts.map((x) => x.reason)).toEqual(['timeout']);
    const r = engine.getExecution(rec.executionId);
    expect(r).toMatchObject({ status: 'timeout', lease: undefined });
    expect(r?.completedAt).toBeTypeOf('number');
    expect(engine.leasesOf(W1)).toBe(0);
    expect(await engine.onResult(report(a, 'timeout'))).toBe('duplicate');
    expect(await engine.onResult(report(a, 'completed'))).toBe('duplicate');
    expect(engine.getExecution(rec.executionId)?.status).toBe('timeout');
  });

  it('a worker-reported timeout with retries left records a timeout entry, then retrying', async () => {
    const { engine, time } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 5000 }, timeoutMs: 300, retry: { strategy: 'exponential', maxRetries: 2, delayMs: 50 } });
    const a = claim(engine);
    await engine.onResult(report(a, 'timeout'));
    let r = engine.getExecution(rec.executionId);
    expect(r?.status).toBe('retrying');
    expect(r?.statusHistory.at(-2)).toMatchObject({ status: 'timeout', previous: 'preparing' });
    expect(r?.completedAt).toBeUndefined();
    await time.tickAsync(50);
    await engine.onResult(report(claim(engine), 'timeout'));
    expect(engine.getExecution(rec.executionId)?.nextRunAt).toBe(time.clock.now() + 100);
    await time.tickAsync(100);
    await engine.onResult(report(claim(engine), 'timeout'));
    r = engine.getExecution(rec.executionId);
    expect(r).toMatchObject({ status: 'timeout', attempts: 3 });
    expect(engine.getExecutionStats()).toMatchObject({ timedOut: 3, retried: 1 });
  });
});

describe('Engine: leases', () => {
  it('an expired lease re-queues without counting a failure, aborts the old holder, fences its result', async () => {
    const { engine, time, dispatcher, sink } = await startEngine({ config: { leaseMs: 1000 } });
    const rec = await engine.scheduleTask({ kind: 'echo', retry: { strategy: 'none' } });
    const a = claim(engine, W1);
    await engine.onCheckpoint(a.executionId, a.attempt, a.leaseToken, { seq: 1, state: { at: 1 } });
    await time.tickAsync(1300);
    expect(sink.ofType('lease_expired')).toHaveLength(1);
    expect(dispatcher.aborts).toMatchObject([{ workerId: W1, reason: 'revoked' }]);
    expect(engine.getExecution(rec.executionId)?.status).toBe('scheduled');
    const b = claim(engine, W2);
    expect(b.attempt).toBe(2);
    expect(b.checkpoint).toEqual({ seq: 1, state: { at: 1 } });
    expect(await engine.onResult(report(a, 'completed'))).toBe('stale');
    expect(await engine.onResult(report(b, 'completed'))).toBe('recorded');
    expect(engine.getExecution(rec.executionId)?.status).toBe('completed');
  });

  it('renewLeases keeps leases alive', async () => {
    const { engine, time } = await startEngine({ config: { leaseMs: 1000 } });
    const rec = await engine.scheduleTask({ kind: 'echo' });
    claim(engine);
    for (let i = 0; i < 5; i++) {
      await time.tickAsync(500);
      engine.renewLeases(W1);
    }
    expect(engine.getExecution(rec.executionId)?.status).toBe('preparing');
    expect(engine.leasesOf(W1)).toBe(1);
  });

  it('syncHeldTasks confirms current leases, revokes the rest, re-queues leases not reported', async () => {
    const { engine } = await startEngine();
    const x = await engine.scheduleTask({ kind: 'echo' });
    const y = await engine.scheduleTask({ kind: 'echo' });
    const z = await engine.scheduleTask({ kind: 'echo' });
    const ax = claim(engine);
    claim(engine);
    const az = claim(engine);
    await engine.onResult(report(az, 'completed'));
    const res = engine.syncHeldTasks(W1, [
      { executionId: x.executionId, attempt: 1, leaseToken: ax.leaseToken, state: 'running' },
      { executionId: z.executionId, attempt: 1, leaseToken: az.leaseToken, state: 'finished' },
      { executionId: 'ex_unknown', attempt: 1, leaseToken: 'ls_x', state: 'running' },
    ]);
    expect(res.confirm).toEqual([x.executionId]);
    expect(res.revoke).toEqual([
      { executionId: z.executionId, reason: 'terminal' },
      { executionId: 'ex_unknown', reason: 'unknown' },
    ]);
    expect(engine.getExecution(y.executionId)?.status).toBe('scheduled');
    expect(engine.leasesOf(W1)).toBe(1);
  });

  it('enforces maxConcurrentExecutions at claim time', async () => {
    const { engine } = await startEngine({ config: { maxConcurrentExecutions: 2 } });
    for (let i = 0; i < 4; i++) await engine.scheduleTask({ kind: 'echo' });
    const a = claim(engine, W1);
    claim(engine, W2);
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
    await engine.onResult(report(a, 'completed'));
    expect(engine.claimNext(W2, ALL)).toBeDefined();
    expect(engine.snapshotCounts().inFlight).toBe(2);
  });
});

describe('Engine: pause and resume', () => {
  it('pauses a running attempt at its checkpoint and resumes from it on another worker', async () => {
    const { engine, dispatcher } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1000 } });
    const a = claim(engine, W1);
    await engine.onStarted(a.executionId, a.attempt, a.leaseToken);
    expect(await engine.onCheckpoint(a.executionId, a.attempt, a.leaseToken, { seq: 3, state: 'three' })).toBe('saved');
    expect(await engine.onCheckpoint(a.executionId, a.attempt, a.leaseToken, { seq: 2, state: 'two' })).toBe('stale');
    expect((await engine.pauseExecution(rec.executionId)).status).toBe('running');
    expect(dispatcher.aborts.at(-1)?.reason).toBe('pause');
    expect(await engine.onResult(report(a, 'paused'))).toBe('recorded');
    expect(engine.getExecution(rec.executionId)).toMatchObject({ status: 'paused', lease: undefined });
    expect(engine.claimNext(W2, ALL)).toBeUndefined();
    expect((await engine.resumeExecution(rec.executionId)).status).toBe('scheduled');
    const b = claim(engine, W2);
    expect(b.checkpoint).toEqual({ seq: 3, state: 'three' });
    await expect(engine.resumeExecution(rec.executionId)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a pause requested during an attempt that then fails waits for resume instead of retrying', async () => {
    const { engine } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'immediate', maxRetries: 2 } });
    const a = claim(engine);
    await engine.pauseExecution(rec.executionId);
    await engine.onResult(report(a, 'failed'));
    expect(engine.getExecution(rec.executionId)?.statusHistory.slice(-3).map((e) => e.status)).toEqual(['failed', 'retrying', 'paused']);
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
    await engine.resumeExecution(rec.executionId);
    expect(claim(engine).attempt).toBe(2);
  });

  it('pauses queued work directly; resume of a pending one waits for its dependencies', async () => {
    const { engine } = await startEngine();
    const a = await engine.scheduleTask({ kind: 'echo' });
    const b = await engine.scheduleTask({ kind: 'echo', dependencies: [a.executionId] });
    expect((await engine.pauseExecution(b.executionId)).status).toBe('paused');
    expect((await engine.pauseExecution(a.executionId)).status).toBe('paused');
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
    expect((await engine.resumeExecution(b.executionId)).status).toBe('pending');
    expect((await engine.resumeExecution(a.executionId)).status).toBe('scheduled');
  });
});

describe('Engine: submission API', () => {
  it('a batch is all or nothing', async () => {
    const { engine } = await startEngine();
    await expect(engine.scheduleTaskBatch([{ kind: 'echo' }, { kind: 'nope' }])).rejects.toMatchObject({ code: 'unknown_task_kind', path: '[1].kind' });
    expect(engine.listExecutions().executions).toHaveLength(0);
    expect(await engine.scheduleTaskBatch([{ kind: 'echo' }, { kind: 'echo' }])).toHaveLength(2);
  });

  it('a graph returns taskId/executionId per task; a cycle is rejected naming it, creating nothing', async () => {
    const { engine } = await startEngine();
    await expect(
      engine.scheduleTaskGraph({ a: { kind: 'echo', dependsOn: ['c'] }, b: { kind: 'echo', dependsOn: ['a'] }, c: { kind: 'echo', dependsOn: ['b'] } }),
    ).rejects.toMatchObject({ code: 'cycle', message: expect.stringContaining('a -> c -> b -> a') });
    expect(engine.listExecutions().executions).toHaveLength(0);
    const out = await engine.scheduleTaskGraph({ b: { kind: 'echo', dependsOn: ['a'], taskId: 'custom' }, a: { kind: 'echo' } });
    expect(out.map((x) => x.taskId)).toEqual(['custom', 'a']);
    expect(engine.getExecution(out[0]?.executionId as ExecutionId)?.dependencies).toEqual([out[1]?.executionId]);
  });

  it('rejects unknown dependency ids and fails a dependent of an already failed execution at once', async () => {
    const { engine } = await startEngine();
    await expect(engine.scheduleTask({ kind: 'echo', dependencies: ['ex_nope'] })).rejects.toMatchObject({ path: 'dependencies[0]' });
    const a = await engine.scheduleTask({ kind: 'echo' });
    await engine.cancelExecution(a.executionId);
    const b = await engine.scheduleTask({ kind: 'echo', dependencies: [a.executionId] });
    expect(engine.getExecution(b.executionId)?.status).toBe('failed');
  });

  it('future-dated work waits for scheduledAt', async () => {
    const { engine, time } = await startEngine();
    await engine.scheduleTask({ kind: 'echo', scheduledAt: time.clock.now() + 500 });
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
    await time.tickAsync(500);
    expect(engine.claimNext(W1, ALL)).toBeDefined();
  });

  it('runs hooks before and after execution; a throwing hook breaks nothing', async () => {
    const { engine } = await startEngine();
    const seen: string[] = [];
    engine.addPreExecutionHook((e) => {
      seen.push(`pre:${e.status}`);
      throw new Error('hook bug');
    });
    engine.addPostExecutionHook(async (e) => {
      seen.push(`post:${e.status}`);
      throw new Error('async hook bug');
    });
    await engine.scheduleTask({ kind: 'echo' });
    await engine.onResult(report(claim(engine), 'completed'));
    expect(seen).toEqual(['pre:preparing', 'post:completed']);
  });

  it('reports stats per status, per kind, durations and breakers', async () => {
    const { engine, time } = await startEngine();
    await engine.scheduleTask({ kind: 'echo' });
    await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'none' } });
    await engine.scheduleTask({ kind: 'echo', scheduledAt: time.clock.now() + 10_000 });
    const a = claim(engine);
    await engine.onStarted(a.executionId, a.attempt, a.leaseToken);
    await time.tickAsync(40);
    await engine.onResult(report(a, 'completed'));
    await engine.onResult(report(claim(engine), 'failed'));
    expect(engine.getExecutionStats()).toMatchObject({
      total: 3,
      byStatus: { completed: 1, failed: 1, scheduled: 1 },
      queueLength: 0,
      delayed: 1,
      byKind: { echo: { completed: 1, failed: 0, successRate: 1 }, fail: { completed: 0, failed: 1, successRate: 0 } },
      durationsMs: { p50: 40, p95: 40 },
      breakers: { echo: 'closed', fail: 'closed', sleep: 'closed' },
    });
    expect(engine.snapshotCounts()).toMatchObject({ total: 3, inFlight: 0, queueLength: 0, delayed: 1, byStatus: { completed: 1, failed: 1 } });
    expect(engine.breakerStates()).toEqual({ echo: 'closed', fail: 'closed', sleep: 'closed' });
  });

  it('acknowledges nothing before its commit: submissions, idempotent repeats, results and duplicates', async () => {
    const time = fakeClock();
    const store = new MemoryStore({ clock: time.clock, commitDelayMs: 10 });
    const { engine } = await startEngine({ time, store });
    const settled: string[] = [];
    const first = engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k' }).then(() => settled.push('first'));
    const repeat = engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k' }).then(() => settled.push('repeat'));
    await time.tickAsync(9);
    expect(settled).toEqual([]);
    await time.tickAsync(1);
    await Promise.all([first, repeat]);
    expect(settled).toEqual(['first', 'repeat']);
    const a = claim(engine);
    const recorded = engine.onResult(report(a, 'completed')).then((v) => settled.push(v));
    const duplicate = engine.onResult(report(a, 'completed')).then((v) => settled.push(v));
    await time.tickAsync(9);
    expect(settled).toHaveLength(2);
    await time.tickAsync(1);
    await Promise.all([recorded, duplicate]);
    expect(settled.slice(2).sort()).toEqual(['duplicate', 'recorded']);
  });

  it('prune forgets old terminal executions except dependencies of unfinished ones; recovery treats pruned dependencies as done', async () => {
    const time = fakeClock();
    const store = new MemoryStore();
    const { engine } = await startEngine({ time, store });
    const old = await engine.scheduleTask({ kind: 'echo', idempotencyKey: 'old' });
    const dep = await engine.scheduleTask({ kind: 'echo' });
    await engine.onResult(report(claim(engine), 'completed'));
    await engine.onResult(report(claim(engine), 'completed'));
    const blocker = await engine.scheduleTask({ kind: 'echo', scheduledAt: time.clock.now() + 60_000 });
    const child = await engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId, blocker.executionId] });
    await time.tickAsync(1000);
    expect(await engine.prune(time.clock.now())).toBe(2);
    expect(engine.getExecution(old.executionId)).toBeUndefined();
    expect(engine.getExecution(dep.executionId)?.status).toBe('completed');
    expect(engine.snapshotCounts().total).toBe(3);
    expect((await engine.scheduleTask({ kind: 'echo', idempotencyKey: 'old' })).executionId).not.toBe(old.executionId);
    // After a restart the store no longer has `dep`: the child still waits only for `blocker`, then runs.
    engine.close();
    const { engine: again } = await startEngine({ time, store });
    expect(again.getExecution(child.executionId)?.status).toBe('pending');
    await time.tickAsync(60_000);
    const first = claim(again);
    expect(first.executionId).toBe(blocker.executionId);
    await again.onResult(report(first, 'completed'));
    expect(again.getExecution(child.executionId)?.status).toBe('scheduled');
  });
});
