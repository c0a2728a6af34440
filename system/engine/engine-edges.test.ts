/**
 * Engine paths the mutation run (docs/MUTATION.md) found no test reaching or
 * noticing: a dependent submitted after its dependency already ended, the
 * worker-reported `cancelled` and `revoked` outcomes, the wording that tells
 * a closed engine from one not yet recovered, and an event sink that throws.
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId } from '../core/ids.js';
import type { AssignmentSpec } from './contract.js';
import type { Engine } from './engine.js';
import { MemoryStore } from '../store/memory-store.js';
import { claimFor, fakeClock, reportFor, startEngine, testTaskKinds } from './testing.js';
import { Engine as RealEngine } from './engine.js';
import { seededRandom } from '../core/random.js';
import { silentLogger } from '../core/logger.js';

const W1 = asWorkerId('w1');
const W2 = asWorkerId('w2');
const ALL = new Set(['echo', 'fail', 'sleep']);

const claim = (engine: Engine, worker = W1): AssignmentSpec => claimFor(engine, worker);
const report = reportFor;

describe('Engine: dependents submitted after their dependency ended', () => {
  it('a dependency already completed: the dependent is scheduled at once and runs', async () => {
    const { engine } = await startEngine();
    const dep = await engine.scheduleTask({ kind: 'echo' });
    await engine.onResult(report(claim(engine), 'completed', { result: 1 }));
    const child = await engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId] });
    const r = engine.getExecution(child.executionId);
    expect(r?.status).toBe('scheduled');
    expect(claim(engine).executionId).toBe(child.executionId);
  });

  it('a dependency that completes while the dependent\'s submission commits: the dependent is scheduled when it goes live', async () => {
    const { engine, sink } = await startEngine();
    const dep = await engine.scheduleTask({ kind: 'echo' });
    const a = claim(engine);
    const submitting = engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId] });
    const recording = engine.onResult(report(a, 'completed'));
    const [child] = await Promise.all([submitting, recording]);
    const r = engine.getExecution(child.executionId);
    expect(r?.statusHistory.map((h) => h.status)).toEqual(['pending', 'scheduled']);
    expect(r?.statusHistory.at(-1)?.reason).toBe('dependencies_completed');
    // Its first status event is the committed first state, not what it became since.
    expect(sink.ofType('status').find((e) => e.executionId === child.executionId)).toMatchObject({ from: null, to: 'pending' });
    expect(claim(engine).executionId).toBe(child.executionId);
  });

  it('a dependency already failed: the dependent fails at once with dependency_failed', async () => {
    const { engine } = await startEngine();
    const dep = await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'none' } });
    await engine.onResult(report(claim(engine), 'failed'));
    const child = await engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId] });
    expect(engine.getExecution(child.executionId)).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
  });
  it('a dependency that fails while the dependent\'s submission commits: the dependent ends failed and is never queued', async () => {
    const { engine } = await startEngine();
    const dep = await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'none' } });
    const a = claim(engine);
    const submitting = engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId] });
    const recording = engine.onResult(report(a, 'failed'));
    const [child] = await Promise.all([submitting, recording]);
    expect(engine.getExecution(child.executionId)).toMatchObject({ status: 'failed', error: { code: 'dependency_failed' } });
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
  });
});

describe('Engine: outcomes a worker reports besides completed and failed', () => {
  it('cancelled by the worker: terminal, error cancelled, lease freed, never retried', async () => {
    const { engine } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 10 }, retry: { strategy: 'fixed', maxRetries: 3, delayMs: 1 } });
    const a = claim(engine);
    expect(await engine.onResult(report(a, 'cancelled'))).toBe('recorded');
    const r = engine.getExecution(rec.executionId);
    expect(r).toMatchObject({ status: 'cancelled', lease: undefined, error: { code: 'cancelled', message: 'cancelled by worker' } });
    expect(r?.completedAt).toBeTypeOf('number');
    expect(engine.leasesOf(W1)).toBe(0);
    expect(engine.claimNext(W1, ALL)).toBeUndefined();
  });

  it('cancelled by the worker with its own error keeps that error', async () => {
    const { engine } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'echo' });
    await engine.onResult(report(claim(engine), 'cancelled', { error: { code: 'aborted_by_task', message: 'the task gave up' } }));
    expect(engine.getExecution(rec.executionId)?.error).toEqual({ code: 'aborted_by_task', message: 'the task gave up' });
  });

  it('revoked by the worker: back to scheduled, claimable again by another worker, not a failed attempt', async () => {
    const { engine } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'echo', retry: { strategy: 'none' } });
    const a = claim(engine);
    expect(await engine.onResult(report(a, 'revoked'))).toBe('recorded');
    const r = engine.getExecution(rec.executionId);
    expect(r).toMatchObject({ status: 'scheduled', lease: undefined });
    expect(r?.statusHistory.at(-1)).toMatchObject({ status: 'scheduled', reason: 'revoked' });
    expect(engine.leasesOf(W1)).toBe(0);
    const again = claim(engine, W2);
    expect(again.executionId).toBe(rec.executionId);
    expect(again.leaseToken).not.toBe(a.leaseToken);
    await engine.onResult(report(again, 'completed'));
    expect(engine.getExecution(rec.executionId)?.status).toBe('completed');
  });

  it('a hand-back of an attempt never started (a refusal at capacity) gives its attempt number back; a started one keeps it', async () => {
    const { engine, store } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'echo' });
    const refused = claim(engine);
    expect(refused.attempt).toBe(1);
    await engine.onResult(report(refused, 'revoked'));
    expect(engine.getExecution(rec.executionId)?.attempts).toBe(0);
    expect((await store.loadAll()).find((r) => r.executionId === rec.executionId)?.attempts).toBe(0);
    const again = claim(engine, W2);
    expect(again).toMatchObject({ attempt: 1 });
    expect(again.leaseToken).not.toBe(refused.leaseToken);
    expect(await engine.onResult(report(refused, 'completed'))).toBe('duplicate');
    await engine.onStarted(again.executionId, again.attempt, again.leaseToken);
    await engine.onResult(report(again, 'revoked'));
    expect(engine.getExecution(rec.executionId)?.attempts).toBe(1);
    const third = claim(engine);
    expect(third.attempt).toBe(2);
    await engine.onResult(report(third, 'completed', { started: true }));
    expect(engine.getExecution(rec.executionId)).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('a pause or cancel handed back before the start does not count the attempt', async () => {
    const { engine } = await startEngine();
    const p = await engine.scheduleTask({ kind: 'echo' });
    const a = claim(engine);
    await engine.pauseExecution(p.executionId);
    await engine.onResult(report(a, 'paused'));
    expect(engine.getExecution(p.executionId)).toMatchObject({ status: 'paused', attempts: 0 });
    const c = await engine.scheduleTask({ kind: 'echo' });
    const b = claim(engine);
    expect(b.executionId).toBe(c.executionId);
    await engine.onResult(report(b, 'cancelled'));
    expect(engine.getExecution(c.executionId)).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('revoked while a pause was requested: paused, not queued', async () => {
    const { engine } = await startEngine();
    const rec = await engine.scheduleTask({ kind: 'echo' });
    const a = claim(engine);
    await engine.pauseExecution(rec.executionId);
    await engine.onResult(report(a, 'revoked'));
    expect(engine.getExecution(rec.executionId)?.status).toBe('paused');
    expect(engine.claimNext(W2, ALL)).toBeUndefined();
  });
});

describe('Engine: refusing calls outside its running life', () => {
  it('says "call and await recover() first" before recover and "closed" after close', async () => {
    const time = fakeClock();
    const engine = new RealEngine(
      { store: new MemoryStore(), clock: time.clock, random: seededRandom(1), logger: silentLogger, events: { emit: () => {} } },
      { taskKinds: testTaskKinds() },
    );
    await expect(engine.scheduleTask({ kind: 'echo' })).rejects.toThrow(/call and await recover\(\) first \(engine is /);
    await engine.recover();
    engine.close();
    await expect(engine.scheduleTask({ kind: 'echo' })).rejects.toThrow(/the engine is closed/);
  });
});

describe('Engine: an event sink that throws', () => {
  it('is logged and contained: the operation still commits and dispatch goes on', async () => {
    const time = fakeClock();
    let thrown = 0;
    const engine = new RealEngine(
      {
        store: new MemoryStore(), clock: time.clock, random: seededRandom(1), logger: silentLogger,
        events: { emit: () => { thrown++; throw new Error('sink down'); } },
      },
      { taskKinds: testTaskKinds() },
    );
    engine.setDispatcher({ abort: () => {}, wake: () => {} });
    await engine.recover();
    const rec = await engine.scheduleTask({ kind: 'echo' });
    const a = claim(engine);
    expect(await engine.onResult(report(a, 'completed'))).toBe('recorded');
    expect(engine.getExecution(rec.executionId)?.status).toBe('completed');
    expect(thrown).toBeGreaterThan(0);
  });
});

describe('Engine: what a committed submission tells the world', () => {
  it('emits submitted (kind, dependencies, attempts, priority, retry) and its first status, from nothing', async () => {
    const { engine, sink } = await startEngine();
    const dep = await engine.scheduleTask({ kind: 'echo' });
    const rec = await engine.scheduleTask({
      kind: 'sleep', params: { durationMs: 5 }, priority: 'high', dependencies: [dep.executionId],
      retry: { strategy: 'fixed', maxRetries: 2, delayMs: 7 },
    });
    const submitted = sink.ofType('submitted').find((e) => e.executionId === rec.executionId);
    expect(submitted).toMatchObject({ kind: 'sleep', dependencies: [dep.executionId], maxAttempts: 3, priority: 'high', retry: { strategy: 'fixed', maxRetries: 2, delayMs: 7 } });
    const status = sink.ofType('status').filter((e) => e.executionId === rec.executionId);
    expect(status[0]).toMatchObject({ from: null, to: 'pending', attempt: 0, reason: 'submitted' });
  });

  it('an idempotent repeat is not counted against maxPending and writes nothing', async () => {
    const { engine, store } = await startEngine({ config: { maxPending: 1 } });
    const first = await engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k1' });
    const commits = store.stats().commits;
    const again = await engine.scheduleTask({ kind: 'echo', idempotencyKey: 'k1' });
    expect(again.executionId).toBe(first.executionId);
    expect(store.stats().commits).toBe(commits);
    await expect(engine.scheduleTask({ kind: 'echo' })).rejects.toMatchObject({ code: 'rate_limited' });
  });
});

describe('Engine: a failed or timed-out attempt the worker gave no error for', () => {
  it('records task_failed / timeout and says so in the history reason', async () => {
    const { engine } = await startEngine();
    const f = await engine.scheduleTask({ kind: 'fail', retry: { strategy: 'fixed', maxRetries: 1, delayMs: 5 } });
    await engine.onResult(report(claim(engine), 'failed'));
    let r = engine.getExecution(f.executionId);
    expect(r?.error).toEqual({ code: 'task_failed', message: 'the attempt failed' });
    expect(r?.statusHistory.at(-2)).toMatchObject({ status: 'failed', reason: 'attempt failed: task_failed' });
    const t = await engine.scheduleTask({ kind: 'sleep', params: { durationMs: 1 }, retry: { strategy: 'none' } });
    const a = engine.claimNext(W1, new Set(['sleep']))?.assignment;
    await engine.onResult(report(a as AssignmentSpec, 'timeout'));
    r = engine.getExecution(t.executionId);
    expect(r?.error).toEqual({ code: 'timeout', message: 'the attempt timed out' });
    expect(r?.statusHistory.at(-1)).toMatchObject({ status: 'timeout', reason: 'attempt timed out: timeout' });
  });
});

describe('Engine: maxPending counts only unfinished executions', () => {
  it('a cancelled, failed or timed-out execution frees its place like a completed one', async () => {
    const { engine } = await startEngine({ config: { maxPending: 1 } });
    const endings: ((a: AssignmentSpec) => Promise<unknown>)[] = [
      (a) => engine.cancelExecution(a.executionId),
      (a) => engine.onResult(report(a, 'failed')),
      (a) => engine.onResult(report(a, 'timeout')),
      (a) => engine.onResult(report(a, 'completed')),
    ];
    for (const end of endings) {
      await engine.scheduleTask({ kind: 'echo', retry: { strategy: 'none' } });
      await expect(engine.scheduleTask({ kind: 'echo' })).rejects.toMatchObject({ code: 'rate_limited', retryAfterSec: 1 });
      await end(claim(engine));
    }
    await expect(engine.scheduleTask({ kind: 'echo' })).resolves.toMatchObject({ status: 'scheduled' });
  });
});

describe('Engine: cancelling an execution others depend on', () => {
  it('aborts the running holder, fails each dependent once (diamond), naming the dependency that ended', async () => {
    const { engine, dispatcher } = await startEngine();
    const ids = Object.fromEntries(
      (await engine.scheduleTaskGraph({ p: { kind: 'echo' }, c: { kind: 'echo', dependsOn: ['p'] }, d: { kind: 'echo', dependsOn: ['p'] }, e: { kind: 'echo', dependsOn: ['c', 'd'] } }))
        .map((x) => [x.taskId, x.executionId]),
    ) as Record<string, string>;
    const a = claim(engine);
    expect(a.executionId).toBe(ids.p);
    await engine.cancelExecution(a.executionId);
    expect(dispatcher.aborts).toEqual([{ workerId: W1, executionId: a.executionId, leaseToken: a.leaseToken, reason: 'cancel' }]);
    for (const name of ['c', 'd']) {
      expect(engine.getExecution(ids[name] as string)?.error).toEqual({ code: 'dependency_failed', message: `dependency ${ids.p} ended cancelled` });
    }
    const e = engine.getExecution(ids.e as string);
    expect(e?.status).toBe('failed');
    expect(e?.statusHistory.filter((h) => h.status === 'failed')).toHaveLength(1);
  });
});
