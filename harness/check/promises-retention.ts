/**
 * 30. Retention (coordinator.retention; system/engine/retention.ts): the
 * engine forgets terminal executions only as its policy allows. At each
 * `pruned` (cutoff completedBefore, decided at `at`), no terminal execution
 * that completed before the cutoff may still be owed: one completed within
 * maxAgeMs of the decision, and among the newest maxCount terminal executions
 * then (counted with every execution tied with it at the boundary: ties go
 * together, so a few more may go, never fewer). Without a policy nothing is
 * pruned. And the policy is applied: a prune forgets everything it lets go
 * at that decision (one that keeps more than maxCount, or what is older than
 * maxAgeMs, applies only part of it), and in time: an execution it lets go
 * is gone from reads once the next sweep is past (promises-retention-owed.ts). The final read (promise 3) excuses an execution only when a prune
 * covered its completion. Terminal: the final `completed`, `failed`,
 * `cancelled` or `timeout` of an execution (the decision time of that status).
 */
import type { CheckContext } from './context.js';
import { checkRetentionOwed, completions } from './promises-retention-owed.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Whether a prune (recorded before index `before`) covered this completion (a read may then not know the execution). */
export function prunedAway(view: HistoryView, completedAt: number | undefined, before = Infinity): boolean {
  return (
    completedAt !== undefined &&
    view.ofType('pruned').some((p) => p.rec.index < before && p.ev.source === 'coordinator' && p.ev.at >= completedAt && completedAt < p.ev.completedBefore)
  );
}

/** One terminal execution: its completion time and its place in the view's execution order (which one a message names). */
interface Done {
  id: string;
  t: number;
  order: number;
}

/**
 * 30. Each prune forgets only what the retention policy lets go. One sweep
 * over the completions sorted by time: what the prunes so far forgot is
 * always a prefix of that order (each forgets those completed by its
 * decision and before its cutoff), the terminals live at a prune are the
 * range from there to its decision time, and those it owed are a sub-range
 * (keep-by-age and keep-by-count both keep the newest), found by binary
 * search; each owed execution is forgotten by that prune, so naming them
 * costs linear time in all.
 */
export function checkRetention(view: HistoryView, ctx: CheckContext): Violation[] {
  const sorted: Done[] = [...completions(view)].map(([id, t], order) => ({ id, t, order })).sort((a, b) => a.t - b.t || a.order - b.order);
  let forgotten = 0;
  const out: Violation[] = [];
  for (const p of view.ofType('pruned')) {
    if (p.ev.source !== 'coordinator') continue;
    const hi = firstAbove(sorted, p.ev.at);
    const cut = Math.min(hi, firstAtLeast(sorted, p.ev.completedBefore));
    const from = Math.max(forgotten, keptFrom(sorted, hi, p.ev.at, ctx));
    if (from < cut) out.push(pruneViolation(view, p, sorted.slice(from, cut), Math.max(0, hi - forgotten), ctx));
    // The other way: what the policy lets go at this decision is forgotten by it (not kept past maxCount or maxAgeMs).
    const due = keptFrom(sorted, hi, p.ev.at, ctx);
    if (cut < due && due > forgotten) out.push(keptViolation(view, p, sorted.slice(Math.max(cut, forgotten), due), ctx));
    forgotten = Math.max(forgotten, cut);
  }
  // And in time: what the policy lets go is gone by the next sweep (promises-retention-owed.ts).
  return [...out, ...checkRetentionOwed(view, ctx)];
}

/** Index of the oldest completion the policy keeps among those completed by `now` (indices below `hi`); 0 without a policy. */
function keptFrom(sorted: readonly Done[], hi: number, now: number, ctx: CheckContext): number {
  const policy = ctx.retention;
  if (policy === undefined) return 0;
  let from = 0;
  if (policy.maxAgeMs !== undefined) from = firstAtLeast(sorted, now - policy.maxAgeMs);
  // The newest maxCount, ties at the boundary together: kept if no more than maxCount completed at or after it.
  const boundary = policy.maxCount === undefined ? undefined : sorted[hi - policy.maxCount - 1];
  if (boundary !== undefined) from = Math.max(from, firstAbove(sorted, boundary.t));
  return from;
}

/** First index whose completion is at or after t (binary search). */
function firstAtLeast(sorted: readonly Done[], t: number): number {
  return firstWhere(sorted, (x) => x >= t);
}

/** First index whose completion is after t (binary search). */
function firstAbove(sorted: readonly Done[], t: number): number {
  return firstWhere(sorted, (x) => x > t);
}

/** First index whose completion time satisfies `past` (monotone over the sorted order), by binary search. */
function firstWhere(sorted: readonly Done[], past: (t: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (!past(sorted[mid]?.t ?? Infinity)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pruneViolation(view: HistoryView, p: Ev<'pruned'>, owed: readonly Done[], live: number, ctx: CheckContext): Violation {
  // Named as before the sweep: the first owed in the view's execution order.
  const { id, t } = owed.reduce((a, b) => (b.order < a.order ? b : a));
  const policy = ctx.retention === undefined ? 'no retention policy' : `retention ${JSON.stringify(ctx.retention)}`;
  return violation(
    view.records,
    'retention',
    `a prune before t=${p.ev.completedBefore} forgot ${owed.length} execution(s) the policy keeps (${policy}; ${live} terminal then), e.g. ${id}, completed at t=${t}`,
    { index: p.rec.index, executionId: id },
  );
}

function keptViolation(view: HistoryView, p: Ev<'pruned'>, kept: readonly Done[], ctx: CheckContext): Violation {
  const { id, t } = kept.reduce((a, b) => (b.order < a.order ? b : a));
  return violation(
    view.records,
    'retention',
    `a prune at t=${p.rec.time} (before t=${p.ev.completedBefore}) kept ${kept.length} execution(s) the policy lets go (retention ${JSON.stringify(ctx.retention)}), e.g. ${id}, completed at t=${t}: the policy's limits are not applied`,
    { index: p.rec.index, executionId: id },
  );
}
