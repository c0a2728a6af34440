/**
 * What a failed operation leaves behind in the idempotency-key index, for both
 * stores: a batch that fails half-way must release the keys it took and give
 * back the keys it moved. Written for survivors of the mutation run
 * (memory-durable.ts undo of put; docs/MUTATION.md round 3); the stored
 * records alone (what tests/conformance/store.test.ts compares) do not show it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../core/model.js';
import { MemoryStore } from './memory-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { makeExecutionRecord } from './testing.js';

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

const ids = (records: readonly ExecutionRecord[]): string[] => records.map((r) => r.executionId);

describe.each([
  { name: 'MemoryStore', make: (): Store => new MemoryStore() },
  { name: 'SqliteStore', make: (): Store => SqliteStore.open(':memory:') },
])('$name: keys after a failed operation', ({ make }) => {
  const store = (): Store => {
    const s = make();
    open.push(s);
    return s;
  };

  it('a submit that fails on its second record releases the key its first record took', async () => {
    const s = store();
    const existing = makeExecutionRecord();
    await s.submit([existing]);
    const first = makeExecutionRecord({ idempotencyKey: 'k' });
    await expect(s.submit([first, existing])).rejects.toMatchObject({ code: 'conflict' });
    const later = makeExecutionRecord({ idempotencyKey: 'k' });
    await s.submit([later]);
    expect(ids(await s.loadAll())).toEqual([existing.executionId, later.executionId]);
  });

  it('an update that fails half-way gives the moved key back to its holder and frees the new one', async () => {
    const s = store();
    const a = makeExecutionRecord({ idempotencyKey: 'old' });
    await s.submit([a]);
    const missing = makeExecutionRecord();
    await expect(s.update([{ ...a, idempotencyKey: 'new' }, missing])).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.submit([makeExecutionRecord({ idempotencyKey: 'old' })])).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(a.executionId),
    });
    const taker = makeExecutionRecord({ idempotencyKey: 'new' });
    await s.submit([taker]);
    const loaded = await s.loadAll();
    expect(loaded.find((r) => r.executionId === a.executionId)?.idempotencyKey).toBe('old');
    expect(ids(loaded)).toEqual([a.executionId, taker.executionId]);
  });

  it('an update that fails half-way without moving a key keeps the holder holding it', async () => {
    const s = store();
    const a = makeExecutionRecord({ idempotencyKey: 'same' });
    await s.submit([a]);
    await expect(s.update([{ ...a, status: 'running' }, makeExecutionRecord()])).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.submit([makeExecutionRecord({ idempotencyKey: 'same' })])).rejects.toMatchObject({ code: 'conflict' });
    expect((await s.loadAll())[0]?.status).toBe('scheduled');
  });
});
