/**
 * Promises about executions (ARCHITECTURE.md 1–5): no lost work,
 * exactly-once completion, no double ownership, order, retries. Each checker
 * walks the events of one execution in history order.
 */
import { type ExecutionStatus, type RetryPolicy, TERMINAL_STATUSES } from '../../system/core/index.js';
import type { CheckContext } from './context.js';
import type { Ev, HistoryView } from './view.js';
import { finalTerminals, interimStatuses } from './view.js';
import { checkStuckLeases } from './promises-leases.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

const isTerminal = (s: ExecutionStatus): boolean => TERMINAL_STATUSES.has(s);
/** Statuses in which an execution holds a lease. */
const LEASED: ReadonlySet<ExecutionStatus> = new Set(['preparing', 'running']);

function statuses(events: readonly Ev[]): Ev<'status'>[] {
  return events.filter((e) => e.ev.type === 'status') as unknown as Ev<'status'>[];
}

/** 1. Every acknowledged submission reaches a terminal state, within healMs after heal; no lease outlives its holder's connection (checkStuckLeases). */
export function checkNoLostWork(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = checkStuckLeases(view, ctx);
  const healAt = ctx.healAt ?? view.healAt;
  for (const [id, ack] of view.acked) {
    const events = view.byExecution.get(id) ?? [];
    const st = statuses(events);
    const terminal = finalTerminals(events)[0];
    const last = st[st.length - 1];
    if (terminal === undefined) {
      const where = last === undefined ? 'the coordinator never mentioned it after the acknowledgement' : `last status ${last.ev.to} at t=${last.rec.time}`;
      out.push(
        violation(view.records, 'no-lost-work', `acknowledged at t=${ack.ok.time} but never reached a terminal state (${where}; run ended at t=${view.endAt})`, {
          index: last?.rec.index ?? ack.ok.index,
          executionId: id,
        }),
      );
    } else if (healAt !== undefined && terminal.rec.time > healAt + ctx.healMs) {
      out.push(
        violation(
          view.records,
          'no-lost-work',
          `reached ${terminal.ev.to} at t=${terminal.rec.time}, ${terminal.rec.time - healAt} ms after heal; the bound is ${ctx.healMs} ms`,
          { index: terminal.rec.index, executionId: id },
        ),
      );
    }
  }
  return out;
}

interface Claim {
  token: string;
  attempt: number;
  workerId: string;
  open: boolean;
  ended?: string;
  /** The engine releases a lease as it records its outcome: the release reason is that outcome. */
  releasedFor?: string;
}

/** 2. At most one recorded result per attempt, one completion, one terminal state; results only under the current lease. */
export function checkExactlyOnce(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  // Worker-side completions, to check a recorded completion came from its lease holder.
  const finishedAt = new Map<string, number>();
  const reporting = new Set<string>();
  for (const e of view.ofType('task_finished')) {
    reporting.add(e.ev.workerId);
    const k = `${e.ev.workerId}/${e.ev.leaseToken}`;
    if (e.ev.outcome === 'completed' && !finishedAt.has(k)) finishedAt.set(k, e.rec.time);
  }
  for (const [id, events] of view.byExecution) {
    let current: Claim | undefined;
    const recorded = new Set<string>();
    // Leases released because of a result (reason = the outcome): the result_recorded event follows the
    // commit, so with an immediate retry it can come after the next attempt's claim; it is still fenced.
    const releasedForResult = new Map<string, string>();
    let completed: Ev | undefined;
    let terminal: Ev<'status'> | undefined;
    const interim = interimStatuses(events);
    const v = (e: Ev, message: string): void => {
      out.push(violation(view.records, 'exactly-once', message, { index: e.rec.index, executionId: id }));
    };
    for (const e of events) {
      const ev = e.ev;
      switch (ev.type) {
        case 'claimed':
          current = { token: ev.leaseToken, attempt: ev.attempt, workerId: ev.workerId, open: true };
          break;
        case 'lease_expired':
        case 'lease_released':
          if (ev.type === 'lease_released') releasedForResult.set(ev.leaseToken, ev.reason);
          if (current !== undefined && current.token === ev.leaseToken && current.open) {
            current.open = false;
            current.ended = `${ev.type === 'lease_expired' ? 'expired' : `was released (${ev.type === 'lease_released' ? ev.reason : ''})`} at t=${e.rec.time}`;
            if (ev.type === 'lease_released') current.releasedFor = ev.reason;
          }
          break;
        case 'result_recorded': {
          const key = `${ev.attempt}/${ev.leaseToken}`;
          if (recorded.has(key)) v(e, `a second result was recorded for attempt ${ev.attempt} (lease ${ev.leaseToken}); duplicates must be acknowledged and ignored`);
          recorded.add(key);
          if (current === undefined) v(e, `a result was recorded (lease ${ev.leaseToken}) for an execution that was never claimed`);
          else if (current.token !== ev.leaseToken) {
            if (releasedForResult.get(ev.leaseToken) !== ev.outcome) v(e, `a result with lease ${ev.leaseToken} (attempt ${ev.attempt}, ${ev.workerId}) was recorded, but the current lease is ${current.token} (attempt ${current.attempt}, ${current.workerId}): not fenced`);
          } else if (!current.open && current.releasedFor !== ev.outcome) {
            v(e, `a result was recorded under lease ${ev.leaseToken} after that lease ${current.ended ?? 'ended'}: not fenced`);
          }
          if (current !== undefined && current.token === ev.leaseToken) current.releasedFor = undefined;
          if (ev.outcome === 'completed' && reporting.has(ev.workerId)) {
            const done = finishedAt.get(`${ev.workerId}/${ev.leaseToken}`);
            if (done === undefined || done > e.rec.time + ctx.toleranceMs) {
              v(e, `completion recorded for ${ev.workerId}'s lease ${ev.leaseToken} at t=${e.rec.time}, but that worker ${done === undefined ? 'never finished it' : `only finished it at t=${done}`}: the result came from someone else (not fenced)`);
            }
          }
          if (ev.outcome === 'completed') {
            if (completed !== undefined) v(e, `completed twice (first at t=${completed.rec.time}, again at t=${e.rec.time})`);
            completed = e;
          }
          break;
        }
        case 'status':
          if (interim.has(e.rec.index)) break;
          if (terminal !== undefined) {
            v(e, `left terminal state ${terminal.ev.to} (reached at t=${terminal.rec.time}) for ${ev.to}`);
          } else if (isTerminal(ev.to)) terminal = e as unknown as Ev<'status'>;
          break;
        default:
          break;
      }
    }
  }
  return out;
}

