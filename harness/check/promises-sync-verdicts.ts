/**
 * Promise 13, the sync's verdicts (the converse of checkSyncInFlight in
 * promises-trace.ts, which says an assign in flight counts as held): a
 * sync_result judges only what the worker holds or is about to hold. Each
 * verdict (confirm or revoke) answers one entry of the held-task report, or
 * one assignment still on its way to the worker in that session: an assign
 * the coordinator sent and the worker had not acknowledged, or a claim for
 * the worker still committing. So the verdicts a worker receives
 * (`synced.confirmed + synced.revoked`) never outnumber its report plus
 * those. A claim whose commit failed was rolled back and its assign never
 * sent; one the coordinator still counts as on its way gets a verdict for a
 * lease that no longer exists (blind set 9 #17: a claim that failed to
 * commit stays a pending assignment). A claim whose commit was still on
 * its way at the sync and failed afterwards has no `claimed` record but was
 * rightly counted, so a sync answered while the store was failing, or shortly
 * before it failed (STORE_GRACE_MS), is not judged: the stale entry of the
 * defect stays in every later sync of the session, quiet ones included.
 * After a coordinator restart the recovered engine also holds the leases of
 * claims committed in an earlier life whose assign may never have left: a
 * sync in a later life may judge those too (leases the history shows still
 * open when that life began).
 */
import { push, type Ev, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** How long before a store failure a claim may still have been committing (150 ms commits, slow-disk stalls, BUGGIFY's extra delay). */
const STORE_GRACE_MS = 1000;

/** Per coordinator life, the spans [failed at − grace, recovered at) around each store failure, on the coordinator's clock. */
function storeTrouble(view: HistoryView): { life: number; from: number; to: number }[] {
  const out: { life: number; from: number; to: number }[] = [];
  let open: { life: number; from: number; to: number } | undefined;
  for (const e of view.events) {
    if (e.ev.source !== 'coordinator' || (e.ev.type !== 'store_failed' && e.ev.type !== 'store_recovered')) continue;
    const life = view.lifeOf('coordinator', e.rec.index);
    if (open !== undefined && open.life !== life) open = undefined;
    if (e.ev.type === 'store_failed' && open === undefined) out.push((open = { life, from: e.ev.at - STORE_GRACE_MS, to: Infinity }));
    else if (e.ev.type === 'store_recovered' && open !== undefined) {
      open.to = e.ev.at;
      open = undefined;
    }
  }
  return out;
}

/** The coordinator's side of one session: assign seqs sent, the highest ack seen, the last sync handed over, and each sync_result sent (seq → the sync it answered, when, index, assigns pending). */
interface SessionLog {
  assigns: Map<number, string>;
  acked: number;
  lastSync: number | undefined;
  answers: Map<number, { sync: number | undefined; at: number; index: number; pending: number }>;
}

/** Per `${life}|${session}`, what the coordinator sent and saw acknowledged; pending assigns counted at each sync_result. */
function sessionLogs(view: HistoryView): Map<string, SessionLog> {
  const logs = new Map<string, SessionLog>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source !== 'coordinator' || (ev.type !== 'msg_sent' && ev.type !== 'msg_acked' && ev.type !== 'msg_delivered')) continue;
    const k = `${view.lifeOf('coordinator', e.rec.index)}|${ev.sessionId}`;
    let log = logs.get(k);
    if (log === undefined) logs.set(k, (log = { assigns: new Map(), acked: 0, lastSync: undefined, answers: new Map() }));
    if (ev.type === 'msg_delivered') {
      if (ev.dir === 'to_coordinator' && ev.msgType === 'sync') log.lastSync = ev.seq;
    } else if (ev.dir !== 'to_worker') continue;
    else if (ev.type === 'msg_acked') log.acked = Math.max(log.acked, ev.upTo);
    else if (ev.msgType === 'assign' && ev.seq !== undefined) log.assigns.set(ev.seq, ev.key ?? '');
    else if (ev.msgType === 'sync_result' && ev.seq !== undefined && !log.answers.has(ev.seq)) {
      let pending = 0;
      for (const seq of log.assigns.keys()) if (seq > log.acked) pending++;
      log.answers.set(ev.seq, { sync: log.lastSync, at: ev.at, index: e.rec.index, pending });
      log.lastSync = undefined;
    }
  }
  return logs;
}

