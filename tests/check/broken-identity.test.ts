/**
 * Identity collision (KNOWN_FAILURE_MODES, reconnection #1): a URL template
 * bug made every worker register under the same id, so connections
 * overwrote each other. The real workers run in simulation, once as they are
 * and once with the worker's config resolver swapped (a module mock local to
 * this file) so every worker calls itself w1; the checker must report the
 * workers that never registered.
 */
import { describe, expect, it, vi } from 'vitest';
import { contextFromScenario } from '../../harness/scenario/check-context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runScenarioSim } from '../../harness/scenario/run-sim.js';
import type * as Config from '../../system/worker/config.js';

const state = vi.hoisted(() => ({ broken: false }));

vi.mock('../../system/worker/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof Config>();
  const workerConfigWithDefaults: typeof real.workerConfigWithDefaults = (o) => real.workerConfigWithDefaults(state.broken ? { ...o, id: 'w1' } : o);
  return { ...real, workerConfigWithDefaults };
});

const yaml = `name: identity
description: four workers, some work
fleet: { workers: 4, concurrency: 2 }
workload:
  items: [{ kind: sleep, count: 12, params: { durationMs: 500 } }]
phases: { faultsMs: 1000, healMs: 6000 }
`;

async function violations(): Promise<string[]> {
  const s = parseScenario(yaml, 'identity.yaml');
  const o = await runScenarioSim(s, { seed: 1 });
  return checkHistory(o.history, 'all', contextFromScenario(s)).map((v) => `${v.promise.name}: ${v.message}`);
}

describe('worker identity collision', () => {
  it('is reported: the other workers never register', async () => {
    state.broken = false;
    expect(await violations()).toEqual([]);
    state.broken = true;
    try {
      const v = await violations();
      for (const w of ['w2', 'w3', 'w4']) expect(v).toContainEqual(expect.stringMatching(new RegExp(`^backoff: ${w} never registered`)));
    } finally {
      state.broken = false;
    }
  });
});
