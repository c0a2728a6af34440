/**
 * 25. Drain (docs/PROTOCOL.md: `drain`, "no more assignments"). A worker that
 * stops gracefully sends `drain`; once the coordinator has it (its
 * `msg_delivered` of the drain), for as long as that session lasts:
 *  - the worker is given no new work: no `claimed` for it (a claim decided
 *    just before the drain may commit just after, so claims within
 *    `toleranceMs` of the delivery are not judged);
 *  - what it held when it drained ends by its result or by the worker
 *    handing it back (`result_recorded`, `lease_released`), never by a lease
 *    expiry, unless another fault touched it, the drain gave up (its
 *    `timeoutMs`), or the worker was started again before the lease ended.
 * And the worker stops (`stopped`, reason drained, or a stop while disconnected
 * that found nothing to drain) only once every reliable
 * message it sent in that session was acknowledged, and the result of every
 * attempt its process finished was sent (one queued while the link was down
 * counts). A drain that ran out of
 * time (`stopped`, reason "drain timed out") first hands back what still ran:
 * every attempt it aborted for the stop has its `revoked` result sent before
 * the worker stops, unless another fault touched the worker's link.
 * On the worker's side, once it began draining (it sent its `drain`): an
 * assign that reaches it afterwards (one on its way when it drained, or re-sent
 * after a resume) is refused, never started (`task_started`), and handed back
 * with a `revoked` result (PROTOCOL.md `drain`: "assign nothing more"), which a
 * worker that finished its drain (`stopped`, reason drained) has sent. An assign
 * for a lease it already had before the drain is a re-delivery, not new work.
 * The session ends at the worker's next registration in another session, or
 * a coordinator crash (a new session forgets the drain; so does this rule).
 */
import type { CheckContext } from './context.js';
import { parseTaskKey } from './promises-acked.js';
import type { Ev, FaultSpan, HistoryView } from './view.js';
import { affectsCoordinator, affectsWorker } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The drain fault on `w` active at time t, if any (its timeout and when it ended). */
function drainFault(view: HistoryView, w: string, t: number): FaultSpan | undefined {
  return view.faults.find((f) => f.details.action === 'drain' && affectsWorker(f.details, w) && f.start.time <= t && view.faultEnd(f) >= t);
}

/** Index of the record that ends the drain's session: another session registered, or the coordinator crashed. */
function sessionEnd(view: HistoryView, drain: Ev<'msg_delivered'>): number {
  const w = drain.ev.workerId;
  const crash = view.faults.find((f) => (f.details.action === 'kill' || f.details.action === 'restart') && affectsCoordinator(f.details) && f.start.index > drain.rec.index);
  let end = crash?.start.index ?? Infinity;
  for (const e of view.byWorker.get(w) ?? []) {
    if (e.rec.index <= drain.rec.index || e.rec.index >= end) continue;
    if (e.ev.type === 'worker_registered' && e.ev.source === 'coordinator' && e.ev.sessionId !== drain.ev.sessionId) end = e.rec.index;
  }
  return end;
}

/** Leases `w` held when the drain arrived: claimed for it before, not ended by then. */
function heldAt(view: HistoryView, w: string, index: number): Ev<'claimed'>[] {
  const ended = new Set<string>();
  const claims: Ev<'claimed'>[] = [];
  for (const e of view.byWorker.get(w) ?? []) {
    if (e.rec.index >= index || e.ev.source !== 'coordinator') continue;
    if (e.ev.type === 'claimed') claims.push(e as Ev<'claimed'>);
    else if (e.ev.type === 'result_recorded' || e.ev.type === 'lease_released' || e.ev.type === 'lease_expired') ended.add(e.ev.leaseToken);
  }
  return claims.filter((c) => !ended.has(c.ev.leaseToken));
}

