/** The worker's TaskRunner, wired to its seams, limits and outlet (worker-link.ts keeps to the lifecycle). */
import type { Logger } from '../core/logger.js';
import type { Marks } from '../core/marks.js';
import type { ResolvedWorkerConfig } from './config.js';
import { TaskRunner } from './task-runner.js';
import type { RunnerOutlet } from './task-runner-deps.js';
import type { WorkerDeps } from './worker-types.js';

/** No secret to redact: one shared empty list. */
const NO_SECRETS: readonly string[] = [];

/** The runner of one worker: its own random stream ('tasks'), the worker's limits, and the secret redacted from what it sends. */
export function workerRunner(deps: WorkerDeps, config: ResolvedWorkerConfig, log: Logger, marks: Marks, outlet: RunnerOutlet): TaskRunner {
  return new TaskRunner({
    workerId: config.id,
    clock: deps.clock,
    random: deps.random.fork('tasks'),
    cpu: deps.cpu,
    logger: log,
    events: deps.events,
    taskKinds: deps.taskKinds,
    concurrency: config.concurrency,
    maxFrameBytes: config.maxFrameBytes,
    marks,
    allowedKinds: config.allowKinds,
    redact: config.secret === undefined ? NO_SECRETS : [config.secret],
    outlet,
  });
}