/** 3. Never two valid leases on one execution: a lease lives from claimed to its result, expiry, release or the end of the leased state. */
export function checkNoDoubleOwnership(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const [id, events] of view.byExecution) {
    const open = new Map<string, Ev<'claimed'>>();
    for (const e of events) {
      const ev = e.ev;
      if (ev.type === 'claimed') {
        for (const [token, c] of open) {
          if (token === ev.leaseToken) continue;
          out.push(
            violation(
              view.records,
              'no-double-ownership',
              `claimed by ${ev.workerId} (lease ${ev.leaseToken}, attempt ${ev.attempt}) at t=${e.rec.time} while ${c.ev.workerId}'s lease ${token} (attempt ${c.ev.attempt}, claimed at t=${c.rec.time}) was still valid`,
              { index: e.rec.index, executionId: id, workerId: ev.workerId },
            ),
          );
        }
        open.set(ev.leaseToken, e as Ev<'claimed'>);
      } else if (ev.type === 'lease_expired' || ev.type === 'lease_released' || ev.type === 'result_recorded') {
        open.delete(ev.leaseToken);
      } else if (ev.type === 'status' && !LEASED.has(ev.to)) {
        open.clear();
      }
    }
  }
  return out;
}

/** 4. Nothing is claimed or started before its dependencies completed; dependents of failed ones end failed. */
export function checkOrder(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const completedAt = new Map<string, number>();
  const finalStatus = new Map<string, Ev<'status'>>();
  for (const e of view.ofType('status')) {
    if (e.ev.to === 'completed' && !completedAt.has(e.ev.executionId)) completedAt.set(e.ev.executionId, e.rec.index);
    finalStatus.set(e.ev.executionId, e);
  }
  const intended = intendedDependencies(view);
  for (const [id, sub] of view.submitted) {
    const asked = intended.get(id) ?? [];
    const dropped = asked.filter((d) => !sub.ev.dependencies.includes(d));
    if (dropped.length > 0) {
      out.push(
        violation(
          view.records,
          'order',
          `submitted with dependencies [${sub.ev.dependencies.join(', ')}] but the client asked for [${asked.join(', ')}]: dependencies ${dropped.join(', ')} dropped`,
          { index: sub.rec.index, executionId: id },
        ),
      );
    }
    const deps = [...new Set([...sub.ev.dependencies, ...asked])];
    if (deps.length === 0) continue;
    const events = view.byExecution.get(id) ?? [];
    const claimedTokens = new Set<string>();
    for (const e of events) {
      if (e.ev.type !== 'claimed' && e.ev.type !== 'task_started') continue;
      if (e.ev.type === 'task_started' && claimedTokens.has(e.ev.leaseToken)) continue;
      if (e.ev.type === 'claimed') claimedTokens.add(e.ev.leaseToken);
      for (const d of deps) {
        const done = completedAt.get(d);
        if (done === undefined || done > e.rec.index) {
          const ds = finalStatus.get(d);
          out.push(
            violation(
              view.records,
              'order',
              `${e.ev.type === 'claimed' ? 'claimed' : 'started'} at t=${e.rec.time} before its dependency ${d} completed (${done === undefined ? `it ended ${ds?.ev.to ?? 'unknown'}` : `it completed later`})`,
              { index: e.rec.index, executionId: id },
            ),
          );
          break;
        }
      }
    }
    const failedDep = deps.find((d) => {
      const s = finalStatus.get(d)?.ev.to;
      return s !== undefined && isTerminal(s) && s !== 'completed';
    });
    if (failedDep !== undefined) {
      const mine = finalStatus.get(id);
      if (mine === undefined || (mine.ev.to !== 'failed' && mine.ev.to !== 'cancelled')) {
        out.push(
          violation(
            view.records,
            'order',
            `dependency ${failedDep} ended ${finalStatus.get(failedDep)?.ev.to ?? '?'} but this dependent ${mine === undefined ? 'has no status' : `ended ${mine.ev.to}`}; it must end failed (dependency_failed), not hang or run`,
            { index: mine?.rec.index ?? sub.rec.index, executionId: id },
          ),
        );
      }
    }
  }
  return out;
}

