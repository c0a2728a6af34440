/**
 * Leases and the workers that hold them (docs/PROTOCOL.md "Leases, fencing"):
 *  13. a lease expires only when its holder really went silent: an expiry
 *      while the holder stayed registered and nothing touched its link or
 *      either process for a lease period is a violation, not weather;
 *  14. after faults stop, work held by a connected worker finishes without
 *      waiting for its lease to expire (the holder's sync confirms or
 *      revokes it; it never just times out);
 *  15. a worker's result for a live lease is recorded, not redone.
 * The coordinator's view of a holder's connection comes from
 * worker_registered / worker_replaced / worker_disconnected / worker_lost.
 */
import type { CheckContext } from './context.js';
import { CoordinatorOffsets } from './coordinator-offsets.js';
import { STORAGE_ACTIONS } from './storage-actions.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** Per worker, the spans [from, to) in which the coordinator held a registered connection for it. */
export function registeredSpans(view: HistoryView): Map<string, { from: number; to: number }[]> {
  const out = new Map<string, { from: number; to: number }[]>();
  const open = new Map<string, { conns: Set<string>; from: number }>();
  const close = (w: string, at: number): void => {
    const o = open.get(w);
    if (o === undefined) return;
    open.delete(w);
    const list = out.get(w) ?? [];
    list.push({ from: o.from, to: at });
    out.set(w, list);
  };
  const crashes = view.faults.filter((f) => (f.details.action === 'kill' || f.details.action === 'restart') && (f.details.coordinator ?? f.details.target === 'coordinator'));
  let ci = 0;
  for (const { rec, ev } of view.events) {
    for (; ci < crashes.length && (crashes[ci]?.start.index ?? Infinity) < rec.index; ci++) for (const w of [...open.keys()]) close(w, crashes[ci]?.start.time ?? rec.time);
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'worker_registered') {
      const o = open.get(ev.workerId) ?? { conns: new Set<string>(), from: rec.time };
      o.conns.add(ev.connectionId);
      open.set(ev.workerId, o);
    } else if (ev.type === 'worker_replaced') {
      open.get(ev.workerId)?.conns.delete(ev.oldConnectionId);
      open.get(ev.workerId)?.conns.add(ev.newConnectionId);
    } else if (ev.type === 'worker_disconnected' || ev.type === 'worker_lost') {
      const o = open.get(ev.workerId);
      if (ev.type === 'worker_disconnected') o?.conns.delete(ev.connectionId);
      if (o !== undefined && (ev.type === 'worker_lost' || o.conns.size === 0)) close(ev.workerId, rec.time);
    }
  }
  for (const w of [...open.keys()]) close(w, Infinity);
  return out;
}

/** Whether `w` was registered throughout [from, to]. */
function registeredThroughout(spans: Map<string, { from: number; to: number }[]>, w: string, from: number, to: number): boolean {
  return (spans.get(w) ?? []).some((s) => s.from <= from && s.to > to);
}

/**
 * 13 and 14: every lease expiry is judged. Its holder stayed registered for
 * the whole lease period before it and no fault touched the holder, its link
 * or the coordinator in that period (plus a heartbeat timeout): 13. After
 * heal, the holder was registered when its lease expired: 14. A storage
 * fault alone does not excuse an expiry of an attempt its holder was still
 * running (by the worker's trace) while registered throughout: heartbeats
 * renew leases in memory while the store fails, and a reload keeps what they
 * earned (13, blind set 9 #08). That one reads when the expiry was decided
 * from record times, so it is not judged where they are receive times (live).
 */
export function checkLeaseExpiry(view: HistoryView, ctx: CheckContext): Violation[] {
  return judgeExpiries(view, ctx).filter((v) => v.promise.name === 'lease-expiry');
}

/**
 * 14, see checkLeaseExpiry; and a holder that restarted (its new life cannot
 * hold the lease) and registered again must see the lease end at its sync,
 * within two heartbeats and the tolerance, not be renewed by its heartbeats
 * forever. A fault already over when it registered (its stop recorded
 * before the registration, perhaps in the same ms: a worker restarted by a
 * kill's end registers within it on the 0-RTT register) excuses nothing.
 */
