/**
 * The TaskContext an attempt's task runs with (system/worker/task-runner.ts):
 * its identity, clock, seeded random, abort signal and the checkpoint it
 * resumes from, and checkpoint() / progress(), which become messages to the
 * coordinator. Checkpoints are numbered on from the one the attempt resumed
 * from, and one above the frame limit in force is refused to the task (sent,
 * it would close the link and fail again on every re-send).
 */
import { ErrorCode, SquallError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Assign } from '../protocol/messages.js';
import { TaskAbortedError } from '../tasks/abort.js';
import { nodeSpawn } from '../tasks/child-spawn.js';
import type { TaskContext } from '../tasks/kind.js';
import { frameBytes, toJson } from './frame-bytes.js';
import type { OutMessage } from './outbox.js';
import { redactSecrets } from './redact.js';
import type { Run, TaskRunnerDeps } from './task-runner-deps.js';

export interface AttemptEnv {
  deps: TaskRunnerDeps;
  logger: Logger;
  /** The frame limit in force, read at each checkpoint (the coordinator's welcome may lower it). */
  maxFrameBytes: () => number;
  /** The attempt's start, if still unsent, goes out before anything else it sends. */
  releaseStart: () => void;
}

/** The attempt's abort signal, made on first use: already aborted if the runner aborted the attempt before the task asked. */
function signalOf(run: Run): AbortSignal {
  if (run.controller === undefined) {
    run.controller = new AbortController();
    if (run.abortReason !== undefined) run.controller.abort(new TaskAbortedError(run.abortReason));
  }
  return run.controller.signal;
}

export function attemptContext(env: AttemptEnv, run: Run, a: Assign): TaskContext {
  const { deps, logger } = env;
  let checkpointSeq = a.checkpoint?.seq ?? 0;
  const checkpoint = (state: unknown): Promise<void> => {
    if (run.done) {
      logger.debug({}, 'checkpoint after the attempt settled; ignored');
      return Promise.resolve();
    }
    let json: unknown;
    try {
      json = redactSecrets(toJson(state) ?? null, deps.redact ?? []);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new TypeError(String(err)));
    }
    const msg: OutMessage = { type: 'checkpoint', executionId: run.executionId, attempt: run.attempt, leaseToken: run.leaseToken, checkpoint: { seq: checkpointSeq + 1, state: json as never } };
    const bytes = frameBytes(msg);
    const limit = env.maxFrameBytes();
    if (bytes > limit) return Promise.reject(new SquallError(ErrorCode.TooLarge, `checkpoint of ${bytes} bytes exceeds maxFrameBytes ${limit}; keep checkpoint state small`));
    checkpointSeq += 1;
    env.releaseStart();
    deps.outlet.send(msg);
    return Promise.resolve();
  };
  const progress = (fraction: number, message?: string): void => {
    if (run.done) return;
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    env.releaseStart();
    // Redacted before it is cut, so a cut never leaves the head of a secret.
    deps.outlet.send({ type: 'progress', executionId: run.executionId, leaseToken: run.leaseToken, fraction: f, ...(message === undefined ? {} : { message: redactSecrets(message, deps.redact ?? []).slice(0, 1000) }) });
  };
  return {
    executionId: a.executionId,
    workerId: deps.workerId,
    attempt: a.attempt,
    get signal() {
      return signalOf(run);
    },
    clock: deps.clock,
    random: deps.random.fork(`task:${a.executionId}:${a.attempt}`),
    cpu: deps.cpu,
    spawn: deps.spawn ?? nodeSpawn,
    logger,
    resumeFrom: a.checkpoint?.state,
    checkpoint,
    progress,
  };
}
