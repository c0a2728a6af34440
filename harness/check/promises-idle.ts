/**
 * Promise 26 (capacity), its third rule: no idle capacity while work waits.
 * The assignment loop keeps every connected, non-draining worker busy up to
 * its concurrency (system/coordinator/assignment.ts), so an execution that is
 * ready (status `scheduled`) for longer than toleranceMs while some worker is
 * registered, not draining, holds fewer leases than its concurrency and runs
 * its kind, with no fault on that worker or the coordinator and the kind's
 * breaker closed, was stranded: a re-queue that never pushed it on the ready
 * queue, a wake that never came, a drain flag that outlived its session, a
 * capacity counted wrong. The outcome heals (a lease expiry, a later wake, a
 * reconnect), so only this rule sees them.
 *
 * Judged from the coordinator's own decisions (each event's `at`), so link
 * latency does not matter, and only up to the first coordinator crash
 * (recovery re-queues and restores leases without events).
 */
import { breakerHolds } from './promises-breaker.js';
import { DANGEROUS_KINDS } from './spec-tables.js';
import type { CheckContext } from './context.js';
import { type FullSpan, fullSpans } from './promises-capacity-reoffer.js';
import { coordinatorCrashes } from './promises-state.js';
import { clockOffset, push, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { WorkerCapabilities } from './worker-capabilities.js';

/** One stretch during which an execution was ready, by decision time; `index`: the record that ended it. */
interface Waiting {
  id: string;
  kind: string;
  from: number;
  to: number;
  index: number;
}

/** One stretch during which a worker had free capacity. */
interface Free {
  from: number;
  to: number;
  held: number;
  /** The worker's concurrency then. */
  limit: number;
}

/** Up to the first coordinator crash or restart (the end of what this rule judges). */
function firstCrash(view: HistoryView): { time: number; index: number } {
  const c = coordinatorCrashes(view)[0];
  return c === undefined ? { time: view.endAt, index: Infinity } : { time: c.at, index: c.index };
}

/** Every ready stretch of every execution, up to `end`. */
function waiting(view: HistoryView, end: { time: number; index: number }, offset: number): Waiting[] {
  const open = new Map<string, { from: number }>();
  const out: Waiting[] = [];
  const kindOf = (id: string): string => view.submitted.get(id)?.ev.kind ?? '?';
  for (const { rec, ev } of view.events) {
    if (rec.index >= end.index) break;
    if (ev.source !== 'coordinator' || !(ev.type === 'claimed' || ev.type === 'status')) continue;
    const was = open.get(ev.executionId);
    if (ev.type === 'status' && ev.to === 'scheduled') {
      // Future-dated work is ready from its scheduledAt (the delay queue releases it then).
      if (was === undefined) open.set(ev.executionId, { from: Math.max(ev.at, view.submitted.get(ev.executionId)?.ev.scheduledAt ?? 0) + offset });
      continue;
    }
    if (was === undefined) continue;
    open.delete(ev.executionId);
    out.push({ id: ev.executionId, kind: kindOf(ev.executionId), from: was.from, to: ev.at + offset, index: rec.index });
  }
  for (const [id, w] of open) out.push({ id, kind: kindOf(id), from: w.from, to: end.time, index: end.index });
  return out;
}

/** Per worker, the stretches with free capacity (registered, not draining, fewer leases than `limit`), up to `end`. */
function freeCapacity(view: HistoryView, caps: WorkerCapabilities, end: { time: number; index: number }, offset: number): Map<string, Free[]> {
  // limit: the worker's concurrency as its latest registration gave it (worker-capabilities.ts).
  type State = { registered: boolean; draining: boolean; session: string; held: Set<string>; since?: number; limit: number };
  const states = new Map<string, State>();
  const out = new Map<string, Free[]>();
  const isFree = (s: State): boolean => s.registered && !s.draining && s.held.size < s.limit;
  const update = (w: string, s: State, at: number, change: () => void): void => {
    const before = isFree(s);
    const [heldBefore, limitBefore] = [s.held.size, s.limit];
    change();
    if (before && !isFree(s) && s.since !== undefined) push(out, w, { from: s.since, to: at, held: heldBefore, limit: limitBefore });
    if (!before && isFree(s)) s.since = at;
  };
  for (const { rec, ev } of view.events) {
    if (rec.index >= end.index) break;
    if (ev.source !== 'coordinator' || !('workerId' in ev)) continue;
    const w = ev.workerId;
    const at = ev.at + offset;
    let s = states.get(w);
    if (s === undefined) states.set(w, (s = { registered: false, draining: false, session: '', held: new Set(), limit: 0 }));
    if (ev.type === 'worker_registered') {
      update(w, s, at, () => {
        if (ev.sessionId !== s.session) s.draining = false;
        s.registered = true;
        s.session = ev.sessionId;
        s.limit = caps.atCoordinator(w, rec.index + 1).concurrency ?? 0;
      });
    } else if (ev.type === 'worker_disconnected' || ev.type === 'worker_lost') update(w, s, at, () => (s.registered = false));
    else if (ev.type === 'msg_delivered' && ev.msgType === 'drain') update(w, s, at, () => (s.draining = true));
    else if (ev.type === 'claimed') update(w, s, at, () => s.held.add(ev.leaseToken));
    else if (ev.type === 'lease_released' || ev.type === 'lease_expired' || ev.type === 'result_recorded') update(w, s, at, () => s.held.delete(ev.leaseToken));
  }
  for (const [w, s] of states) if (isFree(s) && s.since !== undefined) push(out, w, { from: s.since, to: end.time, held: s.held.size, limit: s.limit });
  return out;
}

interface Span {
  from: number;
  to: number;
}

/**
 * Per kind, when its circuit breaker may not have been closed: from the
 * failure that made failureThreshold consecutive failed or timed-out attempts
 * (status changes, so engine-side timeouts count too) until the kind's next
 * completion (a success closes a half-open breaker). Generous on purpose:
 * while a breaker may hold claims back, nothing is judged.
 */
export function breakerSpans(view: HistoryView, ctx: CheckContext, offset: number): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  if (ctx.breaker === false) return out;
  const threshold = ctx.breakerFailureThreshold ?? 5;
  const count = new Map<string, number>();
  const open = new Map<string, number>();
  for (const { ev } of view.events) {
    if (ev.source !== 'coordinator' || ev.type !== 'status' || !ACTIVE.has(ev.from ?? '')) continue;
    const kind = view.submitted.get(ev.executionId)?.ev.kind ?? '?';
    const at = ev.at + offset;
    if (ev.to === 'completed') {
      const since = open.get(kind);
      if (since !== undefined) push(out, kind, { from: since, to: at });
      open.delete(kind);
      count.set(kind, 0);
    } else if (ev.to === 'failed' || ev.to === 'timeout') {
      const n = (count.get(kind) ?? 0) + 1;
      count.set(kind, n);
      if (n >= threshold && !open.has(kind)) open.set(kind, at);
    }
  }
  for (const [kind, since] of open) push(out, kind, { from: since, to: Infinity });
  return out;
}

