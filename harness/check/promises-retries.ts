/**
 * Promise 5 (ARCHITECTURE.md): retries. Failed attempts stay within
 * 1 + maxRetries and each retry comes on the retry strategy's schedule,
 * the policy being the one the client asked for (harness/check/client-policy.ts;
 * the engine's own copy only for executions the workload did not submit).
 */
import { breakerHolds } from './promises-breaker.js';
import type { RetryPolicy } from '../../system/core/index.js';
import type { CheckContext } from './context.js';
import { clockOffset, type Ev, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { storeSpans } from './store-spans.js';
import { allowedFailures, askedPolicies } from './client-policy.js';

/** Storage faults on the coordinator: the store spans they cause (store_failed..store_recovered) are judged instead. */
const STORE_FAULTS: readonly string[] = ['disk_full', 'disk_error'];

/**
 * A worker that was registered and held no lease at time t, with no fault on
 * it or the coordinator since `from`: anything ready by t would have been
 * claimed by it.
 */
function idleWorkerAt(view: HistoryView, t: number, from: number, except: readonly string[] = []): string | undefined {
  const held = new Map<string, Set<string>>();
  const registered = new Map<string, number>();
  for (const { rec, ev } of view.events) {
    if (rec.time > t) break;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'claimed') held.set(ev.workerId, (held.get(ev.workerId) ?? new Set()).add(ev.leaseToken));
    else if (ev.type === 'lease_released' || ev.type === 'lease_expired' || ev.type === 'result_recorded') held.get(ev.workerId)?.delete(ev.leaseToken);
    else if (ev.type === 'worker_registered') registered.set(ev.workerId, (registered.get(ev.workerId) ?? 0) + 1);
    else if (ev.type === 'worker_disconnected' || ev.type === 'worker_lost') registered.set(ev.workerId, 0);
  }
  for (const [w, n] of registered) {
    if (n > 0 && (held.get(w)?.size ?? 0) === 0 && !view.anyFaultOn(w, from, t, except)) return w;
  }
  return undefined;
}

/** Reference retry delay after the n-th failure (n >= 1), written independently of the engine's. */
export function expectedRetryDelay(p: RetryPolicy, n: number): number {
  let raw: number;
  switch (p.strategy) {
    case 'none':
    case 'immediate':
      return 0;
    case 'fixed':
      raw = p.delayMs;
      break;
    case 'exponential':
      raw = n > 60 ? Infinity : p.delayMs * 2 ** (n - 1);
      break;
    case 'fibonacci': {
      let a = 0;
      let b = 1;
      for (let i = 1; i < n && b * p.delayMs <= p.maxDelayMs; i++) [a, b] = [b, a + b];
      raw = p.delayMs * b;
      break;
    }
  }
  return Math.min(raw, p.maxDelayMs);
}

/**
 * Could the kind's circuit breaker have held this retry back? Only if the
 * kind's consecutive failures (failed/timeout results, reset by a completed
 * one; the breaker's own rule) reached the threshold at some point from the
 * failure to the claim. Below it the breaker was closed: the retry is judged.
 */
export function breakerMayHold(view: HistoryView, kind: string, from: number, claimIndex: number, ctx: CheckContext): boolean {
  if (ctx.breaker === false) return false;
  const threshold = ctx.breakerFailureThreshold ?? 5;
  let consecutive = 0;
  for (const e of view.ofType('result_recorded')) {
    if (e.rec.index >= claimIndex) break;
    if (view.submitted.get(e.ev.executionId)?.ev.kind !== kind) continue;
    consecutive = e.ev.outcome === 'failed' || e.ev.outcome === 'timeout' ? consecutive + 1 : e.ev.outcome === 'completed' ? 0 : consecutive;
    if (consecutive >= threshold && e.rec.time >= from) return true;
  }
  return consecutive >= threshold;
}

/**
 * 5. Failed attempts within 1 + maxRetries; the next attempt never comes
 * before the strategy's delay, nor after it while a worker sat idle (unless
 * the kind's circuit breaker could have been open then: breakerMayHold; when
 * the scenario configures the breaker, its replay (promises-breaker.ts
 * breakerHolds) says exactly when it let the retry through, and a retry
 * later than that with a worker idle is late).
 */
export function checkRetries(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const holds = breakerHolds(view, ctx, clockOffset(view));
  const asked = askedPolicies(view);
  for (const [id, stored] of view.submitted) {
    const sub = asAsked(stored, asked.get(id));
    const events = view.byExecution.get(id) ?? [];
    const failed = new Set<number>();
    let lastFailureAt: number | undefined;
    for (const e of events) {
      const ev = e.ev;
      const attemptFailed =
        (ev.type === 'result_recorded' && (ev.outcome === 'failed' || ev.outcome === 'timeout')) ||
        (ev.type === 'status' && (ev.to === 'timeout' || (ev.to === 'retrying' && /timeout/.test(ev.reason ?? ''))));
      if (attemptFailed && ev.attempt > 0 && !failed.has(ev.attempt)) {
        failed.add(ev.attempt);
        lastFailureAt = e.rec.time;
      }
      // A client's resume runs the paused execution now: the rest of its retry delay is not owed (engine-control.ts).
      if (ev.type === 'status' && ev.reason === 'resumed') lastFailureAt = undefined;
      if (ev.type !== 'claimed') continue;
      out.push(...claimViolations(view, ctx, id, sub, e as Ev<'claimed'>, failed.size, lastFailureAt, holds?.get(sub.ev.kind) ?? (holds === undefined ? undefined : [])));
      lastFailureAt = undefined;
    }
    if (failed.size > sub.ev.maxAttempts) {
      out.push(
        violation(view.records, 'retries', `${failed.size} attempts failed; at most ${sub.ev.maxAttempts} may (1 + maxRetries)`, {
          index: events[events.length - 1]?.rec.index,
          executionId: id,
        }),
      );
    }
  }
  return out;
}

