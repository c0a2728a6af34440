/**
 * 3 (no-double-ownership), judged from the workers' traces (issue 10): no two
 * live attempts of one execution once the older one was told to stop.
 *
 * Leases make the outcome safe (fencing drops a stale result), so a worker
 * that keeps running an attempt after it was told the lease is gone changes
 * nothing the coordinator records; it only wastes a slot and runs the task
 * twice side by side. A worker cut off longer than a lease legitimately runs
 * on while another worker redoes the work; what it must not do is keep
 * running once it hears:
 *  - a held-task report answer (`synced`) for a report that listed the
 *    attempt as running, built after the coordinator had ended that lease
 *    (lease_expired or lease_released): the answer must revoke it, and the
 *    worker must abort it (a coordinator that forgets the revoke, or a
 *    worker that ignores it, both leave it running);
 *  - an `abort` for that lease (any reason), delivered to the worker.
 * From that moment, after a grace of one heartbeat interval plus the
 * tolerance (the worker aborts on receipt; the attempt settles at once), the
 * attempt may not be live while another attempt of the same execution (any
 * worker, another lease) is live. An attempt is live from its task_started to
 * its task_finished, or the end of that worker process's life.
 */
import type { CheckContext } from './context.js';
import { parseTaskKey } from './promises-acked.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** One attempt as a worker ran it: when it started and ended (record times), and when it was told to stop. */
interface Attempt {
  worker: string;
  life: number;
  executionId: string;
  leaseToken: string;
  attempt: number;
  start: number;
  end: number | undefined;
  endIndex: number | undefined;
  told: { time: number; index: number; how: string } | undefined;
}

/** One lease as one worker process ran it. */
export const attemptKey = (worker: string, life: number, leaseToken: string): string => `${worker}|${life}|${leaseToken}`;

/** Every worker attempt with its live span (end undefined while still running at its life's end). */
function attemptsOf(view: HistoryView): Map<string, Attempt> {
  const out = new Map<string, Attempt>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator' || (ev.type !== 'task_started' && ev.type !== 'task_finished')) continue;
    const k = attemptKey(ev.source, view.lifeOf(ev.source, e.rec.index), ev.leaseToken);
    if (ev.type === 'task_started') {
      const life = view.lifeOf(ev.source, e.rec.index);
      out.set(k, { worker: ev.source, life, executionId: ev.executionId, leaseToken: ev.leaseToken, attempt: ev.attempt, start: e.rec.time, end: undefined, endIndex: undefined, told: undefined });
    } else {
      const a = out.get(k);
      if (a !== undefined && a.end === undefined) {
        a.end = e.rec.time;
        a.endIndex = e.rec.index;
      }
    }
  }
  return out;
}

/** When an attempt still running at its life's end stopped: the process's death, else the end of the run. */
function deathTime(view: HistoryView, a: Attempt): number {
  const death = view.faults.find((f) => view.lifeOf(a.worker, f.start.index + 1) > a.life && view.lifeOf(a.worker, f.start.index) === a.life);
  if (death !== undefined && (death.details.action === 'kill' || death.details.action === 'restart')) return death.start.time;
  const drained = view.faults.find((f) => f.details.action === 'drain' && f.stop !== undefined && view.lifeOf(a.worker, f.stop.index + 1) > a.life && view.lifeOf(a.worker, f.stop.index) === a.life);
  return drained?.stop?.time ?? view.endAt;
}

