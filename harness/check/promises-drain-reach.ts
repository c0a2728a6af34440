/**
 * Part of promise 25 (drain), at every point of a worker's connection life
 * (blind set 19 #17, #28): a worker told to stop (a `drain` fault: SIGTERM
 * to `squall worker`) while it was connecting, registering, syncing, cut off
 * with work running, or across a coordinator restart, must still tell the
 * coordinator. Judged from both sides:
 *  - every session the draining worker is registered in (the one in force
 *    when the drain began, and each registration after it in that process's
 *    life) has the coordinator receive its `drain` (a `msg_delivered` of the
 *    drain in that session: GET /api/v1/workers then lists it draining and
 *    it is assigned nothing more), unless the connection ends, another fault
 *    touches the worker or a coordinator crash comes within the bound
 *    (`heartbeatTimeoutMs + toleranceMs` after the registration). A resumed
 *    session that already got the drain keeps it; a new one (a coordinator
 *    restart, an expired session) must get it again.
 *  - GET /api/v1/workers (the gauge reads, harness/scenario/client-gauges.ts)
 *    lists a connected worker `draining: true` exactly when the coordinator
 *    has its drain in the worker's current session (reads within
 *    `toleranceMs` of that drain or of the registration are not judged);
 *  - a worker never drops its own link for an internal error (its
 *    `disconnected` with 4500 "internal error handling ...", system/worker/
 *    worker.ts: "a bug on our side"): a message the protocol allows in a
 *    state (a `sync_result` while syncing, with a drain under way) is handled.
 */
import type { CheckContext } from './context.js';
import type { GaugeRead } from './promises-metrics-gauges.js';
import type { Ev, FaultSpan, HistoryView } from './view.js';
import { affectsCoordinator, affectsWorker } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A registration that should carry the drain: when it counts from, its record, its session. */
interface Due {
  at: number;
  index: number;
  sessionId: string;
}

/** Faults that do not excuse an undelivered drain: the drain itself, and a slow link (which still delivers within the bound). */
const NOT_EXCUSES: readonly string[] = ['drain', 'latency'];

/** The drain's worker: its own events in the process life the drain began in, in order. */
function lifeEvents(view: HistoryView, w: string, f: FaultSpan): Ev[] {
  const life = view.lifeOf(w, f.start.index);
  return (view.byWorker.get(w) ?? []).filter((e) => e.ev.source === w && view.lifeOf(w, e.rec.index) === life);
}

/** The registrations a drain begun at `f` must reach: the session in force then (if registered), and each later one until the worker stopped. */
function dueSessions(view: HistoryView, w: string, f: FaultSpan): Due[] {
  const due: Due[] = [];
  let current: string | undefined;
  for (const e of lifeEvents(view, w, f)) {
    if (e.ev.type === 'stopped' && e.rec.index > f.start.index) break;
    if (e.rec.index < f.start.index) {
      if (e.ev.type === 'connected') current = e.ev.sessionId;
      else if (e.ev.type === 'disconnected' || e.ev.type === 'backoff') current = undefined;
      continue;
    }
    if (current !== undefined && due.length === 0) due.push({ at: f.start.time, index: f.start.index, sessionId: current });
    current = undefined;
    if (e.ev.type === 'connected') due.push({ at: e.rec.time, index: e.rec.index, sessionId: e.ev.sessionId });
  }
  if (current !== undefined && due.length === 0) due.push({ at: f.start.time, index: f.start.index, sessionId: current });
  return due;
}

/**
 * Whether the connection of `d` was lost (the worker disconnected or registered again) before `until`.
 * Its own stop does not count: a worker that finished its drain in a session that never got it stopped
 * having been assignable there all along.
 */
function connectionLost(events: readonly Ev[], d: Due, until: number): boolean {
  const end = events.find((e) => e.rec.index > d.index && (e.ev.type === 'disconnected' || e.ev.type === 'stopped' || e.ev.type === 'connected'));
  return end !== undefined && end.ev.type !== 'stopped' && end.rec.time <= until;
}