export function checkPromptCompletion(view: HistoryView, ctx: CheckContext): Violation[] {
  const out = judgeExpiries(view, ctx).filter((v) => v.promise.name === 'prompt-completion');
  const bound = 2 * ctx.heartbeatMs + ctx.toleranceMs;
  const ended = new Map<string, number>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator' && (ev.type === 'lease_expired' || ev.type === 'lease_released' || ev.type === 'result_recorded') && !ended.has(ev.leaseToken)) ended.set(ev.leaseToken, e.rec.time);
  }
  const registrations = view.ofType('worker_registered');
  for (const c of view.ofType('claimed')) {
    const { workerId: w, leaseToken, executionId } = c.ev;
    const until = ended.get(leaseToken) ?? Infinity;
    if (view.lifeOf(w, view.records.length) === view.lifeOf(w, c.rec.index)) continue;
    const back = registrations.find(
      (r) => r.ev.workerId === w && r.rec.index > c.rec.index && view.lifeOf(w, r.rec.index) > view.lifeOf(w, c.rec.index) && view.lifeOf('coordinator', r.rec.index) === view.lifeOf('coordinator', c.rec.index),
    );
    if (back === undefined || back.rec.time + bound >= Math.min(until, view.endAt) || view.anyFaultOn(w, back.rec.time, back.rec.time + bound, [], back.rec.index)) continue;
    out.push(
      violation(
        view.records,
        'prompt-completion',
        `${w} restarted after taking lease ${leaseToken} and registered again at t=${back.rec.time}, yet the lease was still held ${bound} ms later (${until === Infinity ? 'to the end' : `until t=${until}`}): its sync must give the work back at once`,
        { index: back.rec.index, executionId, workerId: w },
      ),
    );
  }
  return out;
}

function judgeExpiries(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const spans = registeredSpans(view);
  const healAt = ctx.healAt ?? view.healAt;
  const window = ctx.leaseMs + ctx.heartbeatTimeoutMs + ctx.heartbeatMs + ctx.toleranceMs;
  // The engine also ends a lease the holder no longer reports at its sync (lease_expired, then
  // lease_released 'not_held_after_sync'): that is the prompt path, not a timed-out lease.
  const reasons = new Map(view.ofType('lease_released').map((r) => [r.ev.leaseToken, r.ev.reason]));
  const offsets = new CoordinatorOffsets(view);
  for (const e of view.ofType('lease_expired')) {
    const { workerId: w, executionId, leaseToken } = e.ev;
    if ((reasons.get(leaseToken) ?? 'lease_expired') !== 'lease_expired') continue;
    const t = e.rec.time;
    const where = { index: e.rec.index, executionId, workerId: w };
    const quiet = !view.anyFaultOn(w, t - window, t);
    if (quiet && registeredThroughout(spans, w, t - ctx.leaseMs - ctx.toleranceMs, t)) {
      out.push(
        violation(
          view.records,
          'lease-expiry',
          `lease ${leaseToken} expired at t=${t} though its holder ${w} stayed connected for the whole lease period (${ctx.leaseMs} ms) and no fault touched it: leases must be renewed by the holder's traffic`,
          where,
        ),
      );
    } else if (!quiet && ctx.receivedTimes !== true && runningAtDecision(view, offsets, e) && registeredThroughout(spans, w, t - ctx.leaseMs - ctx.toleranceMs, t) && !view.anyFaultOn(w, t - window, t, STORAGE_ACTIONS)) {
      out.push(
        violation(
          view.records,
          'lease-expiry',
          `lease ${leaseToken} expired at t=${t} while its holder ${w} was running the attempt and stayed connected for the whole lease period (${ctx.leaseMs} ms); only a storage fault came near it, and a store outage does not stop heartbeats: a lease that survived the store's recovery must go on being renewed`,
          where,
        ),
      );
    } else if (healAt !== undefined && t > healAt && registeredThroughout(spans, w, t - ctx.toleranceMs, t) && !view.anyFaultOn(w, t - ctx.toleranceMs, t)) {
      // Registered for the tolerance before: an expiry is recorded when its commit lands, so one the
      // engine decided while the holder was still away may be recorded just after the holder's sync.
      out.push(
        violation(
          view.records,
          'prompt-completion',
          `after heal (t=${healAt}) lease ${leaseToken} expired at t=${t} while its holder ${w} was connected: its sync must confirm (and renew) or revoke it, not leave it to time out`,
          where,
        ),
      );
    }
  }
  return out;
}

/**
 * Whether the expired lease's holder, by its own trace, was running the
 * attempt when the coordinator decided the expiry (its `at`): started it and
 * had not finished or aborted it before (the abort the expiry sent comes after),
 * in the life it still lived then (a restart ends every attempt it ran).
 */
