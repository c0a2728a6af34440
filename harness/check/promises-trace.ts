/**
 * Promises judged from what the WORKER did, in its own trace (issue 10,
 * docs/DEFECTS.md classes 07, 08, 10, 17), where the coordinator's records
 * stay consistent because some other mechanism heals the damage:
 *  - 6 (checkpoints): the first send of each checkpoint of an attempt
 *    carries a seq above the checkpoint the attempt resumed from
 *    (task_started.checkpointSeq) and above the attempt's previous one. A
 *    worker that numbers from 1 again on resume has every checkpoint refused
 *    as stale, silently: the history shows no backwards step, yet the
 *    attempt's progress is thrown away.
 *  - 12 (acked-not-resent): a lease whose result the worker saw acknowledged
 *    is not listed in a later held-task report (sync). The coordinator would
 *    revoke it as terminal and the worker forget it, so nothing is lost; the
 *    worker still reported as its own work it had handed over.
 *  - 24 (client-control): a cancel or pause that reaches the worker while the
 *    attempt runs aborts it for that reason (task_aborted.reason), and a
 *    paused attempt's result is recorded as `paused`.
 *  - 13 (lease-expiry): the coordinator ends a lease at a sync as "not held"
 *    only if its assign was not still on the way to that worker in that
 *    session (sent, not acknowledged): the sync must count assigns in flight
 *    as held, or the worker runs work whose lease is gone while another
 *    worker redoes it.
 */
import type { CheckContext } from './context.js';
import { parseDurableKey, parseTaskKey } from './promises-acked.js';
import { pendingOf, release, type Pending } from './promises-protocol.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 6. A checkpoint's first send continues above the resumed checkpoint and the attempt's previous one. */
export function checkSentCheckpoints(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  /** Per worker life and lease: the seq the attempt resumed from and the highest seq it sent. */
  const attempts = new Map<string, { resumed: number; last: number | undefined; attempt: number }>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator') continue;
    if (ev.type === 'task_started') {
      attempts.set(`${ev.source}|${view.lifeOf(ev.source, e.rec.index)}|${ev.leaseToken}`, { resumed: ev.checkpointSeq ?? 0, last: undefined, attempt: ev.attempt });
      continue;
    }
    if (ev.type !== 'msg_sent' || ev.dir !== 'to_coordinator' || ev.resend) continue;
    const msg = parseDurableKey(ev.key);
    if (msg?.kind !== 'checkpoint') continue;
    const a = attempts.get(`${ev.source}|${view.lifeOf(ev.source, e.rec.index)}|${msg.leaseToken}`);
    const seq = Number(msg.detail);
    if (a === undefined || !Number.isFinite(seq)) continue;
    const floor = Math.max(a.resumed, a.last ?? 0);
    if (seq <= floor) {
      const why = a.last !== undefined && a.last >= a.resumed ? `its previous checkpoint was ${a.last}` : `it resumed from checkpoint ${a.resumed}`;
      out.push(
        violation(
          view.records,
          'checkpoints',
          `${ev.workerId} sent checkpoint ${seq} of attempt ${a.attempt} (lease ${msg.leaseToken}) as new, though ${why}: seqs must continue above it, or the coordinator refuses them as stale and the attempt's progress is lost`,
          { index: e.rec.index, executionId: msg.executionId, workerId: ev.workerId },
        ),
      );
    }
    a.last = Math.max(a.last ?? 0, seq);
  }
  return out;
}

/** 12. No lease is reported held (sync) after the worker saw its result acknowledged. */
export function checkHeldAfterAck(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const sends = new Map<string, Pending>();
  /** `${worker}|${life}|${leaseToken}` → when the worker saw the result acknowledged (its clock, and the record's time). */
  const ackedAt = new Map<string, { at: number; time: number }>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator') continue;
    const life = `${ev.source}|${view.lifeOf(ev.source, e.rec.index)}`;
    if ((ev.type === 'msg_sent' || ev.type === 'msg_acked') && ev.dir === 'to_coordinator') {
      const p = pendingOf(sends, `${life}|${ev.sessionId}`);
      if (ev.type === 'msg_sent') p.list.push(e as Ev<'msg_sent'>);
      else {
        for (const s of release(p, ev.upTo)) {
          const msg = parseDurableKey(s.ev.key);
          if (msg?.kind === 'result' && !ackedAt.has(`${life}|${msg.leaseToken}`)) ackedAt.set(`${life}|${msg.leaseToken}`, { at: ev.at, time: e.rec.time });
        }
      }
      continue;
    }
    if (ev.type !== 'synced' || ev.reported === undefined || ev.reportedAt === undefined) continue;
    for (const h of ev.reported) {
      const acked = ackedAt.get(`${life}|${h.leaseToken}`);
      if (acked === undefined || acked.at >= ev.reportedAt) continue;
      const builtAt = e.rec.time - (ev.at - ev.reportedAt);
      out.push(
        violation(
          view.records,
          'acked-not-resent',
          `${ev.workerId} reported lease ${h.leaseToken} as ${h.state} in its held-task report (built at t=${builtAt}), though it saw that lease's result acknowledged at t=${acked.time}: an acknowledged result is no longer the worker's to hold`,
          { index: e.rec.index, executionId: h.executionId, workerId: ev.workerId },
        ),
      );
    }
  }
  return out;
}

const ABORT_REASON: Record<string, string> = { cancel: 'cancel', pause: 'pause' };