/** The submitted event judged by the policy the client asked for, when the workload recorded it (client-policy.ts), not the one the engine says it stored. */
function asAsked(sub: Ev<'submitted'>, policy: RetryPolicy | undefined): Ev<'submitted'> {
  return policy === undefined ? sub : { ...sub, ev: { ...sub.ev, retry: policy, maxAttempts: allowedFailures(policy) } };
}

/** Judges one claim of a submitted execution: not past the attempt limit, not before nor (with a worker idle) after the retry delay. */
function claimViolations(
  view: HistoryView,
  ctx: CheckContext,
  id: string,
  sub: Ev<'submitted'>,
  e: Ev<'claimed'>,
  failures: number,
  lastFailureAt: number | undefined,
  holds: readonly { from: number; to: number }[] | undefined,
): Violation[] {
  const out: Violation[] = [];
  const attempt = e.ev.attempt;
  if (failures >= sub.ev.maxAttempts) {
    out.push(
      violation(
        view.records,
        'retries',
        `claimed again (attempt ${attempt}) after ${failures} failed attempts; at most ${sub.ev.maxAttempts} attempts may fail (1 + maxRetries)`,
        { index: e.rec.index, executionId: id },
      ),
    );
  }
  const policy = sub.ev.retry;
  if (policy === undefined || failures === 0 || lastFailureAt === undefined) return out;
  const expected = expectedRetryDelay(policy, failures);
  const waited = e.rec.time - lastFailureAt;
  const { afterStore, released, due } = retryDue(view, ctx, lastFailureAt + expected, holds);
  const late = released === undefined ? e.rec.time > due && !breakerMayHold(view, sub.ev.kind, lastFailureAt, e.rec.index, ctx) : e.rec.time > due;
  const idle = late && Number.isFinite(due) ? idleWorkerAt(view, due, lastFailureAt, STORE_FAULTS) : undefined;
  const held =
    released !== undefined && released > afterStore
      ? ` (the ${sub.ev.kind} breaker held it until t=${released})`
      : afterStore > lastFailureAt + expected
        ? ` (the store failed until t=${afterStore}; a reload keeps the retry's time)`
        : '';
  const asked = `strategy ${policy.strategy} (delay ${policy.delayMs}, cap ${policy.maxDelayMs}) asks for ${expected} ms${held}`;
  if (idle !== undefined) {
    out.push(
      violation(view.records, 'retries', `retried ${waited} ms after failure ${failures}; ${asked}, and ${idle} was idle at t=${due}: the retry came too late`, {
        index: e.rec.index,
        executionId: id,
      }),
    );
  }
  if (waited + ctx.toleranceMs < expected) {
    out.push(violation(view.records, 'retries', `retried ${waited} ms after failure ${failures}; ${asked}`, { index: e.rec.index, executionId: id }));
  }
  return out;
}

/**
 * When a retry due at `t` must be claimed by (`due`, tolerance included). A store failure holds every
 * claim back until its reload is done; the reload keeps nextRunAt, so a retry that came due meanwhile
 * is due at the recovery (`afterStore`), one due later keeps its time. With the breaker replayed exactly
 * (promises-breaker.ts), it is due once the breaker lets it through (`released`); else any chance it
 * held it excuses (undefined).
 */
function retryDue(view: HistoryView, ctx: CheckContext, t: number, holds: readonly { from: number; to: number }[] | undefined): { afterStore: number; released: number | undefined; due: number } {
  const stores = storeSpans(view).map((f) => ({ from: f.start, to: f.back }));
  const afterStore = releasedAt(t, stores, ctx.toleranceMs);
  const released = holds === undefined ? undefined : releasedAt(afterStore, [...holds, ...stores], ctx.toleranceMs);
  return { afterStore, released, due: (released ?? afterStore) + ctx.toleranceMs };
}

/** When spans holding claims back (gaps within the tolerance merged) release something ready at `t`. */
function releasedAt(t: number, holds: readonly { from: number; to: number }[], toleranceMs: number): number {
  let at = t;
  for (let moved = true; moved; ) {
    moved = false;
    for (const h of holds) {
      if (h.from <= at + toleranceMs && h.to > at) {
        at = h.to;
        moved = true;
      }
    }
  }
  return at;
}
