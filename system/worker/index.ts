/**
 * The reconnecting worker: Worker (worker.ts) and what it is built from —
 * config, state machine, backoff, outbox, heartbeats, task runner.
 */
export { Worker, type WorkerDeps, type WorkerStats, type StopOptions } from './worker.js';
export type { WorkerState } from './state.js';
export { WORKER_STATES, canTransition } from './state.js';
export { type WorkerConfig, type ResolvedWorkerConfig, workerConfigWithDefaults, normalizeCoordinatorUrl } from './config.js';
export {
  BACKOFF_STRATEGIES,
  BACKOFF_DEFAULTS,
  type BackoffStrategy,
  type BackoffOptions,
  type BackoffConfig,
  type BackoffBounds,
  backoffWithDefaults,
  backoffBounds,
  backoffDelay,
  cappedExponential,
} from './backoff.js';
export { Outbox, OutPriority, type OutMessage, type SentMessage } from './outbox.js';
