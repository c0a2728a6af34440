/**
 * Promise 11 (delivery), what the worker does with an assign: docs/PROTOCOL.md
 * says `assign` means "run this attempt under this lease", so an assign
 * handed to the worker's logic (its `msg_delivered`) is acted on: the worker
 * starts that lease (`task_started`) or refuses it with a result for that
 * lease (draining, at capacity, a kind it does not run), in that worker life.
 * An assign for an execution the worker is still running under another lease
 * (the coordinator re-leased it: its own work came back to it while the old
 * attempt settles, scenarios/lone-worker.yaml) replaces the old attempt; one
 * dropped because the execution id is already running leaves a lease the
 * coordinator believes held and the worker never runs, which only its next
 * sync (or nothing) heals. A restarted worker forgets its leases, so an
 * assign is judged in the life it was delivered in.
 *
 * And an abort never precedes the assign of its lease (docs/PROTOCOL.md,
 * "Leases, fencing, exactly-once"): judged on what the coordinator queued for
 * a worker (its first sends, `msg_sent` with `resend: false`), so the
 * ordering is caught whatever the worker then did. A worker ignores an abort
 * for a lease it does not hold: an abort queued before its assign is lost,
 * and the cancelled or paused attempt runs (cli-client seed 2 with BUGGIFY:
 * a cancel landing while the claim of a resumed execution's lease committed).
 */
import { parseTaskKey } from './promises-acked.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 11 (assigns acted on). See the file header. */
export function checkAssignsActedOn(view: HistoryView): Violation[] {
  const acted = new Set<string>();
  const life = (worker: string, index: number, lease: string): string => `${worker}|${view.lifeOf(worker, index)}|${lease}`;
  for (const e of view.ofType('task_started')) if (e.ev.source === e.ev.workerId) acted.add(life(e.ev.workerId, e.rec.index, e.ev.leaseToken));
  for (const e of view.ofType('msg_sent')) {
    const k = e.ev.dir === 'to_coordinator' && e.ev.msgType === 'result' ? parseTaskKey(e.ev.key) : undefined;
    if (k !== undefined) acted.add(life(e.ev.workerId, e.rec.index, k.leaseToken));
  }
  const out: Violation[] = [];
  const judged = new Set<string>();
  for (const e of view.ofType('msg_delivered')) {
    const { ev } = e;
    if (ev.dir !== 'to_worker' || ev.msgType !== 'assign' || ev.source === 'coordinator') continue;
    const k = parseTaskKey(ev.key);
    if (k === undefined) continue;
    const id = life(ev.workerId, e.rec.index, k.leaseToken);
    if (acted.has(id) || judged.has(id)) continue;
    judged.add(id);
    const msg = `${ev.workerId} was handed the assign of lease ${k.leaseToken} (${k.executionId}, seq ${ev.seq}) at t=${e.rec.time} and neither started it nor refused it with a result: an assign is run or refused, never dropped`;
    out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, executionId: k.executionId, workerId: ev.workerId }));
  }
  return out;
}

/** 11 (an abort never precedes its assign). See the file header. */
export function checkAbortAfterAssign(view: HistoryView): Violation[] {
  const assigned = new Set<string>();
  /** Aborts queued for a lease not assigned to that worker yet, by worker|lease. */
  const early = new Map<string, { seq: number; time: number; reason: string }>();
  const out: Violation[] = [];
  for (const e of view.ofType('msg_sent')) {
    const { ev } = e;
    if (ev.dir !== 'to_worker' || ev.resend) continue;
    const k = parseTaskKey(ev.key);
    if (k === undefined || (k.kind !== 'assign' && k.kind !== 'abort')) continue;
    const id = `${ev.workerId}|${k.leaseToken}`;
    if (k.kind === 'abort') {
      if (!assigned.has(id) && !early.has(id)) early.set(id, { seq: ev.seq, time: e.rec.time, reason: k.detail });
      continue;
    }
    assigned.add(id);
    const abort = early.get(id);
    if (abort === undefined) continue;
    early.delete(id);
    const msg = `the coordinator queued the abort "${abort.reason}" of lease ${k.leaseToken} (${k.executionId}) for ${ev.workerId} at t=${abort.time} (seq ${abort.seq}) before that lease's assign (seq ${ev.seq}, t=${e.rec.time}): an abort never precedes the assign of its lease (the worker ignores an abort for a lease it does not hold, then runs the attempt)`;
    out.push(violation(view.records, 'delivery', msg, { index: e.rec.index, executionId: k.executionId, workerId: ev.workerId }));
  }
  return out;
}
