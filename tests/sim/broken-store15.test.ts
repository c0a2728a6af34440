/**
 * Promise 37 (store-contract) against blind set 15's store misses, each
 * planted through a module mock or on the store's prototype local to this
 * file; the run's store contract probe (harness/scenario/store-contract.ts)
 * must catch it, while the real system passes at the same seed:
 *
 * - set 15 #09's class: the memory store's undo log is never run, so a batch
 *   that fails on its last record (a missing one) leaves the earlier records
 *   written (scenarios/lone-worker.yaml, memory store);
 * - set 15 #10: SqliteStore.close() marks the store closed before its flush,
 *   so the writes queued at a graceful stop never commit and their promises
 *   never settle (scenarios/awkward-data-sqlite.yaml: the probe; and
 *   sqlite-graceful-stop.yaml: the simulated coordinator's own graceful stops
 *   under load, the store's thread simulated);
 * - set 15 #11's class: the store's per-execution history counts survive a
 *   failed group commit, so the next write of a rolled-back execution follows
 *   entries the disk does not hold and is refused on a healthy disk.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as MemoryDurable from '../../system/store/memory-durable.js';
import { type GroupResult, SqliteStore } from '../../system/store/index.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'undo-dropped' }));

vi.mock('../../system/store/memory-durable.js', async (importOriginal) => {
  const real = await importOriginal<typeof MemoryDurable>();
  // The body runs; on a throw its undo log is dropped instead of run.
  const run: typeof real.run = (undo, body) => (state.broken === 'undo-dropped' ? body() : real.run(undo, body));
  return { ...real, run };
});

/** The fields of SqliteStore its close() sets and its flush() reads: private there, reached here by name. */
interface ClosingStore {
  closed: boolean;
  closing: Promise<void> | undefined;
  backend: { close(): void | Promise<void> };
  flush(): void;
}

/** Set 15 #10 on SqliteStore.prototype for the duration of `body`: closed is set before the flush, which then returns at once. */
async function withCloseBeforeFlush<T>(body: () => Promise<T>): Promise<T> {
  const proto = SqliteStore.prototype as unknown as ClosingStore & { close(): Promise<void> };
  const original = proto.close;
  proto.close = function (this: ClosingStore): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      this.flush();
      this.closing = Promise.resolve(this.backend.close());
    }
    return this.closing;
  };
  try {
    return await body();
  } finally {
    proto.close = original;
  }
}

/** The fields of SqliteStore its settle() uses: private there, reached here by name. */
interface SettlingStore {
  history: { clear(): void };
  settle(group: unknown[], result: GroupResult): void;
}

/** Set 15 #11 on SqliteStore.prototype for the duration of `body`: a failed group commit keeps the history counts its writes set. */
async function withCountsKeptOnFailure<T>(body: () => Promise<T>): Promise<T> {
  const proto = SqliteStore.prototype as unknown as SettlingStore;
  const original = proto.settle;
  proto.settle = function (this: SettlingStore, group: unknown[], result: GroupResult): void {
    if (result.ok) return original.call(this, group, result);
    const { history } = this;
    const clear = history.clear;
    history.clear = () => {};
    try {
      original.call(this, group, result);
    } finally {
      history.clear = clear;
    }
  };
  try {
    return await body();
  } finally {
    proto.settle = original;
  }
}

async function verdict(file: string, broken: typeof state.broken = 'none'): Promise<Awaited<ReturnType<typeof simVerdict>>> {
  state.broken = broken;
  try {
    return await simVerdict(await loadScenario(file));
  } finally {
    state.broken = 'none';
  }
}

afterEach(() => {
  state.broken = 'none';
});

describe('blind set 15: the store contract under failure and shutdown (store-contract)', () => {
  it('lone-worker (memory store): a refused batch whose undo log is dropped leaves its earlier records written (set 15 #09)', { timeout: 60_000 }, async () => {
    expect((await verdict('scenarios/lone-worker.yaml')).text).toBe('');
    const broken = await verdict('scenarios/lone-worker.yaml', 'undo-dropped');
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('store-contract');
    expect(broken.text).toMatch(/store contract \(memory store\): an update batch refused part-way left its earlier records written \(ex_contract_1: pending\/0 \[scheduled pending\]/);
  });

  it('awkward-data-sqlite: close() that marks the store closed before flushing leaves queued writes unsettled (set 15 #10)', { timeout: 60_000 }, async () => {
    expect((await verdict('scenarios/awkward-data-sqlite.yaml')).text).toBe('');
    const broken = await withCloseBeforeFlush(() => verdict('scenarios/awkward-data-sqlite.yaml'));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('store-contract');
    expect(broken.text).toMatch(/store contract \(sqlite-thread store\): 2 of 3 writes issued just before close\(\) never settled/);
  });

  it('sqlite-graceful-stop: the coordinator graceful stops leave queued writes unsettled under the same close() (set 15 #10)', { timeout: 60_000 }, async () => {
    expect((await verdict('scenarios/sqlite-graceful-stop.yaml')).text).toBe('');
    const broken = await withCloseBeforeFlush(() => verdict('scenarios/sqlite-graceful-stop.yaml'));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('store-contract');
    expect(broken.text).toMatch(/the graceful stop of coordinator incarnation 1 completed \(in \d+ ms\) with \d+ write\(s\) the store was handed still unsettled/);
  });

  it('awkward-data-sqlite: history counts kept across a failed commit refuse the next write on a healthy disk (set 15 #11)', { timeout: 60_000 }, async () => {
    const broken = await withCountsKeptOnFailure(() => verdict('scenarios/awkward-data-sqlite.yaml'));
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('store-contract');
    expect(broken.text).toMatch(/store contract \(sqlite store\): after a failed commit, writes on the healthy disk .* were refused: update: execution ex_contract_1 on disk does not hold the 3 status history entries/);
  });
});
