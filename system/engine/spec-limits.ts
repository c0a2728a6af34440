/** The limits of a spec (spec.ts, spec-fast.ts): documented maxima of every duration and date a spec accepts (README "Limits"); timers past 2^31-1 ms are chained. */
export const SPEC_LIMITS = {
  /** timeoutMs: 30 days. */
  maxTimeoutMs: 30 * 24 * 3600 * 1000,
  /** retry.delayMs and retry.maxDelayMs: 30 days. */
  maxRetryDelayMs: 30 * 24 * 3600 * 1000,
  /** scheduledAt: at most 366 days after submission. */
  maxScheduleAheadMs: 366 * 24 * 3600 * 1000,
  /** scheduledAt: an epoch-ms date JavaScript can represent. */
  maxDateMs: 8.64e15,
} as const;
