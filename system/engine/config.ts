/**
 * EngineConfig → engineConfigWithDefaults → ResolvedEngineConfig. Bad values
 * are rejected with a message naming the field and the allowed range, e.g.
 * "EngineConfig.leaseMs must be > 0, got 0".
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { TaskKind } from '../tasks/kind.js';
import type { BreakerConfig } from './circuit-breaker.js';
import { RETRY_STRATEGIES, type RetryPolicy } from '../core/model.js';
import { checkRetention, type RetentionConfig } from './retention.js';

export interface EngineConfig {
  /** Known task kinds; submissions are validated against their names and params schemas. */
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  /** Global limit on claimed-but-unfinished executions. Default 10000. */
  maxConcurrentExecutions?: number;
  /** Lease duration; heartbeats renew it. Default 15000. */
  leaseMs?: number;
  /** How often expired leases are swept. Default max(50, leaseMs/4). */
  leaseSweepMs?: number;
  /** Extra time the coordinator-side timeout waits beyond timeoutMs before aborting. Default 2000. */
  timeoutGraceMs?: number;
  /** Retry policy fields a spec leaves out. Default exponential, 3 retries, 1000 ms, cap 60000 ms. */
  defaultRetry?: Partial<RetryPolicy>;
  /** Per-kind circuit breaker; `false` or `{enabled: false}` disables it. */
  breaker?: Partial<BreakerConfig> | false;
  /** How many recent completed-execution durations feed the p50/p95 stats. Default 4096. */
  durationSamples?: number;
  /** Pruning of terminal executions by count and age (retention.ts); default: keep everything. */
  retention?: RetentionConfig;
  /** Most unfinished executions at once; submissions beyond it get 429 rate_limited. Default: no limit. */
  maxPending?: number;
}

export interface ResolvedEngineConfig {
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  maxConcurrentExecutions: number;
  leaseMs: number;
  leaseSweepMs: number;
  timeoutGraceMs: number;
  defaultRetry: RetryPolicy;
  breaker: BreakerConfig;
  durationSamples: number;
  retention: RetentionConfig | undefined;
  maxPending: number;
}

function check(ok: boolean, field: string, rule: string, value: unknown): void {
  if (!ok) throw new InvalidArgumentError(`EngineConfig.${field} must be ${rule}, got ${JSON.stringify(value)}`, field);
}

const isInt = (v: number): boolean => Number.isSafeInteger(v);

/** Fills defaults and validates; throws InvalidArgumentError naming the field. */
export function engineConfigWithDefaults(config: EngineConfig): ResolvedEngineConfig {
  check(config.taskKinds instanceof Map, 'taskKinds', 'a Map of task kind name to TaskKind', typeof config.taskKinds);
  const leaseMs = config.leaseMs ?? 15_000;
  check(isInt(leaseMs) && leaseMs > 0, 'leaseMs', '> 0', leaseMs);
  const maxConcurrentExecutions = config.maxConcurrentExecutions ?? 10_000;
  check(isInt(maxConcurrentExecutions) && maxConcurrentExecutions > 0, 'maxConcurrentExecutions', 'an integer > 0', maxConcurrentExecutions);
  const leaseSweepMs = config.leaseSweepMs ?? Math.max(50, Math.floor(leaseMs / 4));
  check(isInt(leaseSweepMs) && leaseSweepMs > 0, 'leaseSweepMs', 'an integer > 0', leaseSweepMs);
  const timeoutGraceMs = config.timeoutGraceMs ?? 2_000;
  check(isInt(timeoutGraceMs) && timeoutGraceMs >= 0, 'timeoutGraceMs', 'an integer >= 0', timeoutGraceMs);
  const durationSamples = config.durationSamples ?? 4096;
  check(isInt(durationSamples) && durationSamples > 0, 'durationSamples', 'an integer > 0', durationSamples);

  const r = config.defaultRetry ?? {};
  const defaultRetry: RetryPolicy = {
    strategy: r.strategy ?? 'exponential',
    maxRetries: r.maxRetries ?? 3,
    delayMs: r.delayMs ?? 1_000,
    maxDelayMs: r.maxDelayMs ?? 60_000,
  };
  check(RETRY_STRATEGIES.includes(defaultRetry.strategy), 'defaultRetry.strategy', `one of ${RETRY_STRATEGIES.join(', ')}`, defaultRetry.strategy);
  check(isInt(defaultRetry.maxRetries) && defaultRetry.maxRetries >= 0, 'defaultRetry.maxRetries', 'an integer >= 0', defaultRetry.maxRetries);
  check(isInt(defaultRetry.delayMs) && defaultRetry.delayMs >= 0, 'defaultRetry.delayMs', 'an integer >= 0', defaultRetry.delayMs);
  check(isInt(defaultRetry.maxDelayMs) && defaultRetry.maxDelayMs >= 0, 'defaultRetry.maxDelayMs', 'an integer >= 0', defaultRetry.maxDelayMs);

  const b = config.breaker === false ? { enabled: false } : (config.breaker ?? {});
  const breaker: BreakerConfig = {
    enabled: b.enabled ?? true,
    failureThreshold: b.failureThreshold ?? 5,
    resetTimeoutMs: b.resetTimeoutMs ?? 30_000,
    halfOpenMaxCalls: b.halfOpenMaxCalls ?? 1,
  };
  check(isInt(breaker.failureThreshold) && breaker.failureThreshold > 0, 'breaker.failureThreshold', 'an integer > 0', breaker.failureThreshold);
  check(isInt(breaker.resetTimeoutMs) && breaker.resetTimeoutMs > 0, 'breaker.resetTimeoutMs', 'an integer > 0', breaker.resetTimeoutMs);
  check(isInt(breaker.halfOpenMaxCalls) && breaker.halfOpenMaxCalls > 0, 'breaker.halfOpenMaxCalls', 'an integer > 0', breaker.halfOpenMaxCalls);

  const maxPending = config.maxPending ?? Number.MAX_SAFE_INTEGER;
  check(isInt(maxPending) && maxPending > 0, 'maxPending', 'an integer > 0', maxPending);
  const retention = checkRetention(config.retention);
  return { taskKinds: config.taskKinds, maxConcurrentExecutions, leaseMs, leaseSweepMs, timeoutGraceMs, defaultRetry, breaker, durationSamples, retention, maxPending };
}
