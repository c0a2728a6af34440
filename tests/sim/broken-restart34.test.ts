/**
 * Session 34 (gaps34c): a process restarted mid-run (a fault's restart, or
 * the restart that undoes a kill) that refuses its config fails the run
 * (promise 8) with the same message as a refusal at its first start, the
 * fault named, instead of the fault being refused and the run stopped with
 * unrelated liveness violations (harness/scenario/config-refused.ts
 * rethrowRefusal, faults-sim.ts). Broken variants, each on its second life
 * only, at seed 1 where the real system passes:
 *
 * - worker-reconfigured restarts w1 at t=1000 with other flags: a worker
 *   whose config reads heartbeatMs 0 in its second life (the workerConfig
 *   seam) is refused by the worker's own validation;
 * - coordinator-crash-restart kills the coordinator at t=3000 and starts it
 *   at t=5000 (the kill's undo): a coordinator resolver that refuses the
 *   same config the second time it starts (planted in its resolver).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../system/core/errors.js';
import { formatViolation } from '../../harness/check/violation.js';
import { ConfigRefused, rethrowRefusal } from '../../harness/scenario/config-refused.js';
import { coordinatorRefusesSecondLife, refusesSecondLife, runSeed1 } from './broken/second-life.js';

const plant = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/coordinator/config.js', async (importOriginal) => {
  const { refusingConfig, leaseRefused } = await import('./broken/refusing-config.js');
  return refusingConfig(await importOriginal(), plant, leaseRefused);
});
afterEach(() => {
  plant.on = false;
});

const run = runSeed1;

describe('a config refused at a restart is promise 8, as at the first start', () => {
  it('rethrowRefusal names the fault on a ConfigRefused and leaves other errors', () => {
    const e = new ConfigRefused('worker w1', new InvalidArgumentError('heartbeatMs must be > 0', 'heartbeatMs'), 'at its restart');
    expect(() => rethrowRefusal(e, 'fault f1: restart at t=1000 ms')).toThrow(/^worker w1 refused its config at its restart \(fault f1: restart at t=1000 ms\): heartbeatMs must be > 0$/);
    expect(() => rethrowRefusal(new Error('socket'), 'fault f1')).not.toThrow();
  });

  it('worker-reconfigured passes; a worker refusing its config on its second life fails promise 8, no crash', { timeout: 60_000 }, async () => {
    expect((await run('worker-reconfigured')).violations.map(formatViolation)).toEqual([]);
    const r = await run('worker-reconfigured', refusesSecondLife('w1'));
    expect(r.crash).toBeUndefined();
    expect(r.passed).toBe(false);
    expect(r.violations.map(formatViolation)).toEqual([
      expect.stringMatching(/^promise 8 \(Auth\) violated \[worker w1\]: the worker w1 refused the config scenario worker-reconfigured gave it at its restart \(fault f1: restart at t=1000 ms\) \(field heartbeatMs\): heartbeatMs must be .*A config the docs accept must start/),
    ]);
  });

  it('coordinator-crash-restart passes; a coordinator refusing its config when the kill is undone fails promise 8, no crash', { timeout: 60_000 }, async () => {
    expect((await run('coordinator-crash-restart')).violations.map(formatViolation)).toEqual([]);
    const r = await run('coordinator-crash-restart', coordinatorRefusesSecondLife(plant));
    expect(r.crash).toBeUndefined();
    expect(r.violations.map(formatViolation)).toEqual([
      expect.stringMatching(/^promise 8 \(Auth\) violated: the coordinator refused the config scenario coordinator-crash-restart gave it at its restart \(undoing fault f1: kill\) \(field leaseMs\): leaseMs \(\d+\) must exceed heartbeatTimeoutMs\. A config the docs accept must start/),
    ]);
  });
});
