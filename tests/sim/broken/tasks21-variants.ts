/**
 * Broken variants for blind set 21's task-kind miss class, what an aborted
 * attempt keeps (tests/sim/broken-tasks21.test.ts): test doubles wired in
 * through SimWiring (a worker's deps, a hook on the worker).
 */
import { sleep as clockSleep } from '../../../system/core/clock.js';
import { abortReasonOf } from '../../../system/tasks/abort.js';
import type { TaskKind } from '../../../system/tasks/kind.js';
import type { TaskRunner } from '../../../system/worker/task-runner.js';
import type { Worker } from '../../../system/worker/worker.js';
import type { WorkerDeps } from '../../../system/worker/worker-types.js';

/**
 * A sleep whose pause checkpoints the progress at the start of the chunk it
 * was in (its last periodic checkpoint), not the time slept: it returns and
 * checkpoints after the pause, yet the resume sleeps again what was slept.
 */
const staleSleep: TaskKind<unknown>['run'] = async (params, ctx) => {
  const { durationMs, checkpointEveryMs } = params as { durationMs: number; checkpointEveryMs?: number };
  const from = (ctx.resumeFrom as { elapsedMs?: number } | undefined)?.elapsedMs ?? 0;
  let elapsedMs = Math.min(durationMs, from);
  while (elapsedMs < durationMs) {
    const chunk = Math.min(checkpointEveryMs ?? durationMs, durationMs - elapsedMs);
    try {
      await clockSleep(ctx.clock, chunk, ctx.signal);
    } catch (err) {
      if (abortReasonOf(ctx.signal) !== 'pause') throw err;
      await ctx.checkpoint({ elapsedMs }); // broken: the chunk's time slept is dropped
      return { paused: true, elapsedMs };
    }
    elapsedMs += chunk;
    if (checkpointEveryMs !== undefined && elapsedMs < durationMs) await ctx.checkpoint({ elapsedMs });
  }
  return { sleptMs: durationMs - from, elapsedMs, resumedFromMs: from };
};

/** The worker's sleep replaced by staleSleep. */
export function pauseCheckpointsStaleProgress(_id: string, deps: WorkerDeps): WorkerDeps {
  const real = deps.taskKinds.get('sleep');
  if (real === undefined) return deps;
  const kinds = new Map(deps.taskKinds);
  kinds.set('sleep', { ...real, run: staleSleep });
  return { ...deps, taskKinds: kinds };
}

/** The runner's settle, reached into (private). */
interface SettleInternals {
  settle(run: { abortReason: string | undefined }, r: unknown): void;
}

/** A runner that forgets a timeout's reason when it settles: the attempt the worker stopped at its timeout ends `failed`. */
export function timeoutSettledAsFailure(_id: string, w: Worker): void {
  const runner = (w as unknown as { runner: TaskRunner }).runner as unknown as SettleInternals;
  const original = runner.settle.bind(runner);
  runner.settle = (run, r) => {
    if (run.abortReason === 'timeout') run.abortReason = undefined;
    original(run, r);
  };
}
