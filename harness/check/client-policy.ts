/**
 * The retry policy each execution's client asked for, from the submit
 * invoke's `intent` (harness/scenario/workload.ts): the fields it gave, the
 * rest the documented defaults (docs/TASK-KINDS.md, the execution spec:
 * strategy exponential, maxRetries 3, delayMs 1000, maxDelayMs 60000 or the
 * given delayMs if larger; strategy none stores maxRetries 0), restated here,
 * never imported from the engine. Promise 5 judges retries by it, not by the
 * policy the engine says it stored (its `submitted` event): blind set 22 #07
 * took a policy differing from the default in delayMs alone for the default,
 * and the engine's own event agreed with the default delays it then used.
 */
import type { RetryPolicy } from '../../system/core/index.js';
import type { HistoryView } from './view.js';

/** The documented default retry policy (the checker's copy). */
const DOCUMENTED_RETRY = { strategy: 'exponential', maxRetries: 3, delayMs: 1000, maxDelayMs: 60_000 } as const;

const STRATEGIES: ReadonlySet<string> = new Set(['none', 'immediate', 'fixed', 'exponential', 'fibonacci']);

/** The policy a client's partial `retry` (undefined: none given) asks for, defaults filled in as documented. */
export function askedPolicy(given: Readonly<Record<string, unknown>> | undefined): RetryPolicy {
  const g = given ?? {};
  const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
  const strategy = typeof g.strategy === 'string' && STRATEGIES.has(g.strategy) ? (g.strategy as RetryPolicy['strategy']) : DOCUMENTED_RETRY.strategy;
  const delayMs = num(g.delayMs, DOCUMENTED_RETRY.delayMs);
  return {
    strategy,
    maxRetries: strategy === 'none' ? 0 : num(g.maxRetries, DOCUMENTED_RETRY.maxRetries),
    delayMs,
    maxDelayMs: num(g.maxDelayMs, Math.max(DOCUMENTED_RETRY.maxDelayMs, typeof g.delayMs === 'number' ? g.delayMs : 0)),
  };
}

/** Failed attempts a policy allows in total (1 + maxRetries; none: 1), the checker's own count. */
export const allowedFailures = (p: RetryPolicy): number => (p.strategy === 'none' ? 1 : 1 + p.maxRetries);

/**
 * Execution id -> the policy its client asked for, for executions the
 * workload submitted (an intent recorded with the acknowledged submission);
 * others (an adversary's probe) are absent.
 */
export function askedPolicies(view: HistoryView): Map<string, RetryPolicy> {
  const out = new Map<string, RetryPolicy>();
  for (const ack of view.acked.values()) {
    const list = ack.invoke?.value.intent;
    if (!Array.isArray(list)) continue;
    const at = (ack.ok.value.executionIds as unknown[]).indexOf(ack.executionId);
    const it = list[at] as { retry?: Record<string, unknown>; omitted?: unknown } | undefined;
    // Only intents that say what was left out are complete enough to fill in (workload.ts intentOf).
    if (it !== undefined && Array.isArray(it.omitted)) out.set(ack.executionId, askedPolicy(it.retry));
  }
  return out;
}
