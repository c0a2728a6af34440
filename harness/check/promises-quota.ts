/**
 * 29 (API contract), the client quota: with `maxPendingPerClient` (README,
 * "Quotas"), a submission that would take a client past that many unfinished
 * executions is refused 429 rate_limited, and a batch or graph counts each
 * execution it creates. So the client's acknowledged executions that are not
 * yet terminal never exceed the quota: judged at each acknowledgement (the
 * simulated client is one client: it sends no x-squall-client header, and
 * every request comes from one address). An execution counts from its
 * submission's acknowledgement until a terminal status was decided (the
 * status event's decision time, as the coordinator's own count sees it).
 * Judged up to the first coordinator crash or restart: the quota's counts
 * live in memory (system/coordinator/client-quota.ts), so a restart forgets
 * them, which this rule does not hold against it.
 *
 * The other side of the quota: a refusal (429 rate_limited) must be
 * deserved. A submission refused while the client could hold at most U
 * unfinished executions, where U + its own count is within the quota, is a
 * quota that leaked slots (a failed submission that never gave its
 * reservation back, a count that missed a terminal status). U is an upper
 * bound of what the coordinator could have counted when it decided: every
 * execution acknowledged by the refusal's answer and not terminal at its
 * request, plus every other submission still open at its request (its
 * answer came later, or never, or it failed later: a reservation held
 * meanwhile). A submission that failed before the request holds nothing.
 * This side is judged over the whole run, across coordinator restarts: a
 * restarted coordinator's quota counts only what it acknowledged or admitted
 * since, a subset of U, so a refusal within U is a leak in any life (with
 * retention, one that keeps counting executions it pruned and can no longer
 * look up: scenario retention.yaml).
 */
import { type ExecutionStatus, TERMINAL_STATUSES } from '../../system/core/index.js';
import type { CheckContext } from './context.js';
import { coordinatorCrashes } from './promises-state.js';
import { clockOffset, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Each execution's status changes as (decision time on the history's clock, or its record time if earlier; status), in record order. */
function statusChanges(view: HistoryView): Map<string, { at: number; to: ExecutionStatus }[]> {
  const offset = clockOffset(view);
  const out = new Map<string, { at: number; to: ExecutionStatus }[]>();
  for (const { rec, ev } of view.events) {
    if (ev.type !== 'status' || ev.source !== 'coordinator') continue;
    const list = out.get(ev.executionId) ?? [];
    list.push({ at: Math.min(ev.at + offset, rec.time), to: ev.to });
    out.set(ev.executionId, list);
  }
  return out;
}

/** Whether the execution's last status decided by t (record order breaks ties: an interim `failed` then `retrying`) is terminal. */
function finishedBy(changes: readonly { at: number; to: ExecutionStatus }[] | undefined, t: number): boolean {
  let last: ExecutionStatus | undefined;
  for (const c of changes ?? []) if (c.at <= t) last = c.to;
  return last !== undefined && TERMINAL_STATUSES.has(last);
}

/** Acknowledgements past the quota, and refusals within it. */
export function checkClientQuota(view: HistoryView, ctx: CheckContext): Violation[] {
  return [...quotaExceeded(view, ctx), ...refusedWithinQuota(view, ctx)];
}

/** Acknowledgements after which the client held more unfinished executions than its quota. */
function quotaExceeded(view: HistoryView, ctx: CheckContext): Violation[] {
  const quota = ctx.maxPendingPerClient;
  if (quota === undefined) return [];
  const end = coordinatorCrashes(view)[0]?.index ?? Infinity;
  const changes = statusChanges(view);
  const acked = new Set<string>();
  const out: Violation[] = [];
  for (const rec of view.records) {
    if (rec.index >= end) break;
    if (rec.f !== 'submit' || rec.type !== 'ok' || !Array.isArray(rec.value.executionIds)) continue;
    const ids = rec.value.executionIds.filter((x): x is string => typeof x === 'string');
    for (const id of ids) acked.add(id);
    const unfinished = [...acked].filter((id) => !finishedBy(changes.get(id), rec.time));
    if (unfinished.length <= quota) continue;
    const what = ids.length === 1 ? 'a submission of 1 execution' : `a submission of ${ids.length} executions (a batch or graph counts each)`;
    out.push(
      violation(
        view.records,
        'api-contract',
        `${what} acknowledged at t=${rec.time} left the client with ${unfinished.length} unfinished executions, past its quota of ${quota} (maxPendingPerClient): it must have been refused 429 rate_limited`,
        { index: rec.index },
      ),
    );
  }
  return out;
}

/** How many executions a submission asked for (its invoke's `tasks`). */
function askedFor(view: HistoryView, invokeIndex: unknown): number {
  const tasks = typeof invokeIndex === 'number' ? view.records[invokeIndex]?.value.tasks : undefined;
  return Array.isArray(tasks) ? tasks.length : 0;
}

/** 429 rate_limited refusals answered while the client's possible holdings plus the submission fit the quota. */
function refusedWithinQuota(view: HistoryView, ctx: CheckContext): Violation[] {
  const quota = ctx.maxPendingPerClient;
  if (quota === undefined) return [];
  const changes = statusChanges(view);
  const submits = view.records.filter((r) => r.f === 'submit');
  const answerOf = new Map(submits.filter((r) => r.type !== 'invoke').map((r) => [r.value.invoke as number, r]));
  const out: Violation[] = [];
  for (const refusal of submits) {
    const error = refusal.value.error as { code?: string } | undefined;
    if (refusal.type !== 'fail' || error?.code !== 'rate_limited') continue;
    const asked = view.records[refusal.value.invoke as number];
    if (asked === undefined) continue;
    let held = 0;
    for (const s of submits) {
      if (s.type !== 'invoke' || s.index === asked.index || s.index > refusal.index) continue;
      const answer = answerOf.get(s.index);
      if (answer?.type === 'ok' && answer.index < refusal.index && Array.isArray(answer.value.executionIds)) {
        held += answer.value.executionIds.filter((id) => typeof id === 'string' && !finishedBy(changes.get(id), asked.time)).length;
      } else if (answer === undefined || answer.index > asked.index) {
        held += askedFor(view, s.index);
      }
    }
    const n = askedFor(view, asked.index);
    if (held + n > quota) continue;
    out.push(
      violation(
        view.records,
        'api-contract',
        `a submission of ${n} execution(s) was refused 429 rate_limited at t=${refusal.time} though the client held at most ${held} unfinished or pending executions when it asked (t=${asked.time}): ${held} + ${n} is within its quota of ${quota} (maxPendingPerClient), so the quota counted slots it should have given back`,
        { index: refusal.index },
      ),
    );
  }
  return out;
}
