/**
 * Session 35: the scenario loader refuses only what the documentation
 * refuses (harness/scenario/documented-flags.ts); a command line the docs
 * accept and the running system's parser refuses is the system refusing its
 * own documented config: promise 8 in that scenario's run
 * (harness/scenario/command-accepts.ts), and the rest of the suite loads and
 * runs. Before, the loader asked the system's parser, so such a defect made
 * `squall suite` and the defect-catch tool stop with "the suite could not
 * load its scenarios" (defect set 20 #14: the coordinator's default heartbeat
 * timeout fixed at 3000 ms refused operator-flags-min's `--heartbeat-ms 10`).
 * Plants: `squall coordinator` refusing `--heartbeat-ms` as a flag with no
 * effect, `squall worker` refusing `--concurrency` the same way (fleet.args),
 * or only `--concurrency 4` (a restart's args, at w2's new life) (in the
 * commands' inert-flag rules, which only the parse runs: the config builders
 * the simulation uses would have let the scenario pass silently).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Inert from '../../system/cli/inert-flags.js';
import { formatViolation } from '../../harness/check/violation.js';
import { planSuite, type UnloadableFile } from '../../harness/cli/suite-run.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';

const plant = vi.hoisted(() => ({ coordinator: false, worker: false, workerFour: false }));
vi.mock('../../system/cli/inert-flags.js', async (importOriginal) => {
  const real = await importOriginal<typeof Inert>();
  return {
    ...real,
    coordinatorInertFlag: (f: Inert.CoordinatorPairFlags, given: Inert.Given, env: NodeJS.ProcessEnv) =>
      plant.coordinator && given('heartbeatMs') ? '--heartbeat-ms has no effect (planted)' : real.coordinatorInertFlag(f, given, env),
    workerInertFlag: (f: Inert.WorkerPairFlags, given: Inert.Given, env: NodeJS.ProcessEnv) =>
      (plant.worker && given('concurrency')) || (plant.workerFour && (f as { concurrency?: number }).concurrency === 4) ? '--concurrency has no effect (planted)' : real.workerInertFlag(f, given, env),
  };
});
afterEach(() => Object.assign(plant, { coordinator: false, worker: false, workerFour: false }));

const load = (name: string) => parseScenario(readFileSync(`scenarios/${name}.yaml`, 'utf8'), `${name}.yaml`);

describe('a documented flag the running command refuses fails promise 8 in its run; the suite still loads', () => {
  it('the real commands: operator-flags-min and worker-reconfigured pass at seed 1', { timeout: 120_000 }, async () => {
    for (const name of ['operator-flags-min', 'worker-reconfigured']) {
      const r = await runChecked(load(name), { seed: 1 });
      expect(r.violations.map(formatViolation), name).toEqual([]);
      expect(r.passed, name).toBe(true);
    }
  });

  it('a coordinator parser refusing --heartbeat-ms: every scenario still loads, operator-flags-min fails promise 8, no crash', { timeout: 120_000 }, async () => {
    plant.coordinator = true;
    const unloadable: UnloadableFile[] = [];
    const plan = await planSuite({ dir: 'scenarios', seed: 1, regressions: false }, unloadable);
    expect(unloadable).toEqual([]);
    expect(plan.map((u) => u.scenario)).toContain('operator-flags-min');
    const r = await runChecked(load('operator-flags-min'), { seed: 1 });
    expect(r.crash).toBeUndefined();
    expect(r.passed).toBe(false);
    expect(r.violations.map(formatViolation)).toEqual([
      expect.stringMatching(/^promise 8 \(Auth\) violated: the coordinator refused the config scenario operator-flags-min gave it at start: squall coordinator refuses the flags --heartbeat-ms 10 .*, which the documentation accepts: --heartbeat-ms has no effect \(planted\)/),
    ]);
  });

  it('a worker parser refusing --concurrency: worker-reconfigured fails promise 8 naming its first worker, no crash', { timeout: 120_000 }, async () => {
    plant.worker = true;
    const r = await runChecked(load('worker-reconfigured'), { seed: 1 });
    expect(r.crash).toBeUndefined();
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ promise: { number: 8 }, workerId: 'w1' });
    expect(r.violations[0]?.message).toMatch(/squall worker refuses the flags --concurrency 3 --allow-kinds command, which the documentation accepts: --concurrency has no effect \(planted\)/);
  });

  it('a worker parser refusing --concurrency 4 only: w2 restarted with it fails promise 8 at its restart, the fault named, no crash', { timeout: 120_000 }, async () => {
    plant.workerFour = true;
    const r = await runChecked(load('worker-reconfigured'), { seed: 1 });
    expect(r.crash).toBeUndefined();
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ promise: { number: 8 }, workerId: 'w2' });
    expect(r.violations[0]?.message).toMatch(/the worker w2 refused the config scenario worker-reconfigured gave it at its restart \(fault .*restart at t=2500 ms\): squall worker refuses the flags --concurrency 4, which the documentation accepts/);
  });
});
