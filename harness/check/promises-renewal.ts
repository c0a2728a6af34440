/**
 * 12, renewal (lease-expiry): every frame from a registered worker renews its
 * leases, at most once per heartbeatMs/2 (docs/PROTOCOL.md, Leases). So when
 * the coordinator took a message about lease L from L's holder at time m,
 * L was renewed at m - heartbeatMs/2 or later, and cannot expire before
 * m + leaseMs - heartbeatMs/2. An earlier expiry means renewal lapsed while
 * the holder was talking (issue 10, blind set 8 #19: renewal throttled to
 * leaseMs/2). Not judged across what legitimately changes a lease's expiry:
 * a coordinator restart, kill, pause or clock skew, or a store failure or
 * reload, anywhere in the lease's life.
 */
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** When the coordinator last took a reliable message about each lease from that lease's holder (by token). */
function lastHeard(view: HistoryView): Map<string, { time: number; index: number }[]> {
  const heard = new Map<string, { time: number; index: number }[]>();
  for (const e of view.ofType('msg_delivered')) {
    const { key, dir } = e.ev;
    if (dir !== 'to_coordinator' || key === undefined) continue;
    const token = key.split('/')[1];
    if (token === undefined || token === '') continue;
    const list = heard.get(token) ?? [];
    list.push({ time: e.rec.time, index: e.rec.index });
    heard.set(token, list);
  }
  return heard;
}

/** Whether something that may legitimately move a lease's expiry happened in [from, to] (`storeAt`: record indexes of store failures and recoveries). */
function expiryMayMove(view: HistoryView, storeAt: readonly number[], from: number, fromIndex: number, toIndex: number, to: number): boolean {
  if (view.lifeOf('coordinator', fromIndex) !== view.lifeOf('coordinator', toIndex)) return true;
  const store = storeAt.some((i) => i >= fromIndex && i <= toIndex);
  const process = view.faults.some(
    (f) => affectsCoordinator(f.details) && ['pause', 'kill', 'restart', 'clock_skew'].includes(String(f.details.action)) && f.start.time <= to && view.faultEnd(f) >= from,
  );
  return store || process;
}

/** 12. A lease does not expire sooner than leaseMs - heartbeatMs/2 after its holder's last message about it. */
export function checkRenewal(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const heard = lastHeard(view);
  const claims = new Map(view.ofType('claimed').map((c) => [c.ev.leaseToken, c]));
  // A lease its holder's sync no longer reports also ends as lease_expired (then released 'not_held_after_sync'): not a timed-out lease.
  const reasons = new Map(view.ofType('lease_released').map((r) => [r.ev.leaseToken, r.ev.reason]));
  const storeAt = [...view.ofType('store_failed'), ...view.ofType('store_recovered')].map((e) => e.rec.index);
  for (const e of view.ofType('lease_expired') as Ev<'lease_expired'>[]) {
    const { leaseToken, workerId, executionId } = e.ev;
    const claim = claims.get(leaseToken);
    const m = (heard.get(leaseToken) ?? []).filter((h) => h.index < e.rec.index).at(-1);
    if (claim === undefined || m === undefined || (reasons.get(leaseToken) ?? 'lease_expired') !== 'lease_expired') continue;
    const earliest = m.time + ctx.leaseMs - ctx.heartbeatMs / 2;
    if (e.rec.time + ctx.toleranceMs >= earliest || expiryMayMove(view, storeAt, claim.rec.time, claim.rec.index, e.rec.index, e.rec.time)) continue;
    out.push(
      violation(
        view.records,
        'lease-expiry',
        `lease ${leaseToken} expired at t=${e.rec.time}, though its holder ${workerId} reported on it at t=${m.time}: that traffic renews it until t=${earliest} at the earliest (leaseMs ${ctx.leaseMs} - heartbeatMs/2)`,
        { index: e.rec.index, executionId, workerId },
      ),
    );
  }
  return out;
}
