/**
 * The task execution engine: executions, graphs, priorities, retries,
 * timeouts, cancel/pause/resume, circuit breakers, hooks, stats and restart
 * recovery, on the Store and Clock seams. The coordinator drives it through
 * EngineForCoordinator; embedders and the HTTP API through EngineApi.
 *
 * Usage: `const engine = new Engine(deps, { taskKinds }); engine.setDispatcher(d);
 * await engine.recover();` then claim/report (coordinator) or schedule
 * (embedding API); `engine.close()` cancels its timers.
 *
 * History note for checkers: a failed or timed-out attempt that will be
 * retried is recorded as a 'failed'/'timeout' status entry (and event) whose
 * reason starts with "attempt failed"/"attempt timed out", immediately
 * followed by 'retrying'; it is NOT terminal. Terminal entries set completedAt.
 */
export { Engine, type EngineCounts, type EngineDeps } from './engine.js';
export { type EngineConfig, engineConfigWithDefaults, type ResolvedEngineConfig } from './config.js';
export type { BreakerConfig, BreakerState } from './circuit-breaker.js';
export type * from './contract.js';
export * from '../core/model.js';
export { maxFailedAttempts, retryDelayMs, shouldRetry } from './retry.js';
export { graphNodeSchema, normalizeBatch, normalizeGraph, normalizeSpec, type NormalizedSpec } from './spec.js';
export { findCycle, topologicalOrder } from './graph.js';
