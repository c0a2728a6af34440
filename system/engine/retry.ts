/**
 * Retry policy arithmetic: how many attempts an execution may fail, and how
 * long to wait before the next one. Pure functions, so the property tests and
 * the engine agree on one definition.
 */
import type { RetryPolicy } from '../core/model.js';

/** Failed (or timed-out) attempts an execution may have in total: 1 + maxRetries ('none' → 1). */
export function maxFailedAttempts(policy: RetryPolicy): number {
  return policy.strategy === 'none' ? 1 : 1 + policy.maxRetries;
}

/** Whether an execution that has failed `failures` attempts so far gets another attempt. */
export function shouldRetry(policy: RetryPolicy, failures: number): boolean {
  return failures < maxFailedAttempts(policy);
}

/** fib(1) = fib(2) = 1; stops growing once it passes `cap` (avoids overflow). */
export function fibonacci(n: number, cap = Number.MAX_SAFE_INTEGER): number {
  let a = 0;
  let b = 1;
  for (let i = 1; i < n; i++) {
    const next = a + b;
    a = b;
    b = next;
    if (b > cap) return b;
  }
  return n <= 0 ? 0 : b;
}

/**
 * Delay before the next attempt after the n-th failure (n >= 1), capped by
 * maxDelayMs: exponential delayMs*2^(n-1), fibonacci delayMs*fib(n), fixed
 * delayMs, immediate and none 0. Never NaN or Infinity, whatever n is.
 */
export function retryDelayMs(policy: RetryPolicy, n: number): number {
  const { delayMs, maxDelayMs } = policy;
  const failures = Math.max(1, Math.floor(n));
  let raw: number;
  switch (policy.strategy) {
    case 'none':
    case 'immediate':
      return 0;
    case 'fixed':
      raw = delayMs;
      break;
    case 'exponential':
      raw = delayMs === 0 ? 0 : failures > 60 ? Infinity : delayMs * 2 ** (failures - 1);
      break;
    case 'fibonacci':
      raw = delayMs === 0 ? 0 : delayMs * fibonacci(failures, Math.ceil(maxDelayMs / delayMs) + 1);
      break;
    default: {
      const never: never = policy.strategy;
      throw new Error(`unknown retry strategy ${String(never)}`);
    }
  }
  return Math.min(raw, maxDelayMs);
}
