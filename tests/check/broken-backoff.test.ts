/**
 * Backoff cap applied after jitter (KNOWN_FAILURE_MODES, reconnection #6):
 * the original jittered the uncapped exponential and then capped it, so every
 * worker that reached the cap retried exactly at the cap, in lockstep. The
 * real workers run a fleet-wide outage in simulation with the real backoff,
 * then with that defect swapped in for the worker's backoff module (a module
 * mock local to this file); the checker must report lockstep only for the
 * broken one.
 */
import { describe, expect, it, vi } from 'vitest';
import { contextFromScenario } from '../../harness/scenario/check-context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runScenarioSim } from '../../harness/scenario/run-sim.js';
import type * as Backoff from '../../system/worker/backoff.js';

const state = vi.hoisted(() => ({ broken: false }));

vi.mock('../../system/worker/backoff.js', async (importOriginal) => {
  const real = await importOriginal<typeof Backoff>();
  const backoffDelay: typeof real.backoffDelay = (cfg, attempt, random, prevMs) => {
    if (!state.broken) return real.backoffDelay(cfg, attempt, random, prevMs);
    const raw = cfg.initialMs * cfg.multiplier ** Math.max(0, attempt - 1);
    return Math.min(cfg.maxMs, random.float() * raw);
  };
  return { ...real, backoffDelay };
});

const yaml = `name: lockstep
description: the whole fleet loses the network for 8 s
fleet: { workers: 30, concurrency: 1, backoff: { strategy: full-jitter, initialMs: 50, maxMs: 400, multiplier: 2 } }
faults:
  - { at: 200, for: 8000, target: all-workers, action: down }
phases: { faultsMs: 8500, healMs: 3000 }
`;

async function backoffViolations(): Promise<string[]> {
  const s = parseScenario(yaml, 'lockstep.yaml');
  const o = await runScenarioSim(s, { seed: 1 });
  return checkHistory(o.history, ['backoff'], contextFromScenario(s)).map((v) => v.message);
}

describe('backoff cap applied after jitter', () => {
  it('is reported as lockstep at the cap; the real backoff is not', async () => {
    state.broken = false;
    expect(await backoffViolations()).toEqual([]);
    state.broken = true;
    try {
      expect(await backoffViolations()).toEqual([expect.stringMatching(/backoff delays at the cap are bunched .* lockstep/)]);
    } finally {
      state.broken = false;
    }
  });
});
