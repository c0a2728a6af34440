/**
 * Deliberately broken worker features (tests/sim/broken-worker-features.test.ts),
 * each a defect a developer could really commit and that no scenario exercised
 * before scenarios/worker-features.yaml (issue 10, classes 12, 13, 22). Test
 * doubles only: wired in through SimWiring, or planted on a prototype for one
 * run and taken out again.
 */
import { WorkerRegistry } from '../../../system/coordinator/registry.js';
import type { Outbox } from '../../../system/worker/outbox.js';
import { TaskRunner } from '../../../system/worker/task-runner.js';
import type { Worker } from '../../../system/worker/worker.js';

/** Class 12: the outbox never gives a capacity slot back (take() forgets to decrement its bounded count). */
export function leakyOutbox(_id: string, w: Worker): void {
  const outbox = (w as unknown as { outbox: Outbox }).outbox;
  const counted = outbox as unknown as { bounded: number };
  const take = outbox.take.bind(outbox);
  outbox.take = (max) => {
    const next = take(max);
    if (next !== undefined && (next.msg.type === 'data' || next.msg.type === 'progress')) counted.bounded++;
    return next;
  };
}

/** Class 13: the worker's result size check reads maxFrameBytes as KiB (limit × 1024), so oversized results are sent. */
export function kibFrameLimit(_id: string, w: Worker): void {
  const runner = (w as unknown as { runner: TaskRunner }).runner;
  let bytes = runner.maxFrameBytes;
  Object.defineProperty(runner, 'maxFrameBytes', {
    get: () => bytes * 1024,
    set: (v: number) => {
      bytes = v;
    },
  });
}

/** Class 22: the coordinator acknowledges `drain` without marking the worker draining (the flag never sticks). */
export async function withDrainIgnored<T>(body: () => Promise<T>): Promise<T> {
  const original = WorkerRegistry.prototype.getOrCreate;
  WorkerRegistry.prototype.getOrCreate = function (this: WorkerRegistry, workerId) {
    const r = original.call(this, workerId);
    if (!r.known) {
      Object.defineProperty(r.entry, 'draining', { get: () => false, set: () => {}, enumerable: true, configurable: true });
    }
    return r;
  };
  try {
    return await body();
  } finally {
    WorkerRegistry.prototype.getOrCreate = original;
  }
}

/** A drain that ends as soon as nothing runs, without waiting for the coordinator to acknowledge the results it sent. */
export function drainWithoutAcks(_id: string, w: Worker): void {
  const link = w as unknown as { draining: boolean; runner: { runningCount: number }; sm: { state: string }; finishStop: (reason: string) => void; checkDrained: () => void };
  link.checkDrained = () => {
    if (link.draining && link.sm.state !== 'stopped' && link.runner.runningCount === 0) link.finishStop('drained');
  };
}

/** A drain that runs out of time closes the link at once: what it aborts never gets its hand-back out (the worker before the fix). */
export function drainTimeoutClosesAtOnce(_id: string, w: Worker): void {
  const link = w as unknown as { drainExpired: (timeoutMs: number) => void; finishStop: (reason: string) => void };
  link.drainExpired = () => link.finishStop('drain timed out');
}

/**
 * stop() with drain no longer stops the task runner from accepting (its `accepting = false` dropped): an assign
 * already on its way when the worker drained, or re-sent after a resume, is started instead of handed back.
 */
export function drainKeepsAccepting(_id: string, w: Worker): void {
  const runner: unknown = Reflect.get(w, 'runner');
  if (!(runner instanceof TaskRunner)) throw new Error('drainKeepsAccepting: the worker has no task runner named "runner"');
  Object.defineProperty(runner, 'accepting', { get: () => true, set: () => {}, enumerable: true, configurable: true });
}

/** A draining worker drops an assign that reaches it without a word: never started, but never handed back either. */
export function drainDropsAssigns(_id: string, w: Worker): void {
  const runner: unknown = Reflect.get(w, 'runner');
  if (!(runner instanceof TaskRunner)) throw new Error('drainDropsAssigns: the worker has no task runner named "runner"');
  const assign = runner.assign.bind(runner);
  runner.assign = (a) => {
    if (runner.accepting) assign(a);
  };
}

/** The drain counts only sent-but-unacknowledged messages, not reliable ones still queued (blind set 8 #22): a result queued while the link is down is left behind. */
export function drainIgnoresQueued(_id: string, w: Worker): void {
  const link = w as unknown as { draining: string | undefined; runner: { runningCount: number }; sm: { state: string }; outbox: { unackedCount: number }; finishStop: (reason: string) => void; checkDrained: () => void };
  link.checkDrained = () => {
    if (link.draining !== undefined && link.sm.state !== 'stopped' && link.runner.runningCount === 0 && link.outbox.unackedCount === 0) link.finishStop(link.draining);
  };
}

/**
 * Set 10 #21: a drain that times out aborts what still runs with reason
 * `cancel` instead of `shutdown`, so the attempts are reported `cancelled`
 * (the client's verdict) instead of handed back (`revoked`, re-queued).
 */
export function drainTimeoutCancels(_id: string, w: Worker): void {
  const runner: unknown = Reflect.get(w, 'runner');
  if (!(runner instanceof TaskRunner)) throw new Error('drainTimeoutCancels: the worker has no task runner named "runner"');
  const abortAll = runner.abortAll.bind(runner);
  runner.abortAll = (reason) => abortAll(reason === 'shutdown' ? 'cancel' : reason);
}