/** Marks each attempt with the first moment its worker was told to stop it (revoked at a sync, or an abort delivered). */
function markTold(view: HistoryView, attempts: Map<string, Attempt>): void {
  const leaseEnded = new Map<string, number>();
  const tell = (a: Attempt | undefined, time: number, index: number, how: string): void => {
    if (a !== undefined && a.told === undefined && (a.endIndex === undefined || a.endIndex > index)) a.told = { time, index, how };
  };
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.source === 'coordinator') {
      if ((ev.type === 'lease_expired' || ev.type === 'lease_released') && !leaseEnded.has(ev.leaseToken)) leaseEnded.set(ev.leaseToken, e.rec.time);
      continue;
    }
    const life = view.lifeOf(ev.source, e.rec.index);
    if (ev.type === 'msg_delivered' && ev.dir === 'to_worker' && ev.msgType === 'abort') {
      const k = parseTaskKey(ev.key);
      if (k !== undefined) tell(attempts.get(attemptKey(ev.source, life, k.leaseToken)), e.rec.time, e.rec.index, `an abort "${k.detail}" for it was delivered`);
      continue;
    }
    if (ev.type !== 'synced' || ev.reported === undefined || ev.reportedAt === undefined) continue;
    const builtAt = e.rec.time - (ev.at - ev.reportedAt);
    for (const h of ev.reported) {
      const ended = leaseEnded.get(h.leaseToken);
      if (h.state !== 'running' || ended === undefined || ended >= builtAt) continue;
      const how = `its held-task report (built at t=${builtAt}) listed it running after the coordinator had ended that lease (t=${ended}), and the answer arrived`;
      tell(attempts.get(attemptKey(ev.source, life, h.leaseToken)), e.rec.time, e.rec.index, how);
    }
  }
}

/** 3. No two live attempts of one execution beyond a grace after the older one was told to stop. */
export function checkLiveAttempts(view: HistoryView, ctx: CheckContext): Violation[] {
  const attempts = attemptsOf(view);
  markTold(view, attempts);
  const grace = ctx.heartbeatMs + ctx.toleranceMs;
  const byExecution = new Map<string, Attempt[]>();
  for (const a of attempts.values()) byExecution.set(a.executionId, [...(byExecution.get(a.executionId) ?? []), a]);
  const out: Violation[] = [];
  for (const a of attempts.values()) {
    if (a.told === undefined) continue;
    const aEnd = a.end ?? deathTime(view, a);
    for (const b of byExecution.get(a.executionId) ?? []) {
      if (b.leaseToken === a.leaseToken) continue;
      const bEnd = b.end ?? deathTime(view, b);
      const from = Math.max(a.told.time + grace, b.start);
      const to = Math.min(aEnd, bEnd);
      if (to <= from) continue;
      out.push(
        violation(
          view.records,
          'no-double-ownership',
          `${a.worker} kept running attempt ${a.attempt} (lease ${a.leaseToken}) until t=${aEnd} though ${a.told.how} at t=${a.told.time}, while ${b.worker} ran attempt ${b.attempt} (lease ${b.leaseToken}) of the same execution from t=${b.start}: two live attempts for ${to - from} ms past a ${grace} ms grace`,
          { index: a.told.index, executionId: a.executionId, workerId: a.worker },
        ),
      );
      break;
    }
  }
  return out;
}

/**
 * One process runs a lease once: an assign re-delivered after the worker ran
 * that lease to its end (its result not acknowledged yet, a re-send after a
 * resume) is a duplicate, never a second run of the task.
 */
export function checkLeaseRunOnce(view: HistoryView): Violation[] {
  const ran = new Map<string, number>();
  const out: Violation[] = [];
  for (const e of view.ofType('task_started')) {
    const ev = e.ev;
    if (ev.source === 'coordinator') continue;
    const k = attemptKey(ev.source, view.lifeOf(ev.source, e.rec.index), ev.leaseToken);
    const first = ran.get(k);
    if (first === undefined) {
      ran.set(k, e.rec.time);
      continue;
    }
    out.push(
      violation(view.records, 'no-double-ownership', `${ev.source} started lease ${ev.leaseToken} again at t=${e.rec.time}, in the same process that started it at t=${first}: a re-delivered assign must not run the task twice`, {
        index: e.rec.index,
        executionId: ev.executionId,
        workerId: ev.source,
      }),
    );
  }
  return out;
}
