import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory-store.js';
import { fakeClock, startEngine } from './testing.js';

describe('listExecutions', () => {
  it('pages in (createdAt, id) order with an opaque cursor, filters by status and taskId', async () => {
    const { engine, time } = await startEngine();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await engine.scheduleTask({ kind: 'echo', taskId: i % 2 === 0 ? 'even' : 'odd' })).executionId);
      await time.tickAsync(1);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = engine.listExecutions({ limit: 3, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.executions.map((e) => e.executionId));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(ids);
    expect(engine.listExecutions({ taskId: 'odd' }).executions).toHaveLength(3);
    expect(engine.listExecutions({ status: 'completed' }).executions).toHaveLength(0);
    expect(engine.listExecutions({ status: 'scheduled', limit: 1000 }).executions).toHaveLength(7);
  });

  it('rejects bad queries with the field named', async () => {
    const { engine } = await startEngine();
    expect(() => engine.listExecutions({ limit: 0 })).toThrow(/limit must be an integer from 1 to 1000/);
    expect(() => engine.listExecutions({ limit: 1001 })).toThrow(/limit/);
    expect(() => engine.listExecutions({ status: 'nope' })).toThrow(/status must be one of/);
    expect(() => engine.listExecutions({ cursor: 'garbage' })).toThrow(/cursor/);
  });

  it('shows no submission whose store commit is still in flight (commit-or-no-trace), then shows it once committed', async () => {
    const time = fakeClock();
    const { engine } = await startEngine({ time, store: new MemoryStore({ clock: time.clock, commitDelayMs: 10 }) });
    const done = await Promise.all([engine.scheduleTask({ kind: 'echo' }), time.tickAsync(10)]);
    const open = engine.scheduleTask({ kind: 'echo' });
    await time.tickAsync(5);
    const listed = engine.listExecutions().executions.map((e) => e.executionId);
    expect(listed).toEqual([done[0].executionId]);
    const pending = engine.listExecutions({ status: 'scheduled', limit: 1000 }).executions;
    expect(pending).toHaveLength(1);
    await time.tickAsync(5);
    const committed = await open;
    expect(engine.listExecutions().executions.map((e) => e.executionId)).toEqual([done[0].executionId, committed.executionId]);
    expect(engine.getExecution(committed.executionId)?.executionId).toBe(committed.executionId);
  });
});
