/**
 * 20. An acknowledged message was committed: a refusal is judged against
 * committed state (blind set 12 #10). The coordinator refuses a worker's
 * result as stale (`result_rejected`, reason stale) when the lease it names
 * is no longer the execution's; it acknowledges the refusal at once, and the
 * worker drops the result for good. The engine judges it only once the
 * change that ended the lease committed (system/engine/core-state.ts
 * `committedState`: the latest persisted transition of that execution), or a
 * crash inside that commit window brings the lease back with its result gone.
 * Every event that ends a lease is emitted only once its transition
 * committed (the engine's deferred events), so in the history a stale
 * refusal of lease L comes after some committed end of L: a `status` of the
 * execution leaving L (to anything but preparing/running), a `claimed` of
 * another lease, or L's `lease_expired`, `lease_released` or
 * `result_recorded`, after L's own `claimed`. A refusal ahead of all of them
 * was judged against a change still in its commit window.
 */
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Whether `e` (after lease `lease`'s claim) is a committed end of that lease. */
function endsLease(e: Ev, lease: string): boolean {
  const ev = e.ev;
  if (ev.source !== 'coordinator') return false;
  switch (ev.type) {
    case 'status':
      return ev.to !== 'preparing' && ev.to !== 'running';
    case 'claimed':
      return ev.leaseToken !== lease;
    case 'lease_expired':
    case 'lease_released':
    case 'result_recorded':
      return ev.leaseToken === lease;
    default:
      return false;
  }
}

/** 20. A stale refusal of a result comes after the committed end of the lease it names. */
export function checkStaleVerdicts(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const r of view.ofType('result_rejected')) {
    if (r.ev.reason !== 'stale' || r.ev.source !== 'coordinator') continue;
    const lease = r.ev.leaseToken;
    let claimed: Ev | undefined;
    let ended = false;
    for (const e of view.byExecution.get(r.ev.executionId) ?? []) {
      if (e.rec.index >= r.rec.index) break;
      if (e.ev.type === 'claimed' && e.ev.source === 'coordinator' && e.ev.leaseToken === lease) [claimed, ended] = [e, false];
      else if (claimed !== undefined && endsLease(e, lease)) ended = true;
    }
    if (claimed === undefined || ended) continue;
    out.push(
      violation(
        view.records,
        'acked-committed',
        `${r.ev.executionId}: the result of lease ${lease} (attempt ${r.ev.attempt}) was refused as stale at t=${r.rec.time}, before any committed end of that lease (claimed at t=${claimed.rec.time}): a refusal judged against a change still in its commit window is acknowledged, and a crash inside that window brings the lease back without its result`,
        { index: r.rec.index, executionId: r.ev.executionId, workerId: r.ev.source },
      ),
    );
  }
  return out;
}
