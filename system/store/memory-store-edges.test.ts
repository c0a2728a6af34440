/**
 * MemoryStore edges the mutation run showed untested (docs/MUTATION.md round
 * 3): the commitDelayMs check, probe() as a real commit that a dead store
 * refuses, and isCrashed.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';

describe('MemoryStore edges', () => {
  it('refuses a negative or non-numeric commitDelayMs, naming the option; accepts 0', () => {
    for (const bad of [-1, Number.NaN]) {
      expect(() => new MemoryStore({ commitDelayMs: bad })).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('commitDelayMs must be >= 0') }));
    }
    expect(() => new MemoryStore({ commitDelayMs: 0 })).not.toThrow();
  });

  it('probe() is a commit of its own: it resolves after committing, and a crashed or closed store refuses it', async () => {
    const store = new MemoryStore();
    await store.probe();
    expect(store.stats()).toEqual({ commits: 1, operations: 1 });
    await store.close();
    await expect(store.probe()).rejects.toMatchObject({ code: 'illegal_state', message: expect.stringContaining('closed') });
    const crashed = store.reopen();
    crashed.crash();
    await expect(crashed.probe()).rejects.toMatchObject({ code: 'illegal_state', message: expect.stringContaining('crashed') });
  });

  it('isCrashed tells a crashed store from an open or closed one', async () => {
    const store = new MemoryStore();
    expect(store.isCrashed).toBe(false);
    await store.close();
    expect(store.isCrashed).toBe(false);
    const next = store.reopen();
    next.crash();
    expect(next.isCrashed).toBe(true);
  });
});
