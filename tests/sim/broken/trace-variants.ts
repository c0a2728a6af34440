/**
 * Deliberately broken workers and sessions whose damage the system's own
 * redundancy heals (docs/DEFECTS.md classes 07, 08, 10, 17): the outcome
 * stays right, only the worker's own trace shows the defect
 * (tests/sim/broken-trace.test.ts). Worker defects are planted through
 * SimWiring.onWorker on one incarnation's task runner; the session defect
 * (`syncIgnoringInFlight`) is a session policy in ./session-variants.ts.
 */
import type { AbortReason } from '../../../system/tasks/abort.js';
import type { Worker } from '../../../system/worker/worker.js';
import type { OutMessage } from '../../../system/worker/outbox.js';

/** The parts of the worker's private task runner a variant rewires. */
interface RunnerInternals {
  deps: { outlet: { send: (msg: OutMessage) => void } };
  resultAcked: (executionId: string, leaseToken: string) => void;
  abort: (executionId: string, leaseToken: string | undefined, reason: AbortReason) => boolean;
  reject: (...args: unknown[]) => void;
  setFinished: (f: unknown) => void;
}

function runnerOf(worker: Worker): RunnerInternals {
  return (worker as unknown as { runner: RunnerInternals }).runner;
}

/** Class 07: every attempt numbers its checkpoints from 1, also one resumed from checkpoint N. */
export function checkpointsFromOne(_id: string, worker: Worker): void {
  const outlet = runnerOf(worker).deps.outlet;
  const send = outlet.send.bind(outlet);
  const next = new Map<string, number>();
  outlet.send = (msg) => {
    if (msg.type !== 'checkpoint') return send(msg);
    const seq = (next.get(msg.leaseToken) ?? 0) + 1;
    next.set(msg.leaseToken, seq);
    send({ ...msg, checkpoint: { ...msg.checkpoint, seq } });
  };
}

/** Class 08: a finished attempt is never forgotten when its result is acknowledged (only a revoke at sync clears it). */
export function neverForgetFinished(_id: string, worker: Worker): void {
  runnerOf(worker).resultAcked = () => {};
}

/** Class 10: every abort from the coordinator is taken as a revoke (cancel and pause included). */
export function abortsAsRevoked(_id: string, worker: Worker): void {
  const runner = runnerOf(worker);
  const abort = runner.abort.bind(runner);
  runner.abort = (executionId, leaseToken, reason) => abort(executionId, leaseToken, reason === 'cancel' || reason === 'pause' ? 'revoked' : reason);
}

/** Set 11 #25: a refused assignment (draining, over capacity, unknown kind) is not recorded as finished: held reports omit it until its result is acknowledged. */
export function refusalsNotHeld(_id: string, worker: Worker): void {
  const runner = runnerOf(worker);
  const reject = runner.reject.bind(runner);
  const setFinished = runner.setFinished.bind(runner);
  runner.reject = (...args) => {
    runner.setFinished = () => {};
    try {
      reject(...args);
    } finally {
      runner.setFinished = setFinished;
    }
  };
}