/**
 * The logs by session: under each suffix of their key after a '|', in the
 * map's order, so `get(id)` lists the logs whose key ends with `|${id}` (a
 * scan of every log per synced event was a tenth of a 2,000-worker herd's check).
 */
function bySession(logs: Map<string, SessionLog>): Map<string, SessionLog[]> {
  const out = new Map<string, SessionLog[]>();
  for (const [k, log] of logs) {
    for (let p = k.indexOf('|'); p >= 0; p = k.indexOf('|', p + 1)) push(out, k.slice(p + 1), log);
  }
  return out;
}

/** Per worker and coordinator life (> 0), the leases claimed for it in earlier lives and not ended (result, expiry, release) before that life. */
function recoveredLeases(view: HistoryView): (worker: string, life: number) => number {
  const ended = new Map<string, number>();
  for (const t of ['result_recorded', 'lease_expired', 'lease_released'] as const) {
    for (const e of view.ofType(t)) if (e.ev.source === 'coordinator') ended.set(e.ev.leaseToken, Math.min(ended.get(e.ev.leaseToken) ?? Infinity, view.lifeOf('coordinator', e.rec.index)));
  }
  const claims = view.ofType('claimed').map((c) => ({ worker: c.ev.workerId, token: c.ev.leaseToken, life: view.lifeOf('coordinator', c.rec.index) }));
  return (worker, life) => (life === 0 ? 0 : claims.filter((c) => c.worker === worker && c.life < life && (ended.get(c.token) ?? Infinity) >= life).length);
}

/** 13. No sync_result carries more verdicts than the report it answers plus the assignments on their way (see the file header). */
export function checkSyncVerdicts(view: HistoryView): Violation[] {
  const logs = bySession(sessionLogs(view));
  const claims = new Map<string, Ev<'claimed'>[]>();
  for (const c of view.ofType('claimed')) push(claims, c.ev.workerId, c);
  const trouble = storeTrouble(view);
  const recovered = recoveredLeases(view);
  const out: Violation[] = [];
  for (const [w, events] of view.byWorker) {
    let delivered: Ev | undefined;
    /** The seq of the worker's latest held-task report (the one `synced.reported` shows; none: the one sent with register), and where its connection attempt began. */
    let reportSeq: number | undefined;
    let connecting = -1;
    for (const e of events) {
      const ev = e.ev;
      if (ev.source !== w) continue;
      if (ev.type === 'connecting') [reportSeq, connecting] = [undefined, e.rec.index];
      if (ev.type === 'msg_sent' && ev.dir === 'to_coordinator' && ev.msgType === 'sync') reportSeq = ev.seq;
      if (ev.type === 'msg_delivered' && ev.dir === 'to_worker' && ev.msgType === 'sync_result') delivered = e;
      if (ev.type !== 'synced' || ev.reported === undefined || delivered?.ev.type !== 'msg_delivered') continue;
      const d = delivered.ev;
      delivered = undefined;
      if (d.seq === undefined) continue;
      const answer = logs.get(String(d.sessionId))?.find((l) => l.answers.has(d.seq as number))?.answers.get(d.seq);
      // Judged only against the report it answered: made on this connection (a sync_result re-sent at a resume
      // answers an older one) for the latest report (the early one sent with register has no seq).
      if (answer === undefined || answer.index < connecting || answer.sync !== reportSeq) continue;
      const life = view.lifeOf('coordinator', answer.index);
      if (trouble.some((t) => t.life === life && answer.at >= t.from && answer.at < t.to)) continue;
      // Claims for w decided by then and committed after: their assigns were not sent yet.
      const committing = (claims.get(w) ?? []).filter((c) => c.ev.at <= answer.at && c.rec.index > answer.index).length;
      const allowed = ev.reported.length + answer.pending + committing + recovered(w, life);
      const verdicts = ev.confirmed + ev.revoked;
      if (verdicts <= allowed) continue;
      out.push(
        violation(
          view.records,
          'lease-expiry',
          `${w}'s sync_result (seq ${d.seq}, session ${d.sessionId}) carried ${verdicts} verdicts (${ev.confirmed} confirmed, ${ev.revoked} revoked) for a report of ${ev.reported.length} task(s), ${answer.pending} unacknowledged assign(s) and ${committing} claim(s) still committing: the coordinator judged a lease it never sent (a claim whose commit failed still counted as on its way)`,
          { index: e.rec.index, workerId: w },
        ),
      );
    }
  }
  return out;
}
