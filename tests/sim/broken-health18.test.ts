/**
 * Blind set 18's "judged over its whole life" misses, each as a broken
 * variant: the scenario passes on the real system and fails naming the
 * promise with the defect planted.
 *
 * - liveness judged by the store's failures since start (set 18 #10,
 *   vi.mock of system/coordinator/health.ts): disk-full's health reads
 *   after the store recovered (harness/scenario/health-poll.ts) catch it
 *   under store-health.
 * - the SQLite store's history counts kept for ended executions (set 18
 *   #15's class, vi.mock of system/store/sqlite-history.ts: a count is
 *   never forgotten) and the engine's dependents lists keeping a pruned
 *   dependent (the leak promise 35 found, a subclass): memory-held-sqlite's
 *   final read (harness/check/promises-held.ts) catches both under hygiene.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Health from '../../system/coordinator/health.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { Engine } from '../../system/engine/engine.js';
import type * as History from '../../system/store/sqlite-history.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: '' as '' | 'liveness-since-start' | 'counts-kept' }));

vi.mock('../../system/store/sqlite-history.js', async (importOriginal) => {
  const real = await importOriginal<typeof History>();
  // Set 18 #15's class: the store keeps an execution's history count after it ended (here: whatever its status).
  class KeptCounts extends real.HistoryCounts {
    override set(id: string, n: number, done: boolean): void {
      super.set(id, n, done && state.broken !== 'counts-kept');
    }
  }
  return { ...real, HistoryCounts: KeptCounts };
});

/** Pruning leaves a dependent in its dependencies' lists (the engine before this branch's fix). */
class KeepsPrunedDependents extends Engine {
  protected override forgetDependent(_rec: ExecutionRecord): void {}
}

vi.mock('../../system/coordinator/health.js', async (importOriginal) => {
  const real = await importOriginal<typeof Health>();
  // Set 18 #10: a store that failed once keeps /healthz 503 for the life of the process.
  const liveness: typeof real.liveness = (src) => {
    const store = src.store();
    if (state.broken === 'liveness-since-start' && store !== undefined && store.failures > 0) return real.liveness({ ...src, store: () => ({ ...store, ok: false }) });
    return real.liveness(src);
  };
  return { ...real, liveness };
});

describe('blind set 18: health, TLS names and memory judged over the whole life', () => {
  it('disk-full: /healthz judged by failures since start stays 503 after the store recovered (store-health)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/disk-full.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'liveness-since-start';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('store-health');
      expect(broken.text).toMatch(/\/healthz answered 503 on the read after poll \(t=\d+\) while the store could commit/);
    } finally {
      state.broken = '';
    }
  });

  it('memory-held-sqlite: the SQLite store keeps the history count of an ended execution (hygiene)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/memory-held-sqlite.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    state.broken = 'counts-kept';
    try {
      const broken = await simVerdict(scenario);
      expect(broken.passed).toBe(false);
      expect(broken.promises).toContain('hygiene');
      expect(broken.text).toMatch(/store\.historyCounts \(\d+ entries\) still holds ex_\w+, an execution (that ended (failed|cancelled|timeout|completed)|the engine no longer knows)/);
    } finally {
      state.broken = '';
    }
  });

  it('memory-held-sqlite: pruning leaves a dependent listed under its dependency (hygiene)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/memory-held-sqlite.yaml');
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(KeepsPrunedDependents) });
    expect(broken.passed).toBe(false);
    expect(broken.promises).toContain('hygiene');
    expect(broken.text).toMatch(/engine\.dependents \(\d+ entries\) still holds ex_\w+, an execution the engine no longer knows/);
  });
});
