/**
 * Promise 11 (delivery), the start of an attempt: a worker reports that it
 * started an attempt with `started`, or, when the start had not left yet,
 * folded into its result (`started: true`). Either way the coordinator's
 * logic must see it: an attempt whose result from the worker was recorded,
 * and which the worker's own trace says it started (task_started), is
 * `running` before its result (a start lost on the way, or dropped by a
 * decoder, leaves the history going preparing → completed, and the
 * execution's startedAt unset); not judged across a coordinator fault.
 * And a worker starts each lease at most once (an assign handed to its logic
 * again, e.g. re-sent in a new session after the attempt finished, must not
 * run the task a second time), and reports that start once.
 */
import { parseTaskKey } from './promises-acked.js';
import { affectsCoordinator, type Ev, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 11 (starts). See the file header. */
export function checkStartsSeen(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const startedAt = new Map(view.ofType('task_started').filter((e) => e.ev.source === e.ev.workerId).map((e) => [e.ev.leaseToken, e.rec.time] as const));
  // The worker's result (key result:<execution>/<lease>/<outcome>) as the coordinator's logic got it: where, and with what outcome.
  const delivered = new Map<string, { index: number; outcome: string }>();
  for (const e of view.ofType('msg_delivered')) {
    const k = e.ev.source === 'coordinator' && e.ev.msgType === 'result' ? parseTaskKey(e.ev.key) : undefined;
    if (k !== undefined && !delivered.has(k.leaseToken)) delivered.set(k.leaseToken, { index: e.rec.index, outcome: k.detail });
  }
  for (const r of view.ofType('result_recorded')) {
    const lease = r.ev.leaseToken;
    const from = startedAt.get(lease);
    const d = delivered.get(lease);
    // Judged only when this record is the worker's own result (not the coordinator's timeout or a lease loss), and
    // outside coordinator faults (a crash, a refused or slow disk may lose or refuse the start: weather).
    if (from === undefined || d === undefined || d.index > r.rec.index || d.outcome !== r.ev.outcome || coordinatorFaultIn(view, from, r.rec.time)) continue;
    const running = (view.byExecution.get(r.ev.executionId) ?? []).some(
      (e) => e.rec.index < r.rec.index && e.ev.type === 'status' && e.ev.to === 'running' && e.ev.attempt === r.ev.attempt,
    );
    if (running) continue;
    out.push(runningMissing(view, r));
  }
  return [...out, ...startedTwice(view), ...startReportedTwice(view)];
}

/**
 * A worker reports an attempt's start once: one `started`, or its start folded
 * into the result (msg_sent.carriesStart), never both nor two of either (first
 * sends; a re-send after a reconnect is the same message). The engine ignores
 * a second start of a running or finished attempt, so only the trace shows it.
 */
function startReportedTwice(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, Ev<'msg_sent'>>();
  for (const e of view.ofType('msg_sent')) {
    const { ev } = e;
    if (ev.dir !== 'to_coordinator' || ev.resend || !(ev.msgType === 'started' || ev.carriesStart === true)) continue;
    const k = parseTaskKey(ev.key);
    if (k === undefined) continue;
    const id = `${ev.workerId} ${view.lifeOf(ev.workerId, e.rec.index)} ${k.leaseToken}`;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, e);
      continue;
    }
    const how = (x: Ev<'msg_sent'>): string => (x.ev.msgType === 'started' ? `a started (seq ${x.ev.seq})` : `its ${x.ev.msgType} (seq ${x.ev.seq}) carrying the start`);
    const msg = `${ev.workerId} reported the start of lease ${k.leaseToken} (${k.executionId}) twice: ${how(first)} at t=${first.rec.time}, then ${how(e)} at t=${e.rec.time}: an attempt's start is reported once`;
    out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, executionId: k.executionId, workerId: ev.workerId }));
  }
  return out;
}

/** A lease a worker started twice (in one life: a restarted worker has forgotten its leases, and its old ones are fenced). */
function startedTwice(view: HistoryView): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, Ev<'task_started'>>();
  for (const e of view.ofType('task_started')) {
    if (e.ev.source !== e.ev.workerId) continue;
    const k = `${e.ev.workerId} ${view.lifeOf(e.ev.workerId, e.rec.index)} ${e.ev.leaseToken}`;
    const first = seen.get(k);
    if (first === undefined) {
      seen.set(k, e);
      continue;
    }
    out.push(
      violation(view.records, 'delivery', `${e.ev.workerId} started lease ${e.ev.leaseToken} (attempt ${e.ev.attempt} of ${e.ev.executionId}) again at t=${e.rec.time}, after starting it at t=${first.rec.time}: an assign runs once`, {
        index: e.rec.index,
        executionId: e.ev.executionId,
        workerId: e.ev.workerId,
      }),
    );
  }
  return out;
}

function coordinatorFaultIn(view: HistoryView, from: number, to: number): boolean {
  return view.faults.some((f) => affectsCoordinator(f.details) && f.start.time <= to && view.faultEnd(f) >= from);
}

function runningMissing(view: HistoryView, r: Ev<'result_recorded'>): Violation {
  return violation(
    view.records,
    'delivery',
    `${r.ev.workerId} started attempt ${r.ev.attempt} of ${r.ev.executionId} (lease ${r.ev.leaseToken}) and its result was recorded at t=${r.rec.time}, but the coordinator never saw the start: the attempt was not running before its result (a start, alone or folded into the result, must reach the engine)`,
    { index: r.rec.index, executionId: r.ev.executionId, workerId: r.ev.workerId },
  );
}