/** 25. No new work after a drain; what the drained worker held is finished or handed back. */
export function checkDrain(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const d of view.ofType('msg_delivered')) {
    if (d.ev.source !== 'coordinator' || d.ev.dir !== 'to_coordinator' || d.ev.msgType !== 'drain') continue;
    out.push(...claimedAfterDrain(view, ctx, d), ...expiredAfterDrain(view, d));
  }
  for (const w of view.byWorker.keys()) out.push(...assignsWhileDraining(view, w));
  for (const st of view.ofType('stopped')) {
    if (st.ev.source !== st.ev.workerId) continue;
    if (st.ev.reason === 'drained') out.push(...exitedUnacked(view, st), ...exitedUnsent(view, st));
    if (claimsNothingToDrain(st)) out.push(...exitedUnacked(view, st, 'result'), ...exitedUnsent(view, st));
    if (st.ev.reason === 'drain timed out') out.push(...timedOutWithoutHandBack(view, st));
  }
  return out;
}

/**
 * A graceful stop while the worker is not connected ends at once only when
 * there is nothing to drain (system/worker/worker.ts stop()): nothing runs and
 * no result awaits an ack. Judged like a finished drain: what it sent in its
 * session was acknowledged, and every result it finished was sent (one queued
 * while the link was down included), or the stop dropped it (blind set 12 #21).
 */
function claimsNothingToDrain(st: Ev<'stopped'>): boolean {
  return st.ev.reason.startsWith('stopped while not connected');
}

/**
 * A worker that finished its drain stopped only once the coordinator had
 * acknowledged every reliable message it sent in that session (its results
 * above all): a message still in flight when the process exits is lost with it.
 */
function exitedUnacked(view: HistoryView, st: Ev<'stopped'>, only?: 'result'): Violation[] {
  const w = st.ev.workerId;
  const life = view.lifeOf(w, st.rec.index);
  let session = '';
  let sent = 0;
  let acked = 0;
  for (const e of view.byWorker.get(w) ?? []) {
    if (e.rec.index >= st.rec.index) break;
    const ev = e.ev;
    if (ev.source !== w || view.lifeOf(w, e.rec.index) !== life || (ev.type !== 'msg_sent' && ev.type !== 'msg_acked') || ev.dir !== 'to_coordinator') continue;
    if (ev.sessionId !== session) [session, sent, acked] = [ev.sessionId, 0, 0];
    if (ev.type === 'msg_sent') sent = only === undefined || ev.msgType === only ? Math.max(sent, ev.seq) : sent;
    else acked = Math.max(acked, ev.upTo);
  }
  if (acked >= sent) return [];
  const what = `${only === undefined ? '' : `${only}s up to `}seq ${acked + 1}${sent > acked + 1 ? `..${sent}` : ''}`;
  const how = st.ev.reason === 'drained' ? 'finished its drain' : `stopped (${st.ev.reason})`;
  return [
    violation(view.records, 'drain', `${w} ${how} at t=${st.rec.time} with ${what} of session ${session} unacknowledged: a draining worker waits for the coordinator to acknowledge what it sent`, {
      index: st.rec.index,
      workerId: w,
    }),
  ];
}

/** A drained worker stopped only after sending the result of every attempt its process finished (queued ones included). */
function exitedUnsent(view: HistoryView, st: Ev<'stopped'>): Violation[] {
  const w = st.ev.workerId;
  const life = view.lifeOf(w, st.rec.index);
  const finished = new Map<string, Ev>();
  const sent = new Set<string>();
  for (const e of view.byWorker.get(w) ?? []) {
    if (e.rec.index >= st.rec.index) break;
    const ev = e.ev;
    // A result the coordinator recorded was sent, whatever the trace shows.
    if (ev.type === 'result_recorded' && ev.source === 'coordinator') sent.add(ev.leaseToken);
    if (ev.source !== w || view.lifeOf(w, e.rec.index) !== life) continue;
    if (ev.type === 'task_finished') finished.set(ev.leaseToken, e);
    else if (ev.type === 'msg_sent' && ev.dir === 'to_coordinator' && ev.msgType === 'result') {
      const key = parseTaskKey(ev.key);
      if (key !== undefined) sent.add(key.leaseToken);
    }
  }
  const unsent = [...finished.entries()].filter(([lease]) => !sent.has(lease));
  if (unsent.length === 0) return [];
  const [lease, f] = unsent[0] as [string, Ev];
  return [
    violation(view.records, 'drain', `${w} ${st.ev.reason === 'drained' ? 'finished its drain' : `stopped (${st.ev.reason})`} at t=${st.rec.time} without ever sending the result of lease ${lease} (its attempt ended at t=${f.rec.time}${unsent.length > 1 ? `; ${unsent.length} such` : ''}): a draining worker stops only once what it queued has left`, {
      index: st.rec.index,
      workerId: w,
    }),
  ];
}