function runningAtDecision(view: HistoryView, offsets: CoordinatorOffsets, e: Ev<'lease_expired'>): boolean {
  const { workerId: w, leaseToken } = e.ev;
  const offset = offsets.offset(e.rec.index);
  if (offset === undefined) return false;
  const decided = e.ev.at + offset;
  let running = false;
  let started = -1;
  let last = -1;
  for (const x of view.byWorker.get(w) ?? []) {
    if (x.rec.index >= e.rec.index || x.rec.time >= decided) break;
    last = x.rec.index;
    if (x.ev.source !== w || !('leaseToken' in x.ev) || x.ev.leaseToken !== leaseToken) continue;
    if (x.ev.type === 'task_started') running = true;
    else if (x.ev.type === 'task_finished' || x.ev.type === 'task_aborted') running = false;
    if (x.ev.type === 'task_started') started = x.rec.index;
  }
  // A restart since the start ended the attempt with the process that ran it (no task_finished is written).
  return running && view.lifeOf(w, started) === view.lifeOf(w, last);
}

/**
 * 15. A worker finished an attempt (completed or failed) while its lease was
 * live; after that it registered again (or its link stayed healthy) and nothing touched
 * it, yet its lease ended by expiry or revocation without the result being
 * recorded: the result was lost and the work will be redone.
 */
export function checkResultRecorded(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const offsets = new CoordinatorOffsets(view);
  const ended = new Map<string, Ev>();
  const recorded = new Set<string>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'result_recorded') recorded.add(ev.leaseToken);
    if ((ev.type === 'lease_expired' || ev.type === 'lease_released') && !ended.has(ev.leaseToken)) ended.set(ev.leaseToken, e);
  }
  for (const f of view.ofType('task_finished')) {
    const { workerId: w, leaseToken, executionId, outcome } = f.ev;
    if ((outcome !== 'completed' && outcome !== 'failed') || recorded.has(leaseToken)) continue;
    const end = ended.get(leaseToken);
    if (end === undefined || end.rec.index < f.rec.index) continue;
    if (end.ev.type === 'lease_released' && end.ev.reason === outcome) continue;
    if (end.ev.type === 'lease_released' && !/expired|revoked|superseded|lost|not_held/.test(end.ev.reason)) continue;
    if (view.processFaultOn(w, f.rec.time, end.rec.time) || view.processFaultOn('coordinator', f.rec.time, end.rec.time)) continue;
    // The worker registered again after finishing (and could re-send), and nothing touched it since.
    const synced = (view.byWorker.get(w) ?? []).find(
      (x) => x.ev.source === w && x.ev.type === 'connected' && x.rec.index > f.rec.index && x.rec.index < end.rec.index && !view.anyFaultOn(w, x.rec.time, end.rec.time, ['clock_skew']),
    );
    if (synced === undefined && (view.anyFaultOn(w, f.rec.time, end.rec.time + ctx.toleranceMs) || !connectedAt(view, w, f.rec.index))) continue;
    if (synced !== undefined && end.ev.type === 'lease_expired' && !registeredBeforeDecision(view, offsets, w, f, end as Ev<'lease_expired'>)) continue;
    out.push(
      violation(
        view.records,
        'result-recorded',
        `${w} finished attempt ${f.ev.attempt} (${outcome}) under live lease ${leaseToken} at t=${f.rec.time}, ${synced === undefined ? 'on a healthy link' : `registered again at t=${synced.rec.time}`}, yet the lease ${end.ev.type === 'lease_expired' ? 'expired' : `was released (${end.ev.type === 'lease_released' ? end.ev.reason : ''})`} at t=${end.rec.time} with no result recorded: the work is redone`,
        { index: end.rec.index, executionId, workerId: w },
      ),
    );
  }
  return out;
}

/**
 * Whether the coordinator registered w again (after it finished the attempt)
 * strictly before it decided the lease's expiry (the expiry's `at`; its record
 * comes only once committed): a worker back at the very instant its lease ran
 * out, the expiry decided first, came back to a lease already gone.
 */
function registeredBeforeDecision(view: HistoryView, offsets: CoordinatorOffsets, w: string, f: Ev<'task_finished'>, end: Ev<'lease_expired'>): boolean {
  const offset = offsets.offset(end.rec.index);
  if (offset === undefined) return true;
  const decided = end.ev.at + offset;
  return view.ofType('worker_registered').some((r) => r.ev.workerId === w && r.rec.index > f.rec.index && r.rec.index < end.rec.index && r.rec.time < decided);
}

/** Whether worker w's last connection event before record `index` was a `connected` (a worker still reconnecting holds no link to report on). */
function connectedAt(view: HistoryView, w: string, index: number): boolean {
  let connected = false;
  for (const x of view.byWorker.get(w) ?? []) {
    if (x.rec.index >= index) break;
    if (x.ev.source !== w) continue;
    if (x.ev.type === 'connected') connected = true;
    else if (x.ev.type === 'disconnected') connected = false;
  }
  return connected;
}
