/**
 * 30. Retention (coordinator.retention; system/engine/retention.ts): the
 * engine forgets terminal executions only as its policy allows. At each
 * `pruned` (cutoff completedBefore, decided at `at`), no terminal execution
 * that completed before the cutoff may still be owed: one completed within
 * maxAgeMs of the decision, and among the newest maxCount terminal executions
 * then (counted with every execution tied with it at the boundary: ties go
 * together, so a few more may go, never fewer). Without a policy nothing is
 * pruned. The final read (promise 3) excuses an execution only when a prune
 * covered its completion. Terminal: the final `completed`, `failed`,
 * `cancelled` or `timeout` of an execution (the decision time of that status).
 */
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import { finalTerminals } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Completion decision time of every execution that ended, by id. */
function completions(view: HistoryView): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, events] of view.byExecution) {
    const end = finalTerminals(events.filter((e) => e.ev.source === 'coordinator'))[0];
    if (end !== undefined) out.set(id, end.ev.at);
  }
  return out;
}

/** Whether a prune covered this completion (the final read may then not know the execution). */
export function prunedAway(view: HistoryView, completedAt: number | undefined): boolean {
  return completedAt !== undefined && view.ofType('pruned').some((p) => p.ev.source === 'coordinator' && p.ev.at >= completedAt && completedAt < p.ev.completedBefore);
}

/** 30. Each prune forgets only what the retention policy lets go. */
export function checkRetention(view: HistoryView, ctx: CheckContext): Violation[] {
  const done = completions(view);
  const forgotten = new Set<string>();
  const out: Violation[] = [];
  for (const p of view.ofType('pruned')) {
    if (p.ev.source !== 'coordinator') continue;
    const live = [...done].filter(([id, t]) => t <= p.ev.at && !forgotten.has(id));
    const owed = live.filter(([, t]) => t < p.ev.completedBefore && mustKeep(t, live, p.ev.at, ctx));
    for (const [id, t] of live) if (t < p.ev.completedBefore) forgotten.add(id);
    if (owed.length > 0) out.push(pruneViolation(view, p, owed, live.length, ctx));
  }
  return out;
}

/** Whether the policy keeps an execution completed at t, among `live` terminals, at decision time now. */
function mustKeep(t: number, live: readonly [string, number][], now: number, ctx: CheckContext): boolean {
  const policy = ctx.retention;
  if (policy === undefined) return true;
  if (policy.maxAgeMs !== undefined && t < now - policy.maxAgeMs) return false;
  if (policy.maxCount !== undefined && live.filter(([, u]) => u >= t).length > policy.maxCount) return false;
  return true;
}

function pruneViolation(view: HistoryView, p: Ev<'pruned'>, owed: [string, number][], live: number, ctx: CheckContext): Violation {
  const [id, t] = owed[0] as [string, number];
  const policy = ctx.retention === undefined ? 'no retention policy' : `retention ${JSON.stringify(ctx.retention)}`;
  return violation(
    view.records,
    'retention',
    `a prune before t=${p.ev.completedBefore} forgot ${owed.length} execution(s) the policy keeps (${policy}; ${live} terminal then), e.g. ${id}, completed at t=${t}`,
    { index: p.rec.index, executionId: id },
  );
}
