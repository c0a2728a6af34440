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

/** Acknowledgements after which the client held more unfinished executions than its quota. */
export function checkClientQuota(view: HistoryView, ctx: CheckContext): Violation[] {
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
