/**
 * Blind set 18's "judged over its whole life" misses, each as a broken
 * variant: the scenario passes on the real system and fails naming the
 * promise with the defect planted.
 *
 * - liveness judged by the store's failures since start (set 18 #10,
 *   vi.mock of system/coordinator/health.ts): disk-full's health reads
 *   after the store recovered (harness/scenario/health-poll.ts) catch it
 *   under store-health.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Health from '../../system/coordinator/health.js';
import { simVerdict } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: '' as '' | 'liveness-since-start' }));

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
});
