/**
 * Promise 11 (delivery) for progress reports, judged from the worker's own
 * trace (`progress_sent` / `progress_refused`, system/core/events.ts).
 * Progress is unreliable: "coalesced; may be dropped" (docs/PROTOCOL.md).
 * The outbox says what that means (system/worker/outbox.ts): a queued report
 * is superseded only by a newer report of the SAME execution, and a report is
 * dropped only when the outbox is full (then it is refused, and traced). So
 * every attempt's latest progress leaves its worker, whatever else the
 * worker runs and however long its link is down: a report of one execution
 * must never overwrite another's (blind set 10 #23).
 *
 * Which report is an attempt's latest is the task kind's contract: a `sleep`
 * reports elapsed / duration after each chunk, so a completed sleep attempt
 * that did not resume from a checkpoint reports fraction 1 last
 * (system/tasks/sleep.ts). Not judged: an attempt whose worker process ended
 * after it finished (a kill, restart or drain takes the outbox along), or
 * whose worker was not synced (ready to send) at the end of the run (its
 * queue still waits for a connection), or still held queued messages at the
 * end of a flood (a congested link), or any of whose reports the outbox
 * refused (full), or a worker whose trace records no progress at all (a
 * trace from before these events, or a synthetic one).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The last fraction of each lease's reports that left, and the leases with a refused report: per worker and process life. */
interface ProgressSeen {
  /** Workers whose trace records progress at all (a trace without it, e.g. a synthetic one, is not judged). */
  tracing: Set<string>;
  finals: Set<string>;
  last: Map<string, number>;
  refused: Set<string>;
}

const leaseOf = (workerId: string, life: number, leaseToken: string): string => `${workerId}|${life}|${leaseToken}`;

function progressSeen(view: HistoryView): ProgressSeen {
  const seen: ProgressSeen = { tracing: new Set(), finals: new Set(), last: new Map(), refused: new Set() };
  for (const e of [...view.ofType('progress_sent'), ...view.ofType('progress_refused')]) seen.tracing.add(e.ev.workerId);
  for (const e of view.ofType('progress_sent')) {
    const k = leaseOf(e.ev.workerId, view.lifeOf(e.ev.workerId, e.rec.index), e.ev.leaseToken);
    if (e.ev.fraction === 1) seen.finals.add(k);
    seen.last.set(k, e.ev.fraction);
  }
  for (const e of view.ofType('progress_refused')) seen.refused.add(leaseOf(e.ev.workerId, view.lifeOf(e.ev.workerId, e.rec.index), e.ev.leaseToken));
  return seen;
}

/** Whether the worker's own trace ends synced (registered and its held-task report answered, no disconnect or stop after). */
function syncedAtEnd(view: HistoryView, workerId: string): boolean {
  let last: string | undefined;
  for (const e of view.byWorker.get(workerId) ?? []) {
    if (e.ev.source !== workerId) continue;
    const t = e.ev.type;
    if (t === 'connected' || t === 'synced' || t === 'disconnected' || t === 'stopped') last = t;
  }
  return last === 'synced';
}

/** Workers that still held queued or unacknowledged messages when a flood ended (the driver's end note). */
function congestedAtEnd(records: readonly HistoryRecord[]): Set<string> {
  const out = new Set<string>();
  for (const r of records) {
    if (r.f === 'note' && r.value.flood === 'end' && typeof r.value.workerId === 'string' && typeof r.value.held === 'number' && r.value.held > 0) out.add(r.value.workerId);
  }
  return out;
}

/** Completed sleep attempts that started fresh (no checkpoint to resume from): their leases, per worker and life. */
function freshSleepStarts(view: HistoryView): Set<string> {
  const out = new Set<string>();
  for (const e of view.ofType('task_started')) {
    if (e.ev.source !== e.ev.workerId || e.ev.checkpointSeq !== undefined) continue;
    if (view.submitted.get(e.ev.executionId)?.ev.kind !== 'sleep') continue;
    out.add(leaseOf(e.ev.workerId, view.lifeOf(e.ev.workerId, e.rec.index), e.ev.leaseToken));
  }
  return out;
}

/** 11 (progress). Each completed sleep attempt's final progress (fraction 1) left its worker. */
export function checkLatestProgress(view: HistoryView, _ctx: CheckContext): Violation[] {
  const finished = view.ofType('task_finished').filter((e) => e.ev.outcome === 'completed' && e.ev.source === e.ev.workerId);
  if (finished.length === 0) return [];
  const seen = progressSeen(view);
  const fresh = freshSleepStarts(view);
  const congested = congestedAtEnd(view.records);
  const judged = new Map<string, boolean>();
  const judgedWorker = (w: string): boolean => {
    let ok = judged.get(w);
    if (ok === undefined) judged.set(w, (ok = seen.tracing.has(w) && syncedAtEnd(view, w) && !congested.has(w)));
    return ok;
  };
  const out: Violation[] = [];
  for (const e of finished) {
    const w = e.ev.workerId;
    const life = view.lifeOf(w, e.rec.index);
    const k = leaseOf(w, life, e.ev.leaseToken);
    if (!fresh.has(k) || seen.finals.has(k) || seen.refused.has(k)) continue;
    if (view.lifeOf(w, Infinity) !== life || !judgedWorker(w)) continue;
    out.push(lostFinal(view, e, seen.last.get(k)));
  }
  return out;
}

function lostFinal(view: HistoryView, e: Ev<'task_finished'>, last: number | undefined): Violation {
  const { workerId: w, executionId: ex, leaseToken } = e.ev;
  return violation(
    view.records,
    'delivery',
    `${w} completed sleep ${ex} (lease ${leaseToken}) at t=${e.rec.time} but its final progress (fraction 1) never left the worker (${last === undefined ? 'no progress of that lease left' : `the last that left said ${last}`}), though the worker lived on, was synced at the end and its outbox refused none of that attempt's reports: a report supersedes only an older one of the same execution, and is dropped only when the outbox is full`,
    { index: e.rec.index, executionId: ex, workerId: w },
  );
}
