/**
 * Client controls reach the worker, and resumed attempts start where the
 * last acknowledged checkpoint left off (issue 10):
 *  - 24 (client-control): a cancel or pause of an execution whose attempt is
 *    running on a worker aborts that attempt on the worker within the
 *    detection bound (a cancel that only changes the coordinator's records
 *    leaves the work running); a cancelled execution is never claimed again.
 *  - 6 (checkpoints, worker side): an attempt starts from the latest
 *    checkpoint acknowledged before its claim, as the WORKER reports it
 *    (task_started.checkpointSeq), not as the coordinator's claim says.
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import { coordinatorCrashes } from './promises-state.js';
import type { Ev, HistoryView } from './view.js';
import { affectsCoordinator, affectsWorker, clockOffset, finalTerminals } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface ControlCall {
  op: string;
  executionId: string;
  invoke: HistoryRecord;
  answer: HistoryRecord | undefined;
}

/** Client control requests (client-ops.ts notes), each with its answer. */
export function controlCalls(view: HistoryView): ControlCall[] {
  const calls: ControlCall[] = [];
  const open = new Map<string, ControlCall[]>();
  for (const r of view.records) {
    if (r.f !== 'note' || r.process !== 'client' || typeof r.value.op !== 'string') continue;
    const key = `${r.value.op} ${String(r.value.executionId)}`;
    if (r.value.phase === 'invoke') {
      const c: ControlCall = { op: r.value.op, executionId: String(r.value.executionId), invoke: r, answer: undefined };
      calls.push(c);
      open.set(key, [...(open.get(key) ?? []), c]);
    } else {
      const c = open.get(key)?.shift();
      if (c !== undefined) c.answer = r;
    }
  }
  return calls;
}

/** The lease running on a worker at record index `at`: claimed, started by the worker, not ended. */
export function runningAt(events: readonly Ev[], at: number): { token: string; workerId: string } | undefined {
  let held: { token: string; workerId: string; started: boolean } | undefined;
  for (const e of events) {
    if (e.rec.index >= at) break;
    const ev = e.ev;
    if (ev.type === 'claimed') held = { token: ev.leaseToken, workerId: ev.workerId, started: false };
    else if (held === undefined || !('leaseToken' in ev) || ev.leaseToken !== held.token) continue;
    else if (ev.type === 'task_started' && ev.source === held.workerId) held.started = true;
    else if (['lease_released', 'lease_expired', 'result_recorded', 'task_finished', 'task_aborted'].includes(ev.type)) held = undefined;
  }
  return held?.started === true ? held : undefined;
}

/** 24. Cancel and pause reach the worker running the attempt; cancelled stays cancelled. */
export function checkControls(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const bound = ctx.heartbeatTimeoutMs + ctx.heartbeatMs + ctx.toleranceMs;
  for (const call of controlCalls(view)) {
    if (call.op !== 'cancel' && call.op !== 'pause') continue;
    if (call.answer === undefined || call.answer.value.phase !== 'ok') continue;
    const events = view.byExecution.get(call.executionId) ?? [];
    const held = runningAt(events, call.invoke.index);
    if (held === undefined) continue;
    const t = call.invoke.time;
    const faulted = view.faults.some(
      (f) => f.details.action !== 'clock_skew' && (affectsWorker(f.details, held.workerId) || affectsCoordinator(f.details)) && f.start.time <= t + bound && view.faultEnd(f) >= t,
    );
    if (faulted || view.endAt < t + bound) continue;
    const reached = events.find(
      (e) =>
        e.rec.index > call.invoke.index &&
        e.ev.source === held.workerId &&
        (e.ev.type === 'task_aborted' || e.ev.type === 'task_finished') &&
        e.ev.leaseToken === held.token,
    );
    if (reached === undefined || reached.rec.time > t + bound) {
      const seen = reached === undefined ? 'never stopped it' : `stopped it only at t=${reached.rec.time} (${reached.ev.type})`;
      out.push(
        violation(view.records, 'client-control', `${call.op} at t=${t} of the attempt running on ${held.workerId}: the worker ${seen}; it must abort within ${bound} ms`, {
          index: reached?.rec.index ?? call.invoke.index,
          executionId: call.executionId,
          workerId: held.workerId,
        }),
      );
    }
  }
  out.push(...claimedWhilePaused(view), ...cancelledUnasked(view), ...abortsAcrossResume(view, bound));
  for (const [id, events] of view.byExecution) {
    const cancelled = finalTerminals(events).find((e) => e.ev.to === 'cancelled');
    const again = cancelled === undefined ? undefined : events.find((e) => e.rec.index > cancelled.rec.index && e.ev.type === 'claimed');
    if (again !== undefined) {
      out.push(violation(view.records, 'client-control', `claimed again at t=${again.rec.time} after it was cancelled at t=${cancelled?.rec.time}`, { index: again.rec.index, executionId: id }));
    }
  }
  return out;
}

