/**
 * Shared values (issue 12, a smaller live heap per kept record): a record's
 * fields equal to the engine's shared values point at them, and nothing the
 * record serializes to changes; an ended record drops its queue order.
 */
import { describe, expect, it } from 'vitest';
import { asExecutionId, asWorkerId } from '../core/ids.js';
import type { ExecutionRecord } from '../core/model.js';
import { engineConfigWithDefaults } from './config.js';
import { newRecord } from './records.js';
import { SharedValues } from './shared-values.js';
import { normalizeSpec } from './spec.js';
import { MemoryStore } from '../store/memory-store.js';
import { claimFor, fakeClock, reportFor, startEngine, testTaskKinds } from './testing.js';

const config = engineConfigWithDefaults({ taskKinds: testTaskKinds() });
const ctx = { taskKinds: config.taskKinds, defaultRetry: config.defaultRetry };
const fresh = (id: string, spec: unknown): ExecutionRecord =>
  newRecord(asExecutionId(id), normalizeSpec(spec, ctx), [], 'scheduled', 1_700_000_000_000);

describe('SharedValues.compact', () => {
  it('points equal retry policies, kind names, empty metadata and dependencies at one frozen copy, JSON unchanged', () => {
    const shared = new SharedValues(config.defaultRetry, config.taskKinds.keys());
    const a = fresh('ex_a', JSON.parse('{"kind":"echo","params":{"value":1}}'));
    const b = fresh('ex_b', { kind: 'echo', params: { value: 2 }, retry: { strategy: 'exponential' } });
    const before = [JSON.stringify(a), JSON.stringify(b)];
    expect(a.retry).not.toBe(b.retry);
    shared.compact(a);
    shared.compact(b);
    expect([JSON.stringify(a), JSON.stringify(b)]).toEqual(before);
    expect(a.retry).toBe(b.retry);
    expect(Object.isFrozen(a.retry)).toBe(true);
    expect(a.metadata).toBe(b.metadata);
    expect(Object.isFrozen(a.metadata)).toBe(true);
    expect(a.dependencies).toBe(b.dependencies);
    expect(Object.isFrozen(a.dependencies)).toBe(true);
  });

  it('keeps a policy, metadata or dependency list of its own where the record differs', () => {
    const shared = new SharedValues(config.defaultRetry, config.taskKinds.keys());
    const dflt = fresh('ex_d', { kind: 'echo' });
    const own = fresh('ex_o', { kind: 'echo', retry: { maxRetries: 7 }, metadata: { team: 'x' } });
    own.dependencies = [asExecutionId('ex_d')];
    const { retry, metadata, dependencies } = own;
    shared.compact(dflt);
    shared.compact(own);
    expect(own.retry).toBe(retry);
    expect(own.retry).not.toBe(dflt.retry);
    expect(own.metadata).toBe(metadata);
    expect(own.dependencies).toBe(dependencies);
    expect(Object.isFrozen(own.retry)).toBe(false);
  });

  it('gives one "claimed by" reason string per worker', () => {
    const shared = new SharedValues(config.defaultRetry, []);
    const w = 'w-' + String(7);
    expect(shared.claimedBy(asWorkerId(w))).toBe('claimed by w-7');
    expect(shared.claimedBy(asWorkerId(w))).toBe(shared.claimedBy(asWorkerId('w-7')));
  });
});

describe('an ended execution in the engine', () => {
  it('leaves the queue order map, also when loaded after a restart, and keeps its history, read back unchanged', async () => {
    const time = fakeClock();
    const store = new MemoryStore();
    const { engine } = await startEngine({ time, store });
    const done = await engine.scheduleTask({ kind: 'echo' });
    await engine.scheduleTask({ kind: 'echo', scheduledAt: time.clock.now() + 60_000 });
    await engine.onResult(reportFor(claimFor(engine, asWorkerId('w1')), 'completed'));
    const rec = engine.getExecution(done.executionId);
    expect(rec?.statusHistory.map((e) => [e.status, e.previous, e.attempt, e.reason])).toEqual([
      ['scheduled', null, 0, 'submitted'],
      ['preparing', 'scheduled', 1, 'claimed by w1'],
      ['completed', 'preparing', 1, 'completed'],
    ]);
    expect(engine.heldExecutions().index.seqOf).toHaveLength(1);
    expect(engine.heldExecutions().index.seqOf).not.toContain(done.executionId);
    engine.close();
    const { engine: again } = await startEngine({ time, store });
    expect(again.getExecution(done.executionId)).toEqual(rec);
    expect(again.heldExecutions().index.seqOf).toHaveLength(1);
    expect(again.heldExecutions().index.seqOf).not.toContain(done.executionId);
  });
});