/** Statuses of an attempt in progress (a change from one of them to failed/timeout/completed is an attempt's end). */
const ACTIVE: ReadonlySet<string> = new Set(['preparing', 'running']);

/**
 * 27. Nothing is claimed before its scheduledAt: a claim whose decision (the
 * coordinator's clock, the same clock scheduledAt is read on) comes earlier.
 */
export function checkDueTime(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const e of view.ofType('claimed')) {
    const due = view.submitted.get(e.ev.executionId)?.ev.scheduledAt;
    if (due === undefined || e.ev.at >= due) continue;
    out.push(
      violation(view.records, 'due-time', `${e.ev.executionId} was claimed by ${e.ev.workerId} at t=${e.rec.time}, ${due - e.ev.at} ms before its scheduledAt: future-dated work waits until it is due`, {
        index: e.rec.index,
        executionId: e.ev.executionId,
        workerId: e.ev.workerId,
      }),
    );
  }
  return out;
}

/** 26 (third rule). See the file header. */
export function checkIdleCapacity(view: HistoryView, ctx: CheckContext): Violation[] {
  // Under a global cap (maxConcurrency) free worker slots are not idle capacity: not judged.
  if (ctx.maxConcurrency !== undefined) return [];
  if (ctx.workerConcurrency === undefined) return [];
  const end = firstCrash(view);
  const offset = clockOffset(view);
  const long = waiting(view, end, offset).filter((x) => x.to - x.from > ctx.toleranceMs);
  if (long.length === 0) return [];
  const free = freeCapacity(view, new WorkerCapabilities(view, ctx), end, offset);
  const full = fullSpans(view);
  const exact = breakerHolds(view, ctx, offset);
  const breakers = exact ?? breakerSpans(view, ctx, offset);
  const runs = (kind: string): boolean => (ctx.workerKinds === undefined ? !DANGEROUS_KINDS.has(kind) : ctx.workerKinds.includes(kind));
  const out: Violation[] = [];
  for (const x of long) {
    if (!runs(x.kind)) continue;
    const found = idleWorker(view, ctx, { free, full }, x, { exact: exact !== undefined, spans: breakers.get(x.kind) ?? [] });
    if (found === undefined) continue;
    out.push(
      violation(
        view.records,
        'capacity',
        `${x.id} (kind ${x.kind}) was ready from t=${found.from} to t=${found.to} while ${found.w} was registered with free capacity (${found.held} of ${found.limit} leases), not draining, no fault: ready work must be given to an idle worker`,
        { index: x.index === Infinity ? undefined : x.index, executionId: x.id, workerId: found.w },
      ),
    );
  }
  return out;
}

