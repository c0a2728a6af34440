/**
 * Promise 20 end to end: scenarios/commit-window-crash.yaml (150 ms commits,
 * coordinator crashes inside commit windows) passes on the real system, and a
 * coordinator that acknowledges a worker's result or checkpoint before the
 * store commit (AckBeforeCommitEngine, wired through SimWiring) is reported
 * under 'acked-committed'. Without the promise that defect is healed: the
 * crash loses the uncommitted result, the task is redone, nothing is lost.
 */
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { engineFactoryOf } from './broken/variants.js';
import { AckBeforeCommitEngine } from './broken/engine-variants.js';

const FILE = 'scenarios/commit-window-crash.yaml';

async function verdict(wiring?: SimWiring, file = FILE, seed = 1): Promise<{ passed: boolean; promises: PromiseName[]; text: string }> {
  const scenario = await loadScenario(file);
  const r = await runChecked(scenario, { seed, ...(wiring === undefined ? {} : { wiring }) });
  return { passed: r.passed, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map((v) => formatViolation(v)).join('\n') };
}

describe('promise 20 (acked-committed) on commit-window-crash at seed 1', () => {
  it('passes on the real system', async () => {
    const v = await verdict();
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  it('catches a coordinator that acknowledges results and checkpoints before the store commit', async () => {
    const v = await verdict({ engineFactory: engineFactoryOf(AckBeforeCommitEngine) });
    expect(v.passed).toBe(false);
    expect(v.promises, v.text).toContain('acked-committed');
    expect(v.text).toMatch(/was acknowledged at t=\d+, but the coordinator committed no (result_recorded|checkpoint_saved)/);
  });

  // Found by this promise: the engine answered a re-sent checkpoint 'stale' (and the coordinator acked it)
  // against an in-memory checkpoint whose commit had failed; the reload then rolled it back. Fixed in
  // Engine.onCheckpoint (no verdict while the store is failing; a pending commit decides). Failed at these seeds before.
  for (const seed of [1, 3]) {
    it(`flaky-disk seed ${seed}: no checkpoint acknowledged against an uncommitted one`, async () => {
      const v = await verdict(undefined, 'scenarios/flaky-disk.yaml', seed);
      expect(v.text).toBe('');
    });
  }
});
