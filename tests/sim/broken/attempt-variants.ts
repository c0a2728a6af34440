/**
 * Deliberately broken pieces around attempts that outlive their lease, hand-backs
 * and refusals (issue 10), wired in through SimWiring
 * (tests/sim/broken-attempts.test.ts). Each is a defect a developer could
 * really commit; none is a switch in production code.
 */
import type { AbortReason } from '../../../system/tasks/abort.js';
import type { Worker } from '../../../system/worker/worker.js';
import type { Run } from '../../../system/worker/task-runner-deps.js';
import { Engine } from '../../../system/engine/engine.js';
import type { Dispatcher } from '../../../system/engine/contract.js';

/** The parts of the worker's private task runner a variant rewires. */
interface RunnerInternals {
  abort: (executionId: string, leaseToken: string | undefined, reason: AbortReason) => boolean;
}

function runnerOf(worker: Worker): RunnerInternals {
  return (worker as unknown as { runner: RunnerInternals }).runner;
}

/**
 * A revoke no longer aborts a running attempt: neither the one in a sync
 * answer nor an `abort` "revoked" (the attempt runs on beside its
 * replacement; fencing drops its result, so the outcome stays right).
 */
export function revokeIgnored(_id: string, worker: Worker): void {
  const runner = runnerOf(worker);
  const abort = runner.abort.bind(runner);
  runner.abort = (executionId, leaseToken, reason) => (reason === 'revoked' ? false : abort(executionId, leaseToken, reason));
}

/** The runner's attempt table and its settle step, as the ghost variant rewires them. */
interface RunnerTable {
  running: Map<string, Run>;
  settle: (run: Run, r: unknown) => void;
}

/**
 * A settled attempt is never removed from the running set (a ghost): after
 * `concurrency` attempts the worker refuses every assign as "at capacity",
 * while the coordinator, which counts leases, sees a free worker and assigns
 * again at once. A refusal loop: nothing finishes, the simulation never runs out of events.
 */
export function ghostsFillCapacity(_id: string, worker: Worker): void {
  const runner = (worker as unknown as { runner: RunnerTable }).runner;
  const settle = runner.settle.bind(runner);
  let ghosts = 0;
  runner.settle = (run, r) => {
    settle(run, r);
    runner.running.set(`ghost:${ghosts++}`, run);
  };
}

/**
 * A hand-back (`revoked` result: a drain, a shutdown, a refusal at capacity)
 * puts the execution back to `scheduled` but never on the ready queue: its
 * state says pending, nothing will ever dispatch it.
 */
export class RevokedNotEnqueuedEngine extends Engine {
  private handingBack = false;

  protected override recordOutcome(...args: Parameters<Engine['recordOutcome']>): ReturnType<Engine['recordOutcome']> {
    this.handingBack = args[1] === 'revoked';
    try {
      return super.recordOutcome(...args);
    } finally {
      this.handingBack = false;
    }
  }

  protected override enqueue(...args: Parameters<Engine['enqueue']>): void {
    if (!this.handingBack) super.enqueue(...args);
  }
}

/**
 * The coordinator never tells a holder its lease is gone: no `abort`
 * "revoked" when a lease is lost, and a sync answer that leaves superseded
 * or expired leases out (neither confirmed nor revoked), so the old attempt
 * runs on beside its replacement.
 */
export class RevokeNotSentEngine extends Engine {
  override setDispatcher(d: Dispatcher): void {
    super.setDispatcher({ abort: (w, e, t, r) => (r === 'revoked' ? undefined : d.abort(w, e, t, r)), wake: () => d.wake() });
  }

  override syncHeldTasks(...args: Parameters<Engine['syncHeldTasks']>): ReturnType<Engine['syncHeldTasks']> {
    const answer = super.syncHeldTasks(...args);
    return { confirm: answer.confirm, revoke: answer.revoke.filter((r) => r.reason !== 'superseded' && r.reason !== 'lease_expired') };
  }
}

/**
 * An attempt settling drops its execution from the running set whoever holds
 * that entry now: an old attempt that settles after its replacement (same
 * execution, new lease) started takes the replacement's entry with it, and
 * the worker loses track of an attempt it still runs (set 9's 21).
 */
export function settleDropsReplacement(_id: string, worker: Worker): void {
  const runner = worker['runner'];
  const settle = runner['settle'].bind(runner);
  runner['settle'] = (run, r): void => {
    settle(run, r);
    runner['runningMap']?.delete(run.executionId);
  };
}
