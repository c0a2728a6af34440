/**
 * Checking a history while it is still being recorded (the live-run page's
 * "violations as they happen"). Only SAFETY promises run mid-run: those whose
 * violation in a prefix of the history stays a violation in every longer
 * history (later records can confirm it, never retract it). Liveness-type
 * promises (no-lost-work, prompt-completion, durability, store-health, ...)
 * need the run's end and are judged only by the final checkHistory, which
 * stays authoritative.
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import { checkHistory, type PromiseSelection } from './invariants.js';
import { PROMISE_NAMES, type PromiseName } from './promises.js';
import type { Violation } from './violation.js';

/** The promises that may be checked on a prefix, each with why a prefix verdict cannot be retracted. The one list. */
export const PREFIX_SAFE: Readonly<Partial<Record<PromiseName, string>>> = {
  'exactly-once': 'a second completion, an unfenced result or a terminal state left is wrong whatever follows',
  'no-double-ownership': 'a claim while another lease was valid stays a double claim whatever follows',
  order: 'a claim or start before its dependency completed stays too early (its end-of-run rule is dropped mid-run, see MID_RUN_ONLY)',
  auth: 'a registration on a failed connection, or an adversary acted on, is wrong whatever follows',
  checkpoints: 'resuming behind an acknowledged checkpoint, or a checkpoint moving back, is wrong whatever follows',
};

/**
 * Rules inside a prefix-safe promise that still need the end: `order`'s
 * "dependents of a failed dependency end failed" (mid-run the dependent may
 * simply not have ended yet). Their violations are dropped mid-run.
 */
const MID_RUN_ONLY: Readonly<Partial<Record<PromiseName, (v: Violation) => boolean>>> = {
  order: (v) => !v.message.includes('it must end failed'),
};

/** The prefix-safe promises among a selection, in catalogue order. */
export function prefixSafeOf(selection: PromiseSelection): PromiseName[] {
  const wanted = new Set<PromiseName>(selectedNames(selection));
  return PROMISE_NAMES.filter((p) => wanted.has(p) && PREFIX_SAFE[p] !== undefined);
}

function selectedNames(sel: PromiseSelection): readonly PromiseName[] {
  if (sel === 'all') return PROMISE_NAMES;
  if (Array.isArray(sel)) return sel as readonly PromiseName[];
  const c = sel as Exclude<PromiseSelection, 'all' | readonly PromiseName[]>;
  const wanted = c.promises === 'all' ? PROMISE_NAMES : c.promises;
  return wanted.filter((p) => !c.skip.includes(p));
}

/** A violation found mid-run, as the page shows it. */
export interface EarlyViolation {
  promise: number;
  name: PromiseName;
  message: string;
  /** History time (ms since the run's start) of the offending record. */
  time: number;
  executionId?: string;
  workerId?: string;
}

/**
 * Re-checks a growing history with the prefix-safe promises and returns only
 * violations not reported before. Each call is a full pass over the prefix
 * (the checkers are whole-history functions), so callers bound the rate.
 */
export class ProgressiveChecker {
  private readonly promises: PromiseName[];
  private readonly seen = new Set<string>();

  constructor(selection: PromiseSelection, private readonly context: CheckContext) {
    this.promises = prefixSafeOf(selection);
  }

  /** The promises this checker runs (empty: nothing to check mid-run). */
  get checking(): readonly PromiseName[] {
    return this.promises;
  }

  /** New violations in `prefix` (a prefix of the final history). */
  check(prefix: readonly HistoryRecord[]): EarlyViolation[] {
    if (this.promises.length === 0 || prefix.length === 0) return [];
    const out: EarlyViolation[] = [];
    for (const v of checkHistory(prefix, this.promises, this.context)) {
      if (MID_RUN_ONLY[v.promise.name]?.(v) === false) continue;
      // Keyed without the index: a late-arriving earlier record may shift indices, not the violation.
      const key = `${v.promise.number}|${v.executionId ?? ''}|${v.workerId ?? ''}|${v.message}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const time = v.index === undefined ? (prefix[prefix.length - 1]?.time ?? 0) : (prefix[v.index]?.time ?? 0);
      out.push({ promise: v.promise.number, name: v.promise.name, message: v.message, time, ...(v.executionId === undefined ? {} : { executionId: v.executionId }), ...(v.workerId === undefined ? {} : { workerId: v.workerId }) });
    }
    return out;
  }
}