function claimedAfterDrain(view: HistoryView, ctx: CheckContext, d: Ev<'msg_delivered'>): Violation[] {
  const w = d.ev.workerId;
  const end = sessionEnd(view, d);
  const claim = (view.byWorker.get(w) ?? []).find(
    (e) => e.ev.type === 'claimed' && e.ev.source === 'coordinator' && e.rec.index > d.rec.index && e.rec.index < end && e.rec.time > d.rec.time + ctx.toleranceMs,
  );
  if (claim === undefined || claim.ev.type !== 'claimed') return [];
  return [
    violation(
      view.records,
      'drain',
      `${w} was given attempt ${claim.ev.attempt} (lease ${claim.ev.leaseToken}) ${claim.rec.time - d.rec.time} ms after its drain was delivered in session ${d.ev.sessionId}: a draining worker gets no new work`,
      { index: claim.rec.index, executionId: claim.ev.executionId, workerId: w },
    ),
  ];
}

function expiredAfterDrain(view: HistoryView, d: Ev<'msg_delivered'>): Violation[] {
  const w = d.ev.workerId;
  const fault = drainFault(view, w, d.rec.time);
  const timeoutMs = typeof fault?.details.params?.timeoutMs === 'number' ? fault.details.params.timeoutMs : 30_000;
  const gaveUpAt = (fault?.start.time ?? d.rec.time) + timeoutMs;
  const restartedAt = fault?.stop?.time ?? (fault === undefined ? Infinity : (view.healAt ?? Infinity));
  const out: Violation[] = [];
  for (const held of heldAt(view, w, d.rec.index)) {
    const expiry = (view.byExecution.get(held.ev.executionId) ?? []).find(
      (e) => e.rec.index > d.rec.index && e.ev.source === 'coordinator' && e.ev.type === 'lease_expired' && e.ev.leaseToken === held.ev.leaseToken,
    );
    if (expiry === undefined) continue;
    const t = expiry.rec.time;
    if (t >= gaveUpAt || t >= restartedAt || view.anyFaultOn(w, d.rec.time, t, ['drain', 'clock_skew'])) continue;
    out.push(
      violation(
        view.records,
        'drain',
        `lease ${held.ev.leaseToken} (attempt ${held.ev.attempt}), held by ${w} when its drain was delivered, expired ${t - d.rec.time} ms later: a draining worker finishes what it holds (or hands it back) before it goes`,
        { index: expiry.rec.index, executionId: held.ev.executionId, workerId: w },
      ),
    );
  }
  return out;
}

/** A drain that timed out aborted what still ran; each of those attempts' results left before the worker stopped. */
function timedOutWithoutHandBack(view: HistoryView, st: Ev<'stopped'>): Violation[] {
  const w = st.ev.workerId;
  const life = view.lifeOf(w, st.rec.index);
  const mine = (view.byWorker.get(w) ?? []).filter((e) => e.rec.index < st.rec.index && e.ev.source === w && view.lifeOf(w, e.rec.index) === life);
  const sent = new Set(mine.flatMap((e) => (e.ev.type === 'msg_sent' && e.ev.msgType === 'result' && e.ev.key !== undefined ? [e.ev.key] : [])));
  const out: Violation[] = [];
  for (const a of mine) {
    if (a.ev.type !== 'task_aborted' || a.ev.reason !== 'shutdown') continue;
    // A hand-back is `revoked` (the work goes back to the queue); `cancelled` answers only a client's cancel.
    if (sent.has(`result:${a.ev.executionId}/${a.ev.leaseToken}/revoked`) || view.anyFaultOn(w, a.rec.time, st.rec.time, ['drain'])) continue;
    out.push(
      violation(view.records, 'drain', `${w} stopped at t=${st.rec.time} after its drain timed out without handing back attempt ${a.ev.attempt} (lease ${a.ev.leaseToken}, a \`revoked\` result) it aborted at t=${a.rec.time}: a drain that gives up hands back what it held`, {
        index: st.rec.index,
        executionId: a.ev.executionId,
        workerId: w,
      }),
    );
  }
  return out;
}