/** 24. A cancel or pause delivered to the worker running the attempt aborts it for that reason; a paused attempt's result is `paused`. */
export function checkAbortReasons(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = abortsUnasked(view);
  for (const d of view.ofType('msg_delivered')) {
    const ev = d.ev;
    if (ev.source === 'coordinator' || ev.dir !== 'to_worker' || ev.msgType !== 'abort') continue;
    const k = parseTaskKey(ev.key);
    if (k?.kind !== 'abort' || ABORT_REASON[k.detail] === undefined) continue;
    const { executionId, leaseToken, detail: reason } = k;
    const w = ev.source;
    const life = view.lifeOf(w, d.rec.index);
    const events = (view.byExecution.get(executionId) ?? []).filter((x) => x.ev.source === w && 'leaseToken' in x.ev && x.ev.leaseToken === leaseToken && view.lifeOf(w, x.rec.index) === life);
    const stop = events.find((x) => x.ev.type === 'task_aborted' || x.ev.type === 'task_finished');
    if (stop === undefined || stop.rec.index < d.rec.index || stop.ev.type !== 'task_aborted') continue;
    const where = { index: stop.rec.index, executionId, workerId: w };
    if (stop.ev.reason !== reason) {
      out.push(violation(view.records, 'client-control', `${w} received abort "${reason}" for the attempt it ran under lease ${leaseToken} at t=${d.rec.time} and aborted it as "${stop.ev.reason}": a ${reason} must stop the attempt as a ${reason}`, where));
      continue;
    }
    if (reason !== 'pause') continue;
    const recorded = (view.byExecution.get(executionId) ?? []).find((x) => x.ev.type === 'result_recorded' && x.ev.leaseToken === leaseToken);
    if (recorded?.ev.type === 'result_recorded' && recorded.ev.outcome !== 'paused') {
      out.push(violation(view.records, 'client-control', `the attempt ${w} paused under lease ${leaseToken} at t=${stop.rec.time} was recorded as "${recorded.ev.outcome}", not "paused"`, { ...where, index: recorded.rec.index }));
    }
  }
  return out;
}

/**
 * 24, the converse: a worker aborts an attempt as a cancel or a pause only
 * when that abort reached it for that lease; its own stop (a drain that timed
 * out, a shutdown) aborts as `shutdown` and hands the attempt back. Judged for
 * workers whose trace records deliveries (`msg_delivered`; the real worker's
 * always does).
 */
function abortsUnasked(view: HistoryView): Violation[] {
  const told = new Set<string>();
  /** Workers whose trace records what was handed to their logic (else nothing is judged for them). */
  const traced = new Set<string>();
  const out: Violation[] = [];
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.type === 'msg_delivered' && ev.source !== 'coordinator' && ev.dir === 'to_worker') {
      traced.add(ev.source);
      if (ev.msgType === 'abort' && ev.key !== undefined) told.add(`${ev.source} ${ev.key}`);
    }
    if (ev.type !== 'task_aborted' || ABORT_REASON[ev.reason] === undefined || !traced.has(ev.source)) continue;
    if (told.has(`${ev.source} abort:${ev.executionId}/${ev.leaseToken}/${ev.reason}`)) continue;
    out.push(
      violation(view.records, 'client-control', `${ev.source} aborted its attempt under lease ${ev.leaseToken} as "${ev.reason}" at t=${e.rec.time}, though no ${ev.reason} for it reached the worker: a worker that stops on its own aborts as "shutdown" and hands the attempt back`, {
        index: e.rec.index,
        executionId: ev.executionId,
        workerId: ev.source,
      }),
    );
  }
  return out;
}

/**
 * 13. A lease the coordinator ended at a worker's sync as not held
 * (lease_released 'not_held_after_sync') whose assign it had sent to that
 * worker in the session that synced and not seen acknowledged: the assign was
 * still on its way, so the worker could not report it.
 */
export function checkSyncInFlight(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  /** Coordinator side, per `${worker}|${session}`: the last seq of each assign key sent, and the highest ack seen. */
  const assigns = new Map<string, Map<string, { seq: number; time: number }>>();
  const acked = new Map<string, number>();
  const session = new Map<string, string>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'worker_registered') session.set(ev.workerId, `${view.lifeOf('coordinator', e.rec.index)}|${ev.sessionId}`);
    else if (ev.type === 'msg_sent' && ev.dir === 'to_worker' && ev.msgType === 'assign' && ev.key !== undefined) {
      const sk = `${ev.workerId}|${view.lifeOf('coordinator', e.rec.index)}|${ev.sessionId}`;
      const m = assigns.get(sk) ?? new Map<string, { seq: number; time: number }>();
      m.set(ev.key, { seq: ev.seq, time: e.rec.time });
      assigns.set(sk, m);
    } else if (ev.type === 'msg_acked' && ev.dir === 'to_worker') {
      const sk = `${ev.workerId}|${view.lifeOf('coordinator', e.rec.index)}|${ev.sessionId}`;
      acked.set(sk, Math.max(acked.get(sk) ?? 0, ev.upTo));
    } else if (ev.type === 'lease_released' && ev.reason === 'not_held_after_sync') {
      const current = session.get(ev.workerId);
      if (current === undefined || !current.startsWith(`${view.lifeOf('coordinator', e.rec.index)}|`)) continue;
      const sk = `${ev.workerId}|${current}`;
      const sent = assigns.get(sk)?.get(`assign:${ev.executionId}/${ev.leaseToken}`);
      if (sent === undefined || sent.seq <= (acked.get(sk) ?? 0)) continue;
      out.push(
        violation(
          view.records,
          'lease-expiry',
          `lease ${ev.leaseToken} was ended at ${ev.workerId}'s sync as not held (t=${e.rec.time}), though its assign (seq ${sent.seq}, sent at t=${sent.time}) was still unacknowledged in that session: an assign in flight counts as held, or the worker runs work whose lease is gone`,
          { index: e.rec.index, executionId: ev.executionId, workerId: ev.workerId },
        ),
      );
    }
  }
  return out;
}
