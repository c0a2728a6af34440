/**
 * Workers broken in how they handle the protocol per attempt (blind set 12
 * #22, #23; tests/sim/broken-proto12.test.ts), planted through
 * SimWiring.onWorker on each incarnation's task runner.
 */
import type { Assign } from '../../../system/protocol/messages.js';
import { PendingStarts } from '../../../system/worker/pending-starts.js';
import type { Worker } from '../../../system/worker/worker.js';
import type { OutMessage } from '../../../system/worker/outbox.js';
import type { Clock } from '../../../system/core/clock.js';

/** The parts of the worker's private task runner a variant rewires. */
interface RunnerInternals {
  deps: { clock: Clock; outlet: { send: (msg: OutMessage) => void } };
  startsHeld: PendingStarts | undefined;
  runningMap: Map<string, unknown> | undefined;
  assign: (a: Assign) => void;
}

function runnerOf(worker: Worker): RunnerInternals {
  return (worker as unknown as { runner: RunnerInternals }).runner;
}

/**
 * Set 12 #23: a checkpoint does not release its attempt's held `started`
 * first (progress still does), so an attempt that checkpoints in the turn it
 * started (paused on arrival) sends the checkpoint before its start.
 */
export function checkpointBeforeHeldStart(_id: string, worker: Worker): void {
  const runner = runnerOf(worker);
  const outlet = runner.deps.outlet;
  const send = outlet.send.bind(outlet);
  const starts = new PendingStarts(runner.deps.clock, outlet);
  const release = starts.release.bind(starts);
  // releaseStart() is always followed at once by the message it precedes: decide when that message comes.
  let asked: string | undefined;
  starts.release = (key) => {
    asked = key;
  };
  outlet.send = (msg) => {
    const key = asked;
    asked = undefined;
    if (key !== undefined && msg.type !== 'checkpoint') release(key);
    send(msg);
  };
  runner.startsHeld = starts;
}

/** Set 12 #22: an assign for an execution the worker is running is ignored whatever its lease. */
export function assignForRunningIgnored(_id: string, worker: Worker): void {
  const runner = runnerOf(worker);
  const assign = runner.assign.bind(runner);
  runner.assign = (a) => {
    if (runner.runningMap?.has(a.executionId) === true) return;
    assign(a);
  };
}