/** Every drain fault's worker told the coordinator in each session it registered in while draining. */
function drainsUndelivered(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const bound = (ctx.workerHeartbeatTimeoutMs ?? ctx.heartbeatTimeoutMs) + ctx.toleranceMs;
  const delivered = new Set(view.ofType('msg_delivered').filter((d) => d.ev.source === 'coordinator' && d.ev.dir === 'to_coordinator' && d.ev.msgType === 'drain').map((d) => `${d.ev.workerId}\u0000${d.ev.sessionId}`));
  for (const f of view.faults) {
    if (f.details.action !== 'drain') continue;
    for (const w of view.byWorker.keys()) {
      if (!affectsWorker(f.details, w)) continue;
      const events = lifeEvents(view, w, f);
      for (const d of dueSessions(view, w, f)) {
        const until = d.at + bound;
        if (delivered.has(`${w}\u0000${d.sessionId}`) || until > view.endAt || connectionLost(events, d, until)) continue;
        if (view.anyFaultOn(w, d.at, until, NOT_EXCUSES) || crashBetween(view, d.at, until)) continue;
        const claims = (view.byWorker.get(w) ?? []).filter((e) => e.ev.type === 'claimed' && e.ev.source === 'coordinator' && e.rec.index > d.index).length;
        const when = d.index === f.start.index ? `registered in session ${d.sessionId} when it was told to stop at t=${f.start.time}` : `told to stop at t=${f.start.time}, registered in session ${d.sessionId} at t=${d.at}`;
        out.push(
          violation(view.records, 'drain', `${w} was ${when}, did not lose that connection within ${bound} ms, and the coordinator never got its drain in that session (${claims} claim(s) for it afterwards): a stopping worker's drain reaches the coordinator once the link is back, or it keeps assigning to a worker that is going away`, {
            index: d.index,
            workerId: w,
          }),
        );
      }
    }
  }
  return out;
}

/** A coordinator kill or restart within [from, to]. */
function crashBetween(view: HistoryView, from: number, to: number): boolean {
  // A restart is an instant (its span lasts to the heal); a kill lasts until the coordinator is back.
  return view.faults.some((f) => (f.details.action === 'kill' || f.details.action === 'restart') && affectsCoordinator(f.details) && f.start.time <= to && (f.details.action === 'restart' ? f.start.time : view.faultEnd(f)) >= from);
}

/** A worker never closes its own link for an internal error: each is a message it failed to handle. */
function internalErrors(view: HistoryView): Violation[] {
  return view.ofType('disconnected')
    .filter((e) => e.ev.source === e.ev.workerId && e.ev.code === 4500 && e.ev.reason.startsWith('internal error'))
    .map((e) =>
      violation(view.records, 'drain', `${e.ev.workerId} dropped its link at t=${e.rec.time} for its own internal error (${e.ev.reason}): a message the protocol allows in the worker's state must be handled, whatever the worker is doing (draining, syncing)`, {
        index: e.rec.index,
        workerId: e.ev.workerId,
      }),
    );
}

/** Each gauge read's `draining` list against the drains the coordinator had in each listed worker's current session. */
function drainingListed(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const tol = ctx.toleranceMs;
  for (const rec of view.records) {
    const read = rec.f === 'note' ? (rec.value.gaugeRead as GaugeRead | undefined) : undefined;
    if (read?.draining === undefined || read.seen === undefined) continue;
    for (const [w] of read.seen) {
      const reg = (view.byWorker.get(w) ?? []).findLast((e) => e.rec.index < rec.index && e.ev.type === 'worker_registered' && e.ev.source === 'coordinator');
      if (reg === undefined || reg.ev.type !== 'worker_registered' || reg.rec.time > rec.time - tol) continue;
      const session = reg.ev.sessionId;
      const drain = view.ofType('msg_delivered').find((d) => d.rec.index < rec.index && d.ev.source === 'coordinator' && d.ev.workerId === w && d.ev.sessionId === session && d.ev.msgType === 'drain');
      const listed = read.draining.includes(w);
      if (drain !== undefined && !listed && drain.rec.time <= rec.time - tol) {
        out.push(violation(view.records, 'drain', `GET /api/v1/workers at t=${read.at} lists ${w} connected and not draining, though its drain reached the coordinator in its session ${session} at t=${drain.rec.time}`, { index: rec.index, workerId: w }));
      } else if (drain === undefined && listed) {
        out.push(violation(view.records, 'drain', `GET /api/v1/workers at t=${read.at} lists ${w} draining, though no drain of its session ${session} (registered t=${reg.rec.time}) reached the coordinator`, { index: rec.index, workerId: w }));
      }
    }
  }
  return out;
}

/** The rules of this file (see the file comment). */
export function checkDrainReach(view: HistoryView, ctx: CheckContext): Violation[] {
  return [...drainsUndelivered(view, ctx), ...drainingListed(view, ctx), ...internalErrors(view)];
}
