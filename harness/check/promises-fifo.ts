/**
 * 21, continued. First in, first out among equals: of two ready executions of
 * the same kind and priority, the one submitted first is claimed first,
 * however often either went back to the queue (a hand-back keeps its place:
 * the ready queue orders by a sequence fixed when the engine first indexed
 * the execution, system/engine/ready-queue.ts, and recovery indexes in
 * submission order). Submission order is the submitted event's time
 * (createdAt); equal times are judged only between executions one batch or
 * graph created: the request's order (a batch's array order, a graph's
 * topological order with ties in its key order: harness/check/submission-order.ts),
 * and only while no coordinator restart came between (recovery re-reads
 * them ordered by createdAt, then id). Ready: status `scheduled` and due
 * (its scheduledAt passed) for longer than `toleranceMs` (a submission is
 * queued once its commit lands). After a coordinator crash the ready set is
 * rebuilt as recovery rebuilds it: every execution whose last committed status
 * was `scheduled` is ready again before the new incarnation's first claim, so a
 * recovery that reverses or shuffles the order shows here (the replay is
 * harness/check/ready-set.ts, shared with the priority check). Waits that a
 * storage fault or a clock skew on the coordinator overlaps are not judged (a
 * claim the disk refused is re-indexed; a skewed clock reorders createdAt).
 */
import type { CheckContext } from './context.js';
import { exitedBy, intents, rank, readyExits } from './promises-engine.js';
import { replayReadySet } from './ready-set.js';
import { isStorageAction } from './storage-actions.js';
import { submissionPlaces } from './submission-order.js';
import type { Ev, HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface Ready {
  id: string;
  /** Coordinator clock (decision times, createdAt, scheduledAt). */
  readyAt: number;
  createdAt: number;
  /** History time of its submission (fault spans are on this clock). */
  submittedTime: number;
}

/** FIFO among executions of one kind and priority (part of promise 21). */
export function checkFifo(view: HistoryView, ctx: CheckContext): Violation[] {
  const wanted = intents(view);
  const prio = (id: string): number => rank(wanted.get(id)?.priority ?? view.submitted.get(id)?.ev.priority);
  const kindOf = (id: string): string | undefined => view.submitted.get(id)?.ev.kind;
  const entry = (id: string, at: number): Ready => {
    const sub = view.submitted.get(id)?.ev;
    return { id, readyAt: Math.max(at, sub?.scheduledAt ?? -Infinity), createdAt: sub?.at ?? 0, submittedTime: view.submitted.get(id)?.rec.time ?? 0 };
  };
  const weather = view.faults.filter((f) => isStorageAction(String(f.details.action)) || (f.details.action === 'clock_skew' && affectsCoordinator(f.details)));
  const stormy = (from: number, to: number): boolean => weather.some((f) => f.start.time <= to && view.faultEnd(f) >= from);
  const exits = readyExits(view);
  const places = submissionPlaces(view);
  // Ties in createdAt: the request's own order (one batch or graph), unless a coordinator restart re-read them since.
  const restarts = view.faults.filter((f) => (f.details.action === 'kill' || f.details.action === 'restart') && affectsCoordinator(f.details)).map((f) => f.start.time);
  const ahead = (y: Ready, x: Ready, at: number): boolean => {
    if (y.createdAt !== x.createdAt) return y.createdAt < x.createdAt;
    const py = places.get(y.id);
    const px = places.get(x.id);
    return py !== undefined && px !== undefined && py.ok === px.ok && py.rank < px.rank && !restarts.some((t) => t >= y.submittedTime && t <= at);
  };
  const out: Violation[] = [];
  replayReadySet<Ready>(view, {
    enter: (e) => entry(e.ev.executionId, e.ev.at),
    // Queued by recover() before the new incarnation dispatches anything: ready for every claim it makes.
    recovered: (id) => entry(id, -Infinity),
    claim: (e, x, ready) => {
      if (x === undefined) return;
      const at = e.ev.at;
      const passedOver = [...ready.values()].find(
        (y) =>
          kindOf(y.id) === kindOf(x.id) && prio(y.id) === prio(x.id) && ahead(y, x, e.rec.time) && y.readyAt + ctx.toleranceMs < at &&
          !exitedBy(exits.get(y.id), e.rec.index, at) && !stormy(y.submittedTime, e.rec.time),
      );
      if (passedOver !== undefined) out.push(fifoViolation(view, e, x, passedOver));
    },
  });
  return out;
}

function fifoViolation(view: HistoryView, e: Ev<'claimed'>, x: Ready, y: Ready): Violation {
  const order = y.createdAt === x.createdAt ? `created by one request at t=${y.createdAt}, ahead of it in the request's order` : `submitted at t=${y.createdAt} against t=${x.createdAt}`;
  const how = `${order}, ready ${y.readyAt === -Infinity ? 'since the recovery' : `since t=${y.readyAt}`}`;
  return violation(
    view.records,
    'priority',
    `${e.ev.workerId} was given ${x.id} while ${y.id} (same kind and priority) waited ahead of it (${how}): equal priorities go first in, first out`,
    { index: e.rec.index, executionId: x.id, workerId: e.ev.workerId },
  );
}
