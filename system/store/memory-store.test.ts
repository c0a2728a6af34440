/**
 * MemoryStore specifics: staging on a virtual clock, crash and reopen, and
 * proof that the crash check catches acknowledgement before commit.
 * The behaviour shared with SQLite is in tests/conformance/store.test.ts.
 */
import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import type { ExecutionId } from '../core/ids.js';
import { MemoryStore } from './memory-store.js';
import type { Store } from './store.js';
import { makeExecutionRecord, resolveOnIssue } from './testing.js';

function fakeClock(): { clock: Clock; tick: (ms: number) => void } {
  const fake = FakeTimers.withGlobal(globalThis).createClock(0);
  const clock: Clock = {
    now: () => fake.now,
    monotonic: () => fake.now,
    setTimeout(fn, ms) {
      const id = fake.setTimeout(fn, ms);
      return { cancel: () => fake.clearTimeout(id) };
    },
    setInterval(fn, ms) {
      const id = fake.setInterval(fn, ms);
      return { cancel: () => fake.clearInterval(id) };
    },
  };
  return { clock, tick: (ms) => void fake.tick(ms) };
}

const flushMicrotasks = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Issues `count` submits one at a time through `store`, recording each id as
 * acknowledged when its promise resolves; crashes `raw` after `crashAfter`
 * acknowledgements; returns the acknowledged ids missing after reopen.
 */
async function acknowledgedButLost(
  raw: MemoryStore,
  store: Store,
  tick: (ms: number) => void,
): Promise<ExecutionId[]> {
  const acked: ExecutionId[] = [];
  for (let i = 0; i < 20; i++) {
    const r = makeExecutionRecord();
    void store.submit([r]).then(() => acked.push(r.executionId));
    if (i % 3 === 2) tick(5); // some submits commit, the latest ones stay staged
    await flushMicrotasks();
  }
  raw.crash();
  const present = new Set((await raw.reopen().loadAll()).map((r) => r.executionId));
  return acked.filter((id) => !present.has(id));
}

describe('MemoryStore', () => {
  it('commits staged operations together after commitDelayMs on the injected clock', async () => {
    const { clock, tick } = fakeClock();
    const store = new MemoryStore({ clock, commitDelayMs: 10 });
    let resolved = 0;
    const ops = [0, 1, 2].map(() => store.submit([makeExecutionRecord()]).then(() => resolved++));
    await flushMicrotasks();
    expect(resolved).toBe(0);
    expect(await store.loadAll()).toHaveLength(0);
    // A process reading the same durable state sees nothing yet either.
    expect(await new MemoryStore({ durable: store.durable }).loadAll()).toHaveLength(0);
    tick(9);
    await flushMicrotasks();
    expect(resolved).toBe(0);
    tick(1);
    await Promise.all(ops);
    expect(resolved).toBe(3);
    expect(store.stats()).toEqual({ commits: 1, operations: 3 });
  });

  it('crash loses staged operations, keeps committed ones, and kills the instance', async () => {
    const { clock, tick } = fakeClock();
    const store = new MemoryStore({ clock });
    const committed = makeExecutionRecord();
    const first = store.submit([committed]);
    tick(1);
    await first;
    const staged = makeExecutionRecord();
    let settled = false;
    store.submit([staged]).then(
      () => (settled = true),
      () => (settled = true),
    );
    expect(store.stagedCount).toBe(1);
    store.crash();
    tick(100);
    await flushMicrotasks();
    expect(settled).toBe(false);
    await expect(store.loadAll()).rejects.toThrow(/crashed/);
    await expect(store.submit([makeExecutionRecord()])).rejects.toMatchObject({ code: 'illegal_state' });

    const reopened = store.reopen();
    expect((await reopened.loadAll()).map((r) => r.executionId)).toEqual([committed.executionId]);
    // The reopened store keeps the clock: it commits on it too.
    const later = makeExecutionRecord();
    const p = reopened.submit([later]);
    tick(1);
    await p;
    expect(await reopened.loadAll()).toHaveLength(2);
  });

  it('crash without a clock loses what was issued in the same tick', async () => {
    const store = new MemoryStore();
    void store.submit([makeExecutionRecord()]);
    store.crash();
    expect(await store.reopen().loadAll()).toHaveLength(0);
  });

  it('refuses to reopen a live store, and close() commits what was staged', async () => {
    const { clock } = fakeClock();
    const store = new MemoryStore({ clock, commitDelayMs: 1000 });
    expect(() => store.reopen()).toThrow(/open/);
    const p = store.submit([makeExecutionRecord()]);
    await store.close();
    await p;
    await expect(store.update([])).rejects.toThrow(/closed/);
    expect(await store.reopen().loadAll()).toHaveLength(1);
  });

  it('deep-copies on the way in and out', async () => {
    const store = new MemoryStore();
    const r = makeExecutionRecord({ metadata: { tag: 'a' } });
    const p = store.submit([r]);
    r.metadata.tag = 'mutated after issue';
    await p;
    const [loaded] = await store.loadAll();
    expect(loaded?.metadata).toEqual({ tag: 'a' });
    if (loaded) loaded.metadata.tag = 'mutated after load';
    expect((await store.loadAll())[0]?.metadata).toEqual({ tag: 'a' });
  });

  it('the crash check finds no acknowledged record lost with the real store', async () => {
    const { clock, tick } = fakeClock();
    const raw = new MemoryStore({ clock });
    expect(await acknowledgedButLost(raw, raw, tick)).toEqual([]);
  });

  it('the crash check catches a store that acknowledges before commit', async () => {
    const { clock, tick } = fakeClock();
    const raw = new MemoryStore({ clock });
    const lost = await acknowledgedButLost(raw, resolveOnIssue(raw), tick);
    expect(lost.length).toBeGreaterThan(0);
  });
});
