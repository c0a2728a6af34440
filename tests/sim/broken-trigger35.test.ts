/**
 * Session 35 (gaps35b): a process a protocol-event trigger restarts (a
 * trigger's restart, or the undo of a trigger's kill, in its own timer or
 * at heal) that refuses its config fails the run with promise 8, the
 * trigger named, as a timed fault's restart does (broken-restart34.test.ts);
 * before, the refusal was a nemesis note or a supervisor retrying while the
 * run went on (harness/scenario/faults-trigger.ts). Broken variants, each on
 * a process's second life only, at seed 1 where the real system passes:
 *
 * - breaker kills every worker on the 7th claim for 2500 ms: w1 restarted
 *   by the kill's undo (in the trigger's timer) with heartbeatMs 0 (the
 *   workerConfig seam), refused by the worker's own validation;
 * - disk-fault-restart restarts every worker on the 4th failed write: w1's
 *   new life (the trigger's restart) refused the same way;
 * - commit-window-crash kills the coordinator on the 8th claim for 800 ms
 *   and restarts it on later events: a coordinator resolver that refuses on
 *   a later start what it accepted on the first.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../system/core/errors.js';
import { formatViolation } from '../../harness/check/violation.js';
import { asRefusal, ConfigRefused, namedRefusal } from '../../harness/scenario/config-refused.js';
import type { SimWiring } from '../../harness/sim/index.js';
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

const verdict = async (name: string, wiring?: SimWiring) => {
  const r = await run(name, wiring);
  return { crash: r.crash, lines: r.violations.map(formatViolation).map((l) => l.split('\n')[0]) };
};

describe('a config refused at a restart a trigger made is promise 8, as at a timed fault', () => {
  it('asRefusal takes a supervised start\'s raw refusal for the process\'s, namedRefusal names the trigger; other errors pass', () => {
    const raw = new InvalidArgumentError('leaseMs must exceed heartbeatTimeoutMs', 'leaseMs');
    const e = asRefusal('coordinator', raw, 'at its restart');
    expect(e).toBeInstanceOf(ConfigRefused);
    expect(namedRefusal(e, 'trigger t1: kill on claim #8')?.message).toBe('coordinator refused its config at its restart (trigger t1: kill on claim #8): leaseMs must exceed heartbeatTimeoutMs');
    expect(asRefusal('coordinator', new Error('socket'), 'at its restart')).toBeUndefined();
    expect(namedRefusal(raw, 'trigger t1')).toBeUndefined();
  });

  it('breaker passes; w1 refusing its config when the trigger kill is undone fails promise 8, the trigger named', { timeout: 60_000 }, async () => {
    expect((await verdict('breaker')).lines).toEqual([]);
    const broken = await verdict('breaker', refusesSecondLife('w1'));
    expect(broken.crash).toBeUndefined();
    expect(broken.lines).toEqual([expect.stringMatching(/^promise 8 \(Auth\) violated \[worker w1\]: the worker w1 refused the config scenario breaker gave it at its restart \(undoing trigger t1: kill on claim #7\) \(field heartbeatMs\): heartbeatMs must be .*A config the docs accept must start/)]);
  });

  it('disk-fault-restart passes; w1 refusing its config at the trigger restart fails promise 8', { timeout: 60_000 }, async () => {
    expect((await verdict('disk-fault-restart')).lines).toEqual([]);
    const broken = await verdict('disk-fault-restart', refusesSecondLife('w1'));
    expect(broken.lines).toEqual([expect.stringMatching(/^promise 8 \(Auth\) violated \[worker w1\]: the worker w1 refused the config scenario disk-fault-restart gave it at its restart \(trigger t1: restart on write-failed #4\) \(field heartbeatMs\)/)]);
  });

  it('commit-window-crash passes; a coordinator refusing its config when a trigger brings it back fails promise 8', { timeout: 60_000 }, async () => {
    expect((await verdict('commit-window-crash')).lines).toEqual([]);
    const broken = await verdict('commit-window-crash', coordinatorRefusesSecondLife(plant));
    expect(broken.lines).toEqual([expect.stringMatching(/^promise 8 \(Auth\) violated: the coordinator refused the config scenario commit-window-crash gave it at its restart \(undoing trigger t1: kill on claim #8\) \(field leaseMs\): leaseMs \(\d+\) must exceed heartbeatTimeoutMs\. A config the docs accept must start/)]);
  });
});
