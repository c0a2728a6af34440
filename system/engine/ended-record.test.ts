/**
 * Ended records kept as one compact value (ended-record.ts, record-table.ts):
 * a packed record reads back equal (values, key order, JSON), content JSON
 * would not give back stays a full record, and the engine packs an ending
 * once it committed, while reads, listings, idempotent repeats, dependency
 * checks and prune answer as before.
 */
import { describe, expect, it } from 'vitest';
import { asExecutionId, asWorkerId } from '../core/ids.js';
import type { ExecutionRecord } from '../core/model.js';
import { CompactHistory } from '../core/status-history.js';
import { EndedRecord, packEnded, unpackEnded } from './ended-record.js';
import type { RecordTable } from './record-table.js';
import { newRecord } from './records.js';
import { SharedValues } from './shared-values.js';
import { claimFor, fakeClock, reportFor, startEngine } from './testing.js';

const W1 = asWorkerId('w1');
const shared = new SharedValues({ strategy: 'none', maxRetries: 0, delayMs: 0, maxDelayMs: 0 }, ['echo']);

function ended(params: unknown, result: unknown): ExecutionRecord {
  const spec = { kind: 'echo', params, priority: 'high' as const, retry: shared.retry, timeoutMs: 500, scheduledAt: undefined, metadata: { team: 'a' }, idempotencyKey: 'k1', taskId: undefined };
  const rec = newRecord(asExecutionId('ex_1'), spec as never, [asExecutionId('ex_0')], 'scheduled', 1_700_000_000_000);
  shared.compact(rec);
  Object.assign(rec, { status: 'completed', attempts: 1, result, startedAt: 1_700_000_000_010, completedAt: 1_700_000_000_020 });
  rec.statusHistory.push({ status: 'completed', at: 1_700_000_000_020, previous: 'scheduled', attempt: 1 });
  rec.checkpoint = { seq: 2, state: { n: [1, 'x', null] }, attempt: 1, at: 1_700_000_000_015 };
  return rec;
}

describe('packEnded / unpackEnded', () => {
  it('reads back an equal record: values, key order, JSON, shared values', () => {
    const rec = ended({ a: 1, nested: { b: [true, 'é', 2.5] } }, { out: 'done' });
    const packed = packEnded(rec, shared) as EndedRecord;
    expect(packed).toBeInstanceOf(EndedRecord);
    expect(packed.status).toBe('completed');
    expect(packed.completedAt).toBe(1_700_000_000_020);
    const back = unpackEnded(packed, shared);
    expect(back).toEqual(rec);
    expect(Object.keys(back)).toEqual(Object.keys(rec));
    expect(JSON.stringify(back)).toBe(JSON.stringify(rec));
    expect(back.statusHistory).toBeInstanceOf(CompactHistory);
    expect(back.retry).toBe(shared.retry);
    expect(back.dependencies).toBe(rec.dependencies);
  });

  it('keeps undefined and null apart at the top of a field', () => {
    const back = unpackEnded(packEnded(ended(undefined, null), shared) as EndedRecord, shared);
    expect('params' in back && back.params === undefined).toBe(true);
    expect(back.result).toBeNull();
    expect(back.error).toBeUndefined();
  });

  it('does not pack content JSON would not give back exactly', () => {
    for (const params of [new Date(0), { a: undefined }, new Array<number>(3), -0, Number.NaN, { m: new Map() }, Object.create(null), () => 1]) {
      expect(packEnded(ended(params, 1), shared)).toBeUndefined();
    }
    expect(packEnded(ended({ ok: 1 }, { deep: 1n }), shared)).toBeUndefined();
  });
});

describe('the engine keeps settled endings packed', () => {
  const tableOf = (engine: unknown): RecordTable => Reflect.get(engine as object, 'records') as RecordTable;

  it('packs an ending once it committed; reads, listings, repeats, dependents and prune answer as before', async () => {
    const time = fakeClock();
    const { engine } = await startEngine({ time });
    const parent = await engine.scheduleTask({ kind: 'echo', params: { x: 1 }, idempotencyKey: 'p' });
    const child = await engine.scheduleTask({ kind: 'echo', dependencies: [parent.executionId] });
    await engine.onResult(reportFor(claimFor(engine, W1), 'completed', { result: { y: 2 } }));
    const table = tableOf(engine);
    expect(table.packedCount).toBe(1);
    expect(table.view(parent.executionId)).toBeInstanceOf(EndedRecord);
    const read = engine.getExecution(parent.executionId);
    expect(read).toMatchObject({ status: 'completed', params: parent.params, result: { y: 2 }, attempts: 1, createdAt: parent.createdAt });
    expect(read?.statusHistory.map((e) => e.status)).toEqual(['scheduled', 'preparing', 'completed']);
    expect(engine.listExecutions({ status: 'completed' }).executions.map((r) => r.executionId)).toEqual([parent.executionId]);
    expect(engine.getExecution(child.executionId)?.status).toBe('scheduled');
    const again = await engine.submitTask({ kind: 'echo', params: { x: 1 }, idempotencyKey: 'p' });
    expect(again).toMatchObject({ created: false, execution: { executionId: parent.executionId, status: 'completed' } });
    const late = await engine.scheduleTask({ kind: 'echo', dependencies: [parent.executionId] });
    expect(late.status).toBe('scheduled');
    await time.tickAsync(1000);
    await engine.prune(time.clock.now());
    expect(engine.getExecution(parent.executionId)?.status).toBe('completed'); // kept: unfinished dependents
    await engine.cancelExecution(child.executionId);
    await engine.cancelExecution(late.executionId);
    expect(table.packedCount).toBe(3);
    await time.tickAsync(1000);
    await engine.prune(time.clock.now());
    expect(engine.getExecution(parent.executionId)).toBeUndefined();
    expect(engine.listExecutions({}).executions).toEqual([]);
    expect(engine.getExecutionStats()).toMatchObject({ total: 0 });
    expect(engine.heldExecutions().index).toMatchObject({ dependents: [], byKey: [] });
  });
});
