/**
 * The checker is right at any commit latency (issue 10): with the simulated
 * store's group commit slowed to 200 ms, coordinator-crash-restart at seeds
 * 1–3 passes. Since issue 9 the engine announces a change (submitted, status,
 * claimed, lease and result events) only once its write committed, so a crash
 * inside a commit window leaves no trace in the history and the recorder has
 * nothing to discard: every recorded coordinator event is a fact. An engine
 * that announced before committing would show up here as discard-free
 * violations (a claim or result the restarted coordinator never heard of).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHistory, formatViolation } from '../../harness/check/index.js';
import { contextFromScenario } from '../../harness/scenario/check-context.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runScenarioSim } from '../../harness/scenario/run-sim.js';

describe('commit-aware checking with a 200 ms commit', () => {
  it('coordinator-crash-restart seeds 1-3 pass, and no recorded event needed a discard', { timeout: 120_000 }, async () => {
    const scenario = await loadScenario(join(import.meta.dirname, '../../scenarios/coordinator-crash-restart.yaml'));
    const ctx = contextFromScenario(scenario);
    for (const seed of [1, 2, 3]) {
      const o = await runScenarioSim(scenario, { seed, wiring: { commitDelayMs: 200 } });
      expect(checkHistory(o.history, scenario.checks, ctx).map(formatViolation), `seed ${seed}`).toEqual([]);
      expect(o.history.some((r) => r.f === 'discard'), `seed ${seed}`).toBe(false);
      // The crash really landed while writes were in flight (else this proves nothing about commit windows).
      expect(o.history.some((r) => r.f === 'fault' && r.value.target === 'coordinator'), `seed ${seed}`).toBe(true);
    }
  });
});
