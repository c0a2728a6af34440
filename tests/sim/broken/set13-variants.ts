/**
 * Deliberately broken variants for blind set 13's worker/engine/timer edges
 * (tests/sim/broken-set13.test.ts). Test doubles only: wired in through
 * SimWiring, or planted for one run and taken out again.
 */
import type { TaskRunner } from '../../../system/worker/task-runner.js';
import type { Worker } from '../../../system/worker/worker.js';

/** Set 13 #14: the worker advertises every kind it knows, including dangerous ones it was not started to allow. */
export function advertisesEveryKind(_id: string, w: Worker): void {
  const runner = (w as unknown as { runner: TaskRunner }).runner;
  const deps = (runner as unknown as { deps: { taskKinds: ReadonlyMap<string, unknown> } }).deps;
  runner.advertisedKinds = () => [...deps.taskKinds.keys()];
}
