/**
 * BUGGIFY (issue 10 deliverable 5): seeded stress inside the seams makes a
 * rare interleaving common, stays replayable from the seed, and cannot fire
 * in production (system/ binds the frozen noBuggify; only the simulation
 * builds a SeededBuggify).
 *
 * The demonstration plants a realistic defect that needs a narrow window: a
 * store that acknowledges before it commits (resolveOnIssue). It only loses
 * acknowledged work when the coordinator dies inside a group-commit window,
 * 2 ms in the scenarios. A crash at an arbitrary time (not aimed at a
 * window) never catches it over twelve seeds; with BUGGIFY slowing seeded
 * commits (a slow disk), the durability promise catches it in most of them.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { SeededBuggify } from '../../harness/sim/buggify.js';
import type { BuggifyOdds } from '../../harness/sim/buggify.js';
import { BUGGIFY_POINTS, noBuggify } from '../../system/core/buggify.js';
import { seededRandom } from '../../system/core/random.js';
import { resolveOnIssue } from '../../system/store/testing.js';

const CRASH_AT_ANY_TIME = parseScenario(
  `name: ack-before-commit-window
description: a coordinator crash at an arbitrary time, not aimed at a commit window
fleet: { workers: 4, concurrency: 2 }
workload:
  items: [{ kind: echo, count: 30, ratePerSec: 10, params: { value: 1 } }]
faults:
  - { at: 1730, for: 500, target: coordinator, action: kill }
phases: { faultsMs: 3000, healMs: 8000 }
`,
  'ack-before-commit-window.yaml',
);
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);
/** Every point on in every run; half the calls widen their window. */
const STRESS: BuggifyOdds = { activation: 1, firing: 0.5 };

/** Seeds whose run reports a durability violation. */
async function durabilitySeeds(opts: { buggify: false | BuggifyOdds; broken: boolean }): Promise<number[]> {
  const caught: number[] = [];
  for (const seed of SEEDS) {
    const r = await runChecked(CRASH_AT_ANY_TIME, {
      seed,
      buggify: opts.buggify,
      ...(opts.broken ? { wiring: { wrapStore: (store) => resolveOnIssue(store) } } : {}),
    });
    if (r.violations.some((v) => v.promise.name === 'durability')) caught.push(seed);
  }
  return caught;
}

describe('buggify', () => {
  it('is off in production by construction: the system binding never fires', () => {
    expect(Object.isFrozen(noBuggify)).toBe(true);
    for (const p of BUGGIFY_POINTS) {
      expect(noBuggify.fires(p)).toBe(false);
      expect(noBuggify.extraMs(p, 1_000)).toBe(0);
    }
  });

  it('activates each point from its own stream: the same seed gives the same points whatever the call order', () => {
    const a = new SeededBuggify(seededRandom(7));
    const b = new SeededBuggify(seededRandom(7));
    const forward = BUGGIFY_POINTS.map((p) => a.active(p));
    const backward = [...BUGGIFY_POINTS].reverse().map((p) => b.active(p)).reverse();
    expect(backward).toEqual(forward);
    const off = new SeededBuggify(seededRandom(7), { activation: 0, firing: 1 });
    expect(BUGGIFY_POINTS.some((p) => off.fires(p))).toBe(false);
  });

  it('is seeded from the run: a buggified run replays to the same trace, and differs from the plain one', { timeout: 60_000 }, async () => {
    const plain = await runChecked(CRASH_AT_ANY_TIME, { seed: 3 });
    const once = await runChecked(CRASH_AT_ANY_TIME, { seed: 3, buggify: STRESS });
    const again = await runChecked(CRASH_AT_ANY_TIME, { seed: 3, buggify: STRESS });
    expect(plain.outcome.buggify).toBeNull();
    expect(once.outcome.traceHash).toBe(again.outcome.traceHash);
    expect(once.outcome.traceHash).not.toBe(plain.outcome.traceHash);
    expect(once.outcome.buggify?.['store.slow-commit']).toBeGreaterThan(0);
  });

  it('makes a narrow window common: ack-before-commit is caught with buggify in most seeds, in none without', { timeout: 300_000 }, async () => {
    const without = await durabilitySeeds({ buggify: false, broken: true });
    const withBuggify = await durabilitySeeds({ buggify: STRESS, broken: true });
    const realWithBuggify = await durabilitySeeds({ buggify: STRESS, broken: false });
    expect(without).toEqual([]);
    expect(withBuggify.length, `caught at seeds ${withBuggify.join(', ')}`).toBeGreaterThanOrEqual(4);
    // The widening itself loses nothing: the real store under the same stress keeps every acknowledgement.
    expect(realWithBuggify).toEqual([]);
  });
});