/** Dependencies each graph node was submitted with by the client (submit invoke's dependsOn), by execution id. */
function intendedDependencies(view: HistoryView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ack of view.acked.values()) {
    const dependsOn = ack.invoke?.value.dependsOn;
    const ids = ack.ok.value.executionIds;
    if (!Array.isArray(dependsOn) || !Array.isArray(ids) || out.has(ack.executionId)) continue;
    const at = ids.indexOf(ack.executionId);
    const mine: unknown = dependsOn[at];
    if (!Array.isArray(mine)) continue;
    out.set(
      ack.executionId,
      mine.map((j) => ids[j as number]).filter((d): d is string => typeof d === 'string'),
    );
  }
  return out;
}

/**
 * A worker that was registered and held no lease at time t, with no fault on
 * it or the coordinator since `from`: anything ready by t would have been
 * claimed by it.
 */
function idleWorkerAt(view: HistoryView, t: number, from: number): string | undefined {
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
    if (n > 0 && (held.get(w)?.size ?? 0) === 0 && !view.anyFaultOn(w, from, t)) return w;
  }
  return undefined;
}

/** Reference retry delay after the n-th failure (n >= 1), written independently of the engine's. */
function expectedRetryDelay(p: RetryPolicy, n: number): number {
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
function breakerMayHold(view: HistoryView, kind: string, from: number, claimIndex: number, ctx: CheckContext): boolean {
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
 * the kind's circuit breaker could have been open then: breakerMayHold).
 */
export function checkRetries(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  for (const [id, sub] of view.submitted) {
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
      if (ev.type !== 'claimed') continue;
      if (failed.size >= sub.ev.maxAttempts) {
        out.push(
          violation(
            view.records,
            'retries',
            `claimed again (attempt ${ev.attempt}) after ${failed.size} failed attempts; at most ${sub.ev.maxAttempts} attempts may fail (1 + maxRetries)`,
            { index: e.rec.index, executionId: id },
          ),
        );
      }
      const policy = sub.ev.retry;
      if (policy !== undefined && failed.size > 0 && lastFailureAt !== undefined) {
        const expected = expectedRetryDelay(policy, failed.size);
        const waited = e.rec.time - lastFailureAt;
        const due = lastFailureAt + expected + ctx.toleranceMs;
        const late = waited > expected + ctx.toleranceMs && !breakerMayHold(view, sub.ev.kind, lastFailureAt, e.rec.index, ctx);
        const idle = late ? idleWorkerAt(view, due, lastFailureAt) : undefined;
        if (idle !== undefined) {
          out.push(
            violation(
              view.records,
              'retries',
              `retried ${waited} ms after failure ${failed.size}; strategy ${policy.strategy} (delay ${policy.delayMs}, cap ${policy.maxDelayMs}) asks for ${expected} ms, and ${idle} was idle at t=${due}: the retry came too late`,
              { index: e.rec.index, executionId: id },
            ),
          );
        }
        if (waited + ctx.toleranceMs < expected) {
          out.push(
            violation(
              view.records,
              'retries',
              `retried ${waited} ms after failure ${failed.size}; strategy ${policy.strategy} (delay ${policy.delayMs}, cap ${policy.maxDelayMs}) asks for ${expected} ms`,
              { index: e.rec.index, executionId: id },
            ),
          );
        }
      }
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