/** The holder's session at record `at`: its last registration's id, and whether it was connected then. */
function sessionAt(view: HistoryView, workerId: string, at: number): { session: string; connected: boolean } | undefined {
  let out: { session: string; connected: boolean } | undefined;
  for (const e of view.byWorker.get(workerId) ?? []) {
    if (e.rec.index >= at) break;
    if (e.ev.source !== 'coordinator') continue;
    if (e.ev.type === 'worker_registered') out = { session: e.ev.sessionId, connected: true };
    else if ((e.ev.type === 'worker_disconnected' || e.ev.type === 'worker_lost') && out !== undefined) out = { ...out, connected: false };
  }
  return out;
}

/**
 * 24, an abort waits for a detached session: a cancel or pause of an attempt
 * running on a worker whose session is detached (disconnected, inside its
 * resume window) is queued for the resume like every reliable message
 * (PROTOCOL.md: both sides re-send what the other has not acknowledged,
 * in order, before the sync's answer). So when that session resumes with the
 * attempt still running on the worker, the worker aborts it for that reason
 * within the detection bound of the resume, or finishes it first. Aborted as
 * `revoked` by the sync instead, or run on to its end, the abort was dropped
 * (blind set 11 #14). Not judged across a coordinator crash or when a fault
 * touches the worker again within the bound.
 */
function abortsAcrossResume(view: HistoryView, bound: number): Violation[] {
  const out: Violation[] = [];
  const crashes = coordinatorCrashes(view).map((c) => c.index);
  for (const call of controlCalls(view)) {
    if ((call.op !== 'cancel' && call.op !== 'pause') || call.answer?.value.phase !== 'ok') continue;
    const events = view.byExecution.get(call.executionId) ?? [];
    const held = runningAt(events, call.invoke.index);
    const before = held === undefined ? undefined : sessionAt(view, held.workerId, call.invoke.index);
    if (held === undefined || before === undefined || before.connected) continue;
    const w = held.workerId;
    const resume = (view.byWorker.get(w) ?? []).find((e) => e.rec.index > call.invoke.index && e.ev.source === 'coordinator' && e.ev.type === 'worker_registered');
    if (resume?.ev.type !== 'worker_registered' || !resume.ev.resumed || resume.ev.sessionId !== before.session) continue;
    if (crashes.some((c) => c > call.invoke.index && c < resume.rec.index)) continue;
    const ends = events.filter((e) => e.ev.source === w && (e.ev.type === 'task_finished' || e.ev.type === 'task_aborted') && e.ev.leaseToken === held.token);
    if (ends.some((e) => e.rec.index < resume.rec.index)) continue;
    const end = ends[0];
    const t = resume.rec.time;
    const reason = end?.ev.type === 'task_aborted' ? end.ev.reason : undefined;
    if (end !== undefined && end.rec.time <= t + bound && (reason === undefined || reason === call.op)) continue;
    if (view.anyFaultOn(w, t, t + bound, ['latency', 'clock_skew']) || view.endAt < t + bound) continue;
    const seen = end === undefined ? 'never stopped it' : reason === undefined ? `ran it to its end at t=${end.rec.time}` : `aborted it as "${reason}" at t=${end.rec.time}`;
    out.push(
      violation(
        view.records,
        'client-control',
        `${call.op} at t=${call.invoke.time} of the attempt running on ${w} while its session was detached; the session resumed at t=${t} and the worker ${seen}: an abort for a detached session is queued for its resume, so the worker aborts it as "${call.op}" within ${bound} ms`,
        { index: end?.rec.index ?? resume.rec.index, executionId: call.executionId, workerId: w },
      ),
    );
  }
  return out;
}

