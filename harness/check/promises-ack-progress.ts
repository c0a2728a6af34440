/**
 * 11. Reliable delivery, the acknowledging side (blind set 12 #12): the
 * coordinator's cumulative ack (system/coordinator/session.ts) advances over
 * every worker message it committed, in seq order, however the commits came
 * back (several may complete ahead of an earlier one). So by the end of the
 * run, on each worker's last connection, still up, the worker has seen an ack
 * (its `msg_acked` to_coordinator) covering every seq the coordinator handed
 * over (`msg_delivered`) in that session more than `settleMs` before the end:
 * an ack that stalls behind messages it already committed leaves them in the
 * worker's outbox for good (re-sent at every resume, held results, a drain
 * that never ends), and nothing else notices, because their effect committed.
 * Judged within one life of each process: a crash ends the session.
 */
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** How long before the end of the run a delivered message must have been for its ack to be due. */
const SETTLE_MS = 3_000;

/** The worker's last registration, if its connection is still up at the end and no process fault came after it. */
function lastLiveRegistration(view: HistoryView, w: string): Ev<'worker_registered'> | undefined {
  let last: Ev<'worker_registered'> | undefined;
  let closed = false;
  for (const e of view.byWorker.get(w) ?? []) {
    if (e.ev.source !== 'coordinator') continue;
    if (e.ev.type === 'worker_registered') [last, closed] = [e as Ev<'worker_registered'>, false];
    else if (e.ev.type === 'worker_disconnected' && e.ev.connectionId === last?.ev.connectionId) closed = true;
  }
  if (last === undefined || closed) return undefined;
  if (view.processFaultOn(w, last.rec.time, view.endAt) || view.processFaultOn('coordinator', last.rec.time, view.endAt)) return undefined;
  return last;
}

/** 11. Every worker message the coordinator handed over (and so committed) is acknowledged while the link holds. */
export function checkAckProgress(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const w of view.byWorker.keys()) {
    const reg = lastLiveRegistration(view, w);
    if (reg === undefined) continue;
    const session = reg.ev.sessionId;
    const life = view.lifeOf('coordinator', reg.rec.index);
    let delivered: Ev<'msg_delivered'> | undefined;
    let acked = 0;
    for (const e of view.byWorker.get(w) ?? []) {
      const ev = e.ev;
      if ((ev.type !== 'msg_delivered' && ev.type !== 'msg_acked') || ev.dir !== 'to_coordinator' || ev.sessionId !== session) continue;
      if (ev.type === 'msg_acked') {
        if (ev.source === w) acked = Math.max(acked, ev.upTo);
      } else if (ev.source === 'coordinator' && view.lifeOf('coordinator', e.rec.index) === life && e.rec.time <= view.endAt - SETTLE_MS) {
        if (delivered === undefined || ev.seq > delivered.ev.seq) delivered = e as Ev<'msg_delivered'>;
      }
    }
    if (delivered === undefined || acked >= delivered.ev.seq) continue;
    const d = delivered;
    out.push(
      violation(
        view.records,
        'delivery',
        `${w} session ${session}: the coordinator handed over seq ${d.ev.seq} (${d.ev.msgType}) at t=${d.rec.time}, but by the end of the run (t=${view.endAt}, the link still up) ${w} had seen acks only up to seq ${acked}: the cumulative ack stalled behind messages already committed`,
        { index: d.rec.index, workerId: w },
      ),
    );
  }
  return out;
}
