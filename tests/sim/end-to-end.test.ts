/** The real coordinator, workers and engine under simulated faults: all work completes. */
import { describe, expect, it } from 'vitest';
import { firstTraceDifference } from '../../harness/sim/index.js';
import { doubleCompletions, mixedSpecs, systemWorld } from './system-world.js';

describe('end to end in simulation', () => {
  it('5 workers finish 50 tasks across a partition and heal', async () => {
    const w = await systemWorld(1);
    expect(w.workerIds.map((id) => w.sim.worker(id).instance?.state)).toEqual(w.workerIds.map(() => 'ready'));
    const ids = await w.submit(mixedSpecs(50, 1_500));
    await w.sim.runFor(1_000);
    const cut = w.sim.net.partition(w.workerIds.slice(0, 3), ['coordinator']);
    await w.sim.runFor(20_000);
    // The cut-off workers noticed (heartbeat timeout) while partitioned.
    const lostSides = new Set(w.events.filter((e) => e.type === 'heartbeat_timeout').map((e) => (e as { workerId: string }).workerId));
    expect([...lostSides].sort()).toEqual(w.workerIds.slice(0, 3));
    cut.remove();
    const done = await w.sim.runUntil(() => w.allTerminal(ids), { maxMs: 180_000 });
    expect(w.statuses(ids).filter((s) => s !== 'completed')).toEqual([]);
    expect(done).toBe(true);
    expect(doubleCompletions(w.events)).toEqual([]);
    await w.sim.runUntil(() => w.workerIds.every((id) => w.sim.worker(id).instance?.state === 'ready'), { maxMs: 60_000 });
    expect(w.workerIds.map((id) => w.sim.worker(id).instance?.state)).toEqual(w.workerIds.map(() => 'ready'));
  });

  it('a coordinator crash and restart mid-run loses nothing that was acknowledged', async () => {
    const w = await systemWorld(2);
    const ids = await w.submit(mixedSpecs(50, 2_000));
    await w.sim.runFor(3_000);
    const completedBefore = w.statuses(ids).filter((s) => s === 'completed').length;
    expect(completedBefore).toBeGreaterThan(0);
    expect(completedBefore).toBeLessThan(50);
    w.sim.killCoordinator();
    await w.sim.runFor(2_000);
    await w.sim.restartCoordinator();
    const done = await w.sim.runUntil(() => w.allTerminal(ids), { maxMs: 300_000 });
    expect(w.statuses(ids).filter((s) => s !== 'completed')).toEqual([]);
    expect(done).toBe(true);
    expect(doubleCompletions(w.events)).toEqual([]);
  });

  it('a crash between an operation and its commit loses exactly the unacknowledged submission', async () => {
    const w = await systemWorld(8, 0);
    const acked = await w.submit([{ kind: 'echo', params: { value: 'kept' }, idempotencyKey: 'kept' }]);
    let lostSettled = false;
    void w.sim.coordinatorInstance.engine
      .scheduleTask({ kind: 'echo', params: { value: 'lost' }, idempotencyKey: 'lost' })
      .finally(() => (lostSettled = true));
    await w.sim.runFor(1); // the store commits 2 ms after the operation
    w.sim.killCoordinator();
    await w.sim.runFor(1_000);
    expect(lostSettled).toBe(false);
    await w.sim.restartCoordinator();
    const engine = w.sim.coordinatorInstance.engine;
    expect(engine.getExecution(acked[0] as string)?.executionId).toBe(acked[0]);
    const all = engine.listExecutions().executions.map((r) => r.params);
    expect(all).toEqual([{ value: 'kept' }]);
  });

  it('killed and paused workers: their tasks are reassigned or resumed and complete', async () => {
    const w = await systemWorld(3);
    const ids = await w.submit(mixedSpecs(30, 3_000));
    await w.sim.runFor(500);
    w.sim.killWorker('worker-0');
    w.sim.pauseWorker('worker-1');
    await w.sim.runFor(15_000);
    w.sim.resumeWorker('worker-1');
    w.sim.restartWorker('worker-0');
    const done = await w.sim.runUntil(() => w.allTerminal(ids), { maxMs: 300_000 });
    expect(w.statuses(ids).filter((s) => s !== 'completed')).toEqual([]);
    expect(done).toBe(true);
    expect(doubleCompletions(w.events)).toEqual([]);
  });

  it('a paused (SIGSTOP) coordinator: workers notice, reconnect after SIGCONT, work completes', async () => {
    const w = await systemWorld(4);
    const ids = await w.submit(mixedSpecs(30, 1_000));
    await w.sim.runFor(1_000);
    w.sim.host('coordinator').pause();
    await w.sim.runFor(10_000);
    expect(w.events.some((e) => e.type === 'heartbeat_timeout' && e.side === 'worker')).toBe(true);
    w.sim.host('coordinator').resume();
    const done = await w.sim.runUntil(() => w.allTerminal(ids), { maxMs: 300_000 });
    expect(w.statuses(ids).filter((s) => s !== 'completed')).toEqual([]);
    expect(done).toBe(true);
    expect(doubleCompletions(w.events)).toEqual([]);
    await w.sim.runUntil(() => w.workerIds.every((id) => w.sim.worker(id).instance?.state === 'ready'), { maxMs: 60_000 });
    expect(w.workerIds.map((id) => w.sim.worker(id).instance?.state)).toEqual(w.workerIds.map(() => 'ready'));
  });

  it('the real system is deterministic: same seed, same trace hash; another seed, another hash', async () => {
    const run = async (seed: number): Promise<{ hash: string; lines: string[] }> => {
      const w = await systemWorld(seed, 4, { keepTrace: true });
      w.sim.net.addRuleBothWays('worker-1', 'coordinator', { type: 'latency', latency: 40, jitter: 30 });
      const ids = await w.submit(mixedSpecs(20, 700));
      await w.sim.runFor(2_000);
      const cut = w.sim.net.partition(['worker-2'], ['coordinator']);
      await w.sim.runFor(8_000);
      cut.remove();
      await w.sim.runUntil(() => w.allTerminal(ids), { maxMs: 120_000 });
      return { hash: w.sim.traceHash(), lines: w.sim.trace.lines ?? [] };
    };
    const a = await run(5);
    const b = await run(5);
    expect(b.lines.length).toBe(a.lines.length);
    expect(firstTraceDifference(a.lines, b.lines)).toBeNull();
    expect(b.hash).toBe(a.hash);
    const c = await run(6);
    expect(c.hash).not.toBe(a.hash);
  });
});