/**
 * 24, only the client cancels: an execution ends `cancelled` only after a
 * cancel was requested for it. A worker that stops (a drain that timed out, a
 * shutdown) hands its attempts back to be run again (PROTOCOL.md: `revoked`,
 * re-queued); reported as cancelled, the work is dropped without anyone having
 * asked (set 10 #21: a drain timeout that aborts with reason `cancel`).
 */
function cancelledUnasked(view: HistoryView): Violation[] {
  const asked = new Map<string, number>();
  for (const c of controlCalls(view)) if (c.op === 'cancel' && !asked.has(c.executionId)) asked.set(c.executionId, c.invoke.index);
  const out: Violation[] = [];
  for (const e of view.ofType('status')) {
    if (e.ev.to !== 'cancelled' || (asked.get(e.ev.executionId) ?? Infinity) < e.rec.index) continue;
    out.push(
      violation(view.records, 'client-control', `ended cancelled at t=${e.rec.time} (${e.ev.reason ?? 'no reason'}) though no cancel was requested for it: only the client cancels; a stopping worker hands its work back`, {
        index: e.rec.index,
        executionId: e.ev.executionId,
      }),
    );
  }
  return out;
}

/**
 * 24, paused stays paused: after a pause request was answered, the execution
 * gets no new attempt until a resume is requested: a claim decided after the
 * answer (the attempt the pause stopped may still end by failing or timing
 * out: its retry must wait for the resume). Not judged across a coordinator
 * crash (a pause still pending on a running attempt may not have committed).
 */
function claimedWhilePaused(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const calls = controlCalls(view);
  const crashes = coordinatorCrashes(view).map((c) => c.index);
  const offset = clockOffset(view);
  for (const pause of calls) {
    const answer = pause.answer;
    if (pause.op !== 'pause' || answer?.value.phase !== 'ok') continue;
    const resume = calls.find((c) => c.op === 'resume' && c.executionId === pause.executionId && c.invoke.index > answer.index);
    const until = Math.min(resume?.invoke.index ?? Infinity, crashes.find((c) => c > answer.index) ?? Infinity);
    const claim = (view.byExecution.get(pause.executionId) ?? []).find(
      (e) => e.ev.type === 'claimed' && e.rec.index > answer.index && e.rec.index < until && e.ev.at + offset > answer.time,
    );
    if (claim === undefined) continue;
    const why = resume === undefined ? 'no resume was requested' : `resume was requested only at t=${resume.invoke.time}`;
    out.push(
      violation(view.records, 'client-control', `claimed at t=${claim.rec.time} though a pause was answered at t=${answer.time} and ${why}: a paused execution waits for resume`, {
        index: claim.rec.index,
        executionId: pause.executionId,
      }),
    );
  }
  return out;
}

/** 6 (worker side). Each attempt starts from the latest checkpoint acknowledged before its claim. */
export function checkResumedCheckpoints(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const crashes = coordinatorCrashes(view).map((c) => c.index);
  for (const [id, events] of view.byExecution) {
    let saved: { seq: number; index: number; time: number } | undefined;
    const claims = new Map<string, number>();
    for (const e of events) {
      const ev = e.ev;
      if (ev.type === 'checkpoint_saved') {
        if (saved === undefined || ev.seq > saved.seq) saved = { seq: ev.seq, index: e.rec.index, time: e.rec.time };
      } else if (ev.type === 'claimed') {
        claims.set(ev.leaseToken, e.rec.index);
      } else if (ev.type === 'task_started' && ev.source !== 'coordinator' && saved !== undefined) {
        const claimedAt = claims.get(ev.leaseToken);
        if (claimedAt === undefined || claimedAt < saved.index) continue;
        const s = saved;
        if (crashes.some((c) => c > s.index && c < claimedAt)) continue; // across a crash: promise 7's
        if ((ev.checkpointSeq ?? -1) >= saved.seq) continue;
        out.push(
          violation(
            view.records,
            'checkpoints',
            `attempt ${ev.attempt} on ${ev.workerId} started from ${ev.checkpointSeq === undefined ? 'no checkpoint' : `checkpoint ${ev.checkpointSeq}`} (as the worker reports), though checkpoint ${saved.seq} was acknowledged at t=${saved.time}`,
            { index: e.rec.index, executionId: id, workerId: ev.workerId },
          ),
        );
      }
    }
  }
  return out;
}
