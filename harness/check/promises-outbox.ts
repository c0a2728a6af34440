/**
 * The worker's outbox under a flood (part of promise 11, `delivery`). The
 * flood driver records what each worker's outbox answered per tick (`note`
 * records `{flood: 'tick', workerId, accepted, refused, outboxDepth?,
 * outboxCapacity?}`, harness/scenario/run-sim.ts floodTick), and two rules
 * judge it:
 *  - a refusal is backpressure only when the outbox is full: the bounded
 *    messages (progress, data) fill its capacity, and they are a subset of
 *    what waits, so a refusal while fewer than `outboxCapacity` messages wait
 *    is a leaked slot, not backpressure;
 *  - a data message the outbox accepted is delivered to the coordinator
 *    (its `msg_delivered`), unless the worker's process died (kill, restart,
 *    drain) and took its memory along, or the worker still held it when the
 *    run ended (the driver's `{flood: 'end', workerId, held}` note: queued
 *    plus unacknowledged messages of every kind, an upper bound).
 */
import type { CheckContext } from './context.js';
import { parseTaskKey } from './promises-acked.js';
import { attemptKey } from './promises-attempts.js';
import type { HistoryRecord } from './history.js';
import type { HistoryView } from './view.js';
import { affectsWorker } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** A flood tick as the driver records it. */
interface FloodTick {
  rec: HistoryRecord;
  workerId: string;
  accepted: number;
  refused: number;
  outboxDepth?: number;
  outboxCapacity?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Flood ticks recorded in the history, in order. */
function floodTicks(records: readonly HistoryRecord[]): FloodTick[] {
  const out: FloodTick[] = [];
  for (const rec of records) {
    const v = rec.value;
    if (rec.f !== 'note' || v.flood !== 'tick' || typeof v.workerId !== 'string') continue;
    const t: FloodTick = { rec, workerId: v.workerId, accepted: num(v.accepted) ?? 0, refused: num(v.refused) ?? 0 };
    const depth = num(v.outboxDepth);
    const capacity = num(v.outboxCapacity);
    if (depth !== undefined) t.outboxDepth = depth;
    if (capacity !== undefined) t.outboxCapacity = capacity;
    out.push(t);
  }
  return out;
}

/** 11 (outbox). Refusals only when full; what the outbox accepted is delivered. */
export function checkOutbox(view: HistoryView, _ctx: CheckContext): Violation[] {
  const ticks = floodTicks(view.records);
  if (ticks.length === 0) return [];
  return [...refusedBelowCapacity(view, ticks), ...acceptedNotDelivered(view, ticks)];
}

/** The first refusal per worker while fewer messages waited than the outbox holds. */
function refusedBelowCapacity(view: HistoryView, ticks: readonly FloodTick[]): Violation[] {
  const out: Violation[] = [];
  const reported = new Set<string>();
  for (const t of ticks) {
    if (t.refused === 0 || t.outboxDepth === undefined || t.outboxCapacity === undefined || reported.has(t.workerId)) continue;
    if (t.outboxDepth >= t.outboxCapacity) continue;
    reported.add(t.workerId);
    out.push(
      violation(
        view.records,
        'delivery',
        `${t.workerId}'s outbox refused ${t.refused} data message(s) while only ${t.outboxDepth} message(s) waited in it, below its capacity of ${t.outboxCapacity}: a refusal is backpressure only when the bounded messages fill the outbox (a capacity slot was never given back)`,
        { index: t.rec.index, workerId: t.workerId },
      ),
    );
  }
  return out;
}

/** What each worker still held at the end (the driver's end note); a worker without one is not judged. */
function heldAtEnd(records: readonly HistoryRecord[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) if (r.f === 'note' && r.value.flood === 'end' && typeof r.value.workerId === 'string') out.set(r.value.workerId, num(r.value.held) ?? 0);
  return out;
}

/** Per worker without a process death: data accepted ≤ data delivered + what it still held at the end. */
function acceptedNotDelivered(view: HistoryView, ticks: readonly FloodTick[]): Violation[] {
  const out: Violation[] = [];
  const held = heldAtEnd(view.records);
  const accepted = new Map<string, { n: number; last: FloodTick }>();
  for (const t of ticks) {
    if (t.accepted === 0) continue;
    const a = accepted.get(t.workerId) ?? { n: 0, last: t };
    accepted.set(t.workerId, { n: a.n + t.accepted, last: t });
  }
  const died = (w: string): boolean =>
    view.faults.some((f) => (f.details.action === 'kill' || f.details.action === 'restart' || f.details.action === 'drain') && affectsWorker(f.details, w));
  for (const [w, a] of accepted) {
    const stillHeld = held.get(w);
    if (stillHeld === undefined || died(w)) continue;
    const delivered = (view.byWorker.get(w) ?? []).filter(
      (e) => e.ev.type === 'msg_delivered' && e.ev.source === 'coordinator' && e.ev.dir === 'to_coordinator' && e.ev.msgType === 'data',
    ).length;
    if (delivered + stillHeld >= a.n) continue;
    out.push(
      violation(
        view.records,
        'delivery',
        `${w}'s outbox accepted ${a.n} data message(s) (by t=${a.last.rec.time}) but the coordinator had ${delivered} delivered by the end and ${w} held at most ${stillHeld} more: ${a.n - delivered - stillHeld} accepted message(s) were lost inside the worker`,
        { index: a.last.rec.index, workerId: w },
      ),
    );
  }
  return out;
}

/**
 * The outbox keeps an attempt's own order: its start goes out before its
 * checkpoints (docs/PROTOCOL.md, "The start folded into the result": a
 * checkpoint sends the held `started` first, so the coordinator never hears
 * of an attempt's work before its start; a checkpoint of an attempt it still
 * has as preparing is saved while the attempt is not yet running), and its
 * checkpoints go out before its result (a checkpoint sent after the result
 * of its lease arrives for a finished attempt: the coordinator drops it, and
 * a resume from it is lost). Judged on first sends (`msg_sent`, not re-sends)
 * of each worker process.
 */
export function checkAttemptOrder(view: HistoryView): Violation[] {
  const resultSent = new Map<string, number>();
  const startSent = new Set<string>();
  const out: Violation[] = [];
  for (const e of view.ofType('msg_sent')) {
    const ev = e.ev;
    if (ev.dir !== 'to_coordinator' || ev.resend) continue;
    const key = parseTaskKey(ev.key);
    if (key === undefined) continue;
    const lease = attemptKey(ev.workerId, view.lifeOf(ev.workerId, e.rec.index), key.leaseToken);
    if (key.kind === 'started') startSent.add(lease);
    if (key.kind === 'result') resultSent.set(lease, e.rec.time);
    if (key.kind !== 'checkpoint') continue;
    const where = { index: e.rec.index, executionId: key.executionId, workerId: ev.workerId };
    const at = resultSent.get(lease);
    if (at !== undefined) {
      out.push(violation(view.records, 'delivery', `${ev.workerId} sent checkpoint ${key.detail} of lease ${key.leaseToken} (seq ${ev.seq}) after that attempt's result (t=${at}): an attempt's checkpoints leave before its result`, where));
    } else if (!startSent.has(lease)) {
      const msg = `${ev.workerId} sent checkpoint ${key.detail} of lease ${key.leaseToken} (seq ${ev.seq}) at t=${e.rec.time} before that attempt's started: an attempt's start leaves before anything else it sends (a checkpoint releases the held start first)`;
      out.push(violation(view.records, 'delivery', msg, where));
    }
  }
  return out;
}
