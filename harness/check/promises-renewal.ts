/**
 * 12, renewal (lease-expiry): every frame from a registered worker renews its
 * leases, at most once per heartbeatMs/2 (docs/PROTOCOL.md, Leases), and a
 * sync that confirms a lease renews it. So when the coordinator took a
 * proof of life of lease L's holder at time m, L was renewed at
 * m - heartbeatMs/2 or later, and cannot expire before
 * m + leaseMs - heartbeatMs/2. An earlier expiry means renewal lapsed while
 * the holder was talking (issue 10, blind set 8 #19: renewal throttled to
 * leaseMs/2; blind set 11 #07: a sync confirming a lease a store reload
 * brought back, unconfirmed, left its old deadline).
 *
 * Proofs of life: a reliable message about L from its holder (by key), a
 * sync of the holder that confirmed L (`sync_answered`), and, once L is in a
 * known state, anything the coordinator took from the holder's worker id
 * (a reliable message, a registration, a pong's round-trip sample). Known
 * state: from L's claim, or from its latest confirming sync. Not judged
 * across what legitimately changes a lease's expiry between that anchor and
 * the expiry: a coordinator restart, kill, pause or clock skew, or a store
 * failure or reload (a reload leaves a lease memory had ended unconfirmed:
 * traffic does not renew it until a sync confirms it).
 */
import type { CheckContext } from './context.js';
import { CoordinatorOffsets } from './coordinator-offsets.js';
import type { Ev, HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A moment the coordinator took something from a lease's holder. */
interface Proof {
  time: number;
  index: number;
  /** A sync that confirmed the lease (an anchor), rather than traffic. */
  confirms: boolean;
}

/** Per lease token: reliable messages about it (by key) and syncs that confirmed it. */
function leaseProofs(view: HistoryView): Map<string, Proof[]> {
  const proofs = new Map<string, Proof[]>();
  const add = (token: string, p: Proof): void => {
    const list = proofs.get(token) ?? [];
    list.push(p);
    proofs.set(token, list);
  };
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'sync_answered') for (const token of ev.confirmed) add(token, { time: e.rec.time, index: e.rec.index, confirms: true });
    if (ev.type !== 'msg_delivered' || ev.dir !== 'to_coordinator' || ev.key === undefined) continue;
    const token = ev.key.split('/')[1];
    if (token !== undefined && token !== '') add(token, { time: e.rec.time, index: e.rec.index, confirms: false });
  }
  return proofs;
}

/** Per worker id: when the coordinator took anything from it (reliable message, registration, pong sample). */
function workerTraffic(view: HistoryView): Map<string, Proof[]> {
  const out = new Map<string, Proof[]>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    const taken =
      (ev.type === 'msg_delivered' && ev.dir === 'to_coordinator') || ev.type === 'worker_registered' || (ev.type === 'rtt_sampled' && ev.side === 'coordinator');
    if (!taken) continue;
    const list = out.get(ev.workerId) ?? [];
    list.push({ time: e.rec.time, index: e.rec.index, confirms: false });
    out.set(ev.workerId, list);
  }
  return out;
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

/** The latest proof of life of the holder before the expiry decided at `before` (record time), counted from `anchor` (its claim or latest confirming sync). */
function lastProof(own: readonly Proof[], traffic: readonly Proof[], anchor: Proof, before: number): Proof | undefined {
  const about = own.filter((p) => p.time < before).at(-1);
  const any = traffic.filter((p) => p.index > anchor.index && p.time < before).at(-1);
  if (about === undefined) return any;
  return any === undefined || any.index < about.index ? about : any;
}

/** 12. A lease does not expire sooner than leaseMs - heartbeatMs/2 after its holder's last proof of life (see the file header). */
export function checkRenewal(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const proofs = leaseProofs(view);
  const traffic = workerTraffic(view);
  const claims = new Map(view.ofType('claimed').map((c) => [c.ev.leaseToken, c]));
  // A lease its holder's sync no longer reports also ends as lease_expired (then released 'not_held_after_sync'): not a timed-out lease.
  const reasons = new Map(view.ofType('lease_released').map((r) => [r.ev.leaseToken, r.ev.reason]));
  const storeAt = [...view.ofType('store_failed'), ...view.ofType('store_recovered')].map((e) => e.rec.index);
  const offsets = new CoordinatorOffsets(view);
  for (const e of view.ofType('lease_expired') as Ev<'lease_expired'>[]) {
    const { leaseToken, workerId, executionId } = e.ev;
    const claim = claims.get(leaseToken);
    if (claim === undefined || (reasons.get(leaseToken) ?? 'lease_expired') !== 'lease_expired') continue;
    // Decided at `at` (the sweep), recorded at its commit: traffic in between came after the expiry.
    const decided = Math.min(e.rec.time, e.ev.at + (offsets.offset(e.rec.index) ?? e.rec.time - e.ev.at));
    const own = (proofs.get(leaseToken) ?? []).filter((p) => p.index < e.rec.index);
    const anchor = own.filter((p) => p.confirms && p.time < decided && p.index > claim.rec.index).at(-1) ?? { time: claim.rec.time, index: claim.rec.index, confirms: false };
    const m = lastProof(own, traffic.get(workerId) ?? [], anchor, decided);
    if (m === undefined) continue;
    const earliest = m.time + ctx.leaseMs - ctx.heartbeatMs / 2;
    if (decided + ctx.toleranceMs >= earliest || expiryMayMove(view, storeAt, anchor.time, anchor.index, e.rec.index, e.rec.time)) continue;
    const about = own.some((p) => p.index === m.index);
    const what = m.confirms ? `its holder ${workerId}'s sync confirmed it at t=${m.time}: that sync` : `its holder ${workerId} ${about ? 'reported on it' : 'was heard from'} at t=${m.time}: that traffic`;
    out.push(
      violation(
        view.records,
        'lease-expiry',
        `lease ${leaseToken} expired at t=${decided}, though ${what} renews it until t=${earliest} at the earliest (leaseMs ${ctx.leaseMs} - heartbeatMs/2)`,
        { index: e.rec.index, executionId, workerId },
      ),
    );
  }
  return out;
}
