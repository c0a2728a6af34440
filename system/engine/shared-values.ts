/**
 * Values that most execution records hold equal copies of, kept once per
 * engine (issue 12: without retention every record stays live, and a
 * mark-compact's marking time grows with the live objects): the default
 * retry policy, the registered kind names, an empty metadata object and an
 * empty dependency list (all frozen), and each worker's "claimed by <id>"
 * status reason. Replacing a field by its shared equal changes no content:
 * the API's JSON, the events and the store rows stay byte for byte the same.
 */
import type { WorkerId } from '../core/ids.js';
import type { ExecutionRecord, RetryPolicy } from '../core/model.js';
import { compactHistory } from '../core/status-history.js';
import type { PackShared } from './ended-record.js';

/** Distinct "claimed by" reasons kept; past it the cache starts over (worker ids churn with restarts). */
const CLAIM_REASONS_KEPT = 1024;

const EMPTY_METADATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const NO_DEPENDENCIES: ExecutionRecord['dependencies'] = Object.freeze([]) as unknown as ExecutionRecord['dependencies'];

const isEmptyPlain = (o: unknown): boolean =>
  typeof o === 'object' && o !== null && Object.getPrototypeOf(o) === Object.prototype && Reflect.ownKeys(o).length === 0;

/** One engine's shared values; compact() swaps a record's fields for them. */
export class SharedValues implements PackShared {
  /** The policy a spec without `retry` gets (spec.ts finish), frozen, keys in the same order. */
  readonly retry: RetryPolicy;
  /** The empty metadata object, frozen. */
  readonly metadata = EMPTY_METADATA;
  private readonly kinds = new Map<string, string>();
  private readonly claimReasons = new Map<WorkerId, string>();

  constructor(defaultRetry: RetryPolicy, kindNames: Iterable<string>) {
    this.retry = Object.freeze({
      strategy: defaultRetry.strategy,
      maxRetries: defaultRetry.strategy === 'none' ? 0 : defaultRetry.maxRetries,
      delayMs: defaultRetry.delayMs,
      maxDelayMs: Math.max(defaultRetry.maxDelayMs, 0),
    });
    for (const name of kindNames) this.kinds.set(name, name);
  }

  /** Points `rec`'s fields that equal a shared value at it (in place; the content stays the same). */
  compact(rec: ExecutionRecord): void {
    if (rec.retry !== this.retry && sameRetry(rec.retry, this.retry)) rec.retry = this.retry;
    const kind = this.kinds.get(rec.kind);
    if (kind !== undefined) rec.kind = kind;
    if (isEmptyPlain(rec.metadata)) rec.metadata = EMPTY_METADATA;
    if (rec.dependencies.length === 0) rec.dependencies = NO_DEPENDENCIES;
    rec.statusHistory = compactHistory(rec.statusHistory);
  }

  /** The status reason of a claim by `workerId`, one string per worker. */
  claimedBy(workerId: WorkerId): string {
    let reason = this.claimReasons.get(workerId);
    if (reason === undefined) {
      if (this.claimReasons.size >= CLAIM_REASONS_KEPT) this.claimReasons.clear();
      reason = `claimed by ${workerId}`;
      this.claimReasons.set(workerId, reason);
    }
    return reason;
  }
}

/** Equal policies with the same keys in the same order (so JSON.stringify of either is the same text). */
function sameRetry(a: RetryPolicy, b: RetryPolicy): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === 4 &&
    keys[0] === 'strategy' &&
    keys[1] === 'maxRetries' &&
    keys[2] === 'delayMs' &&
    keys[3] === 'maxDelayMs' &&
    a.strategy === b.strategy &&
    a.maxRetries === b.maxRetries &&
    a.delayMs === b.delayMs &&
    a.maxDelayMs === b.maxDelayMs
  );
}
