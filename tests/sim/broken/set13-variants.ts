/**
 * Deliberately broken variants for blind set 13's worker/engine/timer edges
 * (tests/sim/broken-set13.test.ts). Test doubles only: wired in through
 * SimWiring, or planted for one run and taken out again.
 */
import type { Clock, TimerHandle } from '../../../system/core/clock.js';
import type { TaskRunner } from '../../../system/worker/task-runner.js';
import type { Worker } from '../../../system/worker/worker.js';

/** Set 13 #14: the worker advertises every kind it knows, including dangerous ones it was not started to allow. */
export function advertisesEveryKind(_id: string, w: Worker): void {
  const runner = (w as unknown as { runner: TaskRunner }).runner;
  const deps = (runner as unknown as { deps: { taskKinds: ReadonlyMap<string, unknown> } }).deps;
  runner.advertisedKinds = () => [...deps.taskKinds.keys()];
}

/** The worker's drain internals the variants below reach into. */
interface DrainInternals {
  drainExpired(timeoutMs: number): void;
  finishStop(reason: string): void;
  drainTimer: TimerHandle | undefined;
  deps: { clock: Clock };
  config: { handBackGraceMs: number };
  sm: { state: string };
}

/** Set 13 #26: after a drain times out, the link is kept max(timeoutMs, handBackGraceMs) instead of min(...). */
export function lingersAfterDrainTimeout(_id: string, w: Worker): void {
  const inner = w as unknown as DrainInternals;
  const original = inner.drainExpired.bind(inner);
  inner.drainExpired = (timeoutMs: number): void => {
    original(timeoutMs);
    if (inner.sm.state === 'stopped' || inner.drainTimer === undefined) return;
    inner.drainTimer.cancel();
    inner.drainTimer = inner.deps.clock.setTimeout(() => inner.finishStop('drain timed out'), Math.max(timeoutMs, inner.config.handBackGraceMs));
  };
}
