/**
 * Config refused in a process's second life (promise 8): the runs and seams
 * the restart and trigger variants share (tests/sim/broken-restart34.test.ts,
 * broken-trigger35.test.ts). The planted resolver itself is a per-file
 * `vi.mock` (hoisted), so each file hands in its own plant switch.
 */
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../../harness/scenario/loader.js';
import { runChecked } from '../../../harness/scenario/run.js';
import type { SimWiring } from '../../../harness/sim/index.js';

/** A scenario of scenarios/ at seed 1, with a wiring if given. */
export const runSeed1 = (name: string, wiring?: SimWiring) => runChecked(parseScenario(readFileSync(`scenarios/${name}.yaml`, 'utf8'), `${name}.yaml`), { seed: 1, ...(wiring === undefined ? {} : { wiring }) });

/** The worker config seam: `id`'s second life gets heartbeatMs 0 (the worker's own validation refuses it). */
export function refusesSecondLife(id: string): SimWiring {
  let lives = 0;
  return { workerConfig: (w, c) => (w === id && ++lives === 2 ? { ...c, heartbeatMs: 0 } : c) };
}

/** The coordinator's second and later lives resolve their config with the planted refusal on (wrapStore runs before each start's resolve). */
export function coordinatorRefusesSecondLife(plant: { on: boolean }): SimWiring {
  let lives = 0;
  return { wrapStore: (s) => ((plant.on = ++lives >= 2), s) };
}