/**
 * When the kind's breaker may hold claims back: exactly (the breaker
 * replay's open and trials-full spans, when the scenario configures the
 * breaker: only the idle time outside them is judged) or generously
 * (breakerSpans: any overlap excuses).
 */
interface BreakerHolds {
  exact: boolean;
  spans: readonly Span[];
}

/** The longest stretch of [from, to] outside every span, or undefined. */
function longestUncovered(from: number, to: number, spans: readonly Span[]): Span | undefined {
  let best: Span | undefined;
  let at = from;
  for (const s of [...spans].filter((b) => b.to > from && b.from < to).sort((a, b) => a.from - b.from)) {
    if (s.from > at && (best === undefined || s.from - at > best.to - best.from)) best = { from: at, to: s.from };
    at = Math.max(at, s.to);
  }
  if (at < to && (best === undefined || to - at > best.to - best.from)) best = { from: at, to };
  return best;
}

/**
 * A worker idle for more than the tolerance while `x` waited, with no fault
 * and the kind's breaker closed; not while it had said it is full (a refusal
 * at its concurrency limit, promises-capacity-reoffer.ts).
 */
function idleWorker(view: HistoryView, ctx: CheckContext, workers: { free: Map<string, Free[]>; full: Map<string, FullSpan[]> }, x: Waiting, breaker: BreakerHolds): { w: string; from: number; to: number; held: number; limit: number } | undefined {
  for (const [w, list] of workers.free) {
    for (const f of list) {
      const uncovered = longestUncovered(Math.max(x.from, f.from), Math.min(x.to, f.to), workers.full.get(w) ?? []);
      if (uncovered === undefined) continue;
      const { from, to } = uncovered;
      if (to - from <= ctx.toleranceMs || view.anyFaultOn(w, from, to)) continue;
      const free = breaker.exact ? longestUncovered(from, to, breaker.spans) : breaker.spans.some((b) => b.from <= to && b.to >= from) ? undefined : { from, to };
      if (free === undefined || free.to - free.from <= ctx.toleranceMs) continue;
      return { w, from: free.from, to: free.to, held: f.held, limit: f.limit };
    }
  }
  return undefined;
}
