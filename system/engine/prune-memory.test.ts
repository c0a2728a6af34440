/**
 * Pruning forgets an execution in every index, including the dependents
 * lists of its dependencies (found by promise 35's per-execution memory
 * rule, harness/check/promises-held.ts): a dependent pruned while its
 * dependency is kept (cancelled first), or one whose dependency was pruned
 * before a restart (the reload indexes it under a dependency it never loads),
 * stayed listed as a dependent for good.
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId } from '../core/ids.js';
import { MemoryStore } from '../store/memory-store.js';
import { claimFor, fakeClock, reportFor, startEngine } from './testing.js';

const W1 = asWorkerId('w1');

describe('prune forgets a pruned dependent everywhere', () => {
  it('a dependent cancelled and pruned while its dependency runs is no longer its dependent', async () => {
    const time = fakeClock();
    const { engine } = await startEngine({ time });
    const dep = await engine.scheduleTask({ kind: 'echo' });
    const child = await engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId] });
    claimFor(engine, W1);
    await engine.cancelExecution(child.executionId);
    await time.tickAsync(1000);
    expect(await engine.prune(time.clock.now())).toBe(1);
    expect(engine.getExecution(child.executionId)).toBeUndefined();
    expect(engine.dependentsOf(dep.executionId)).toEqual([]);
    expect(engine.heldExecutions().index.dependents).toEqual([]);
  });

  it('a dependent indexed at a reload under a dependency pruned before the restart leaves nothing once pruned', async () => {
    const time = fakeClock();
    const store = new MemoryStore();
    const { engine } = await startEngine({ time, store });
    const dep = await engine.scheduleTask({ kind: 'echo' });
    await engine.onResult(reportFor(claimFor(engine, W1), 'completed'));
    const blocker = await engine.scheduleTask({ kind: 'echo', scheduledAt: time.clock.now() + 60_000 });
    const child = await engine.scheduleTask({ kind: 'echo', dependencies: [dep.executionId, blocker.executionId] });
    await time.tickAsync(1000);
    expect(await engine.prune(time.clock.now())).toBe(1);
    engine.close();
    const { engine: again } = await startEngine({ time, store });
    await time.tickAsync(60_000);
    await again.onResult(reportFor(claimFor(again, W1), 'completed'));
    await again.onResult(reportFor(claimFor(again, W1), 'completed'));
    expect(again.getExecution(child.executionId)?.status).toBe('completed');
    await time.tickAsync(1000);
    expect(await again.prune(time.clock.now())).toBe(2);
    expect(again.dependentsOf(dep.executionId)).toEqual([]);
    expect(again.heldExecutions().index).toMatchObject({ dependents: [], seqOf: [], byKey: [] });
  });
});
