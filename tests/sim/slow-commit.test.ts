/**
 * The checker is right at any commit latency (issue 10): with the simulated
 * store's group commit slowed to 200 ms, coordinator-crash-restart at seeds
 * 1–3 passes, because the history marks the events whose write the crash
 * discarded. The old checker (the same history without those marks) reported
 * false exactly-once violations on these seeds; that is asserted too, so this
 * test fails if the marks stop doing their job.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistory, contextFromScenario, formatViolation } from '../../harness/check/index.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runScenarioSim } from '../../harness/scenario/run-sim.js';

describe('commit-aware checking with a 200 ms commit', () => {
  it('coordinator-crash-restart seeds 1-3 pass; without the discard marks they would not', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '../../scenarios/coordinator-crash-restart.yaml'));
    const ctx = contextFromScenario(scenario);
    let falseBefore = 0;
    for (const seed of [1, 2, 3]) {
      const o = await runScenarioSim(scenario, { seed, wiring: { commitDelayMs: 200 } });
      expect(checkHistory(o.history, scenario.checks, ctx).map(formatViolation), `seed ${seed}`).toEqual([]);
      expect(o.history.some((r) => r.f === 'discard')).toBe(true);
      falseBefore += checkHistory(o.history.filter((r) => r.f !== 'discard'), scenario.checks, ctx).length;
    }
    expect(falseBefore).toBeGreaterThan(0);
  });
});