/** `assign:executionId/leaseToken` → its execution and lease (ids hold no `/`). */
function assignOf(key: string | undefined): { executionId: string; leaseToken: string } | undefined {
  if (key?.startsWith('assign:') !== true) return undefined;
  const [executionId, leaseToken] = key.slice('assign:'.length).split('/');
  return executionId === undefined || leaseToken === undefined ? undefined : { executionId, leaseToken };
}

/** Assigns that reached `w` after it began draining (first delivery of a lease it had not had before), per life. */
function assignsAfterDrainBegan(view: HistoryView, w: string): { e: Ev<'msg_delivered'>; executionId: string; leaseToken: string }[] {
  const drainedIn = new Set<number>();
  const seen = new Set<string>();
  const out: { e: Ev<'msg_delivered'>; executionId: string; leaseToken: string }[] = [];
  for (const e of view.byWorker.get(w) ?? []) {
    if (e.ev.source !== w) continue;
    const life = view.lifeOf(w, e.rec.index);
    if (e.ev.type === 'msg_sent' && e.ev.msgType === 'drain') drainedIn.add(life);
    if (e.ev.type !== 'msg_delivered' || e.ev.dir !== 'to_worker') continue;
    const a = assignOf(e.ev.key);
    if (a === undefined || seen.has(`${life}:${a.leaseToken}`)) continue;
    seen.add(`${life}:${a.leaseToken}`);
    if (drainedIn.has(life)) out.push({ e: e as Ev<'msg_delivered'>, ...a });
  }
  return out;
}

/** A draining worker starts no attempt whose assign reached it after its drain began; it hands each back (`revoked`). */
function assignsWhileDraining(view: HistoryView, w: string): Violation[] {
  const mine = (view.byWorker.get(w) ?? []).filter((e) => e.ev.source === w);
  const out: Violation[] = [];
  for (const { e, executionId, leaseToken } of assignsAfterDrainBegan(view, w)) {
    const life = view.lifeOf(w, e.rec.index);
    const later = mine.filter((x) => x.rec.index > e.rec.index && view.lifeOf(w, x.rec.index) === life);
    const started = later.find((x) => x.ev.type === 'task_started' && x.ev.leaseToken === leaseToken);
    const where = { index: e.rec.index, executionId, workerId: w };
    if (started !== undefined) {
      const msg = `${w} started lease ${leaseToken} at t=${started.rec.time}, whose assign reached it at t=${e.rec.time} after it began draining: a draining worker refuses new assignments and hands them back (\`revoked\`)`;
      out.push(violation(view.records, 'drain', msg, { ...where, index: started.rec.index }));
      continue;
    }
    const handedBack = later.some((x) => x.ev.type === 'msg_sent' && x.ev.key === `result:${executionId}/${leaseToken}/revoked`);
    const stopped = later.find((x) => x.ev.type === 'stopped' && x.ev.reason === 'drained');
    if (handedBack || stopped === undefined) continue;
    out.push(violation(view.records, 'drain', `${w} finished its drain at t=${stopped.rec.time} without handing back lease ${leaseToken}, whose assign reached it at t=${e.rec.time} while it drained: a refused assignment goes back as a \`revoked\` result`, where));
  }
  return out;
}
