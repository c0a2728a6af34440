/**
 * A worker that loses a finished attempt from its held-task report before
 * its result is acknowledged (docs/PROTOCOL.md "sync": the report lists
 * "finished ones whose result is not yet acknowledged"), planted on
 * TaskRunner.prototype for the duration of a run
 * (tests/sim/broken-late-states.test.ts, graph-commit-window seed 12).
 */
import { TaskRunner } from '../../../system/worker/task-runner.js';

/** The field of TaskRunner (system/worker/task-runner.ts) the variant edits: private there, reached here by name. */
interface RunnerInternals {
  finishedMap: Map<string, { executionId: string }> | undefined;
}

/**
 * The worker's old answer to a sync_result revoke: an execution it no
 * longer runs has its finished attempts forgotten at once, though their
 * results are still unacknowledged (and may be recorded yet: a revoke
 * answered from a completion still committing is undone when that commit
 * fails). Returns how many finished attempts it forgot.
 */
export async function withRevokeForgettingFinished<T>(body: () => Promise<T>): Promise<{ out: T; forgotten: number }> {
  const proto: object = TaskRunner.prototype;
  const original: unknown = Reflect.get(proto, 'abort');
  if (typeof original !== 'function') throw new Error('withRevokeForgettingFinished: TaskRunner.prototype.abort is not a function');
  let forgotten = 0;
  Reflect.set(proto, 'abort', function (this: RunnerInternals, executionId: string, leaseToken: string | undefined, reason: string): boolean {
    const aborted: unknown = Reflect.apply(original, this, [executionId, leaseToken, reason]);
    if (aborted !== true && leaseToken === undefined && reason === 'revoked') {
      for (const [k, f] of this.finishedMap ?? []) {
        if (f.executionId !== executionId) continue;
        this.finishedMap?.delete(k);
        forgotten++;
      }
    }
    return aborted === true;
  });
  try {
    return { out: await body(), forgotten };
  } finally {
    Reflect.set(proto, 'abort', original);
  }
}
