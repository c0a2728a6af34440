/**
 * 28. Circuit breakers (system/engine/circuit-breaker.ts, ARCHITECTURE.md):
 * a kind's breaker opens after failureThreshold consecutive failed or
 * timed-out attempts, holds every claim of that kind back for resetTimeoutMs,
 * then is half-open and lets at most halfOpenMaxCalls trial executions
 * through at a time; a success closes it, a failure (a trial's or any other)
 * while half-open opens it again. The checker replays that state machine,
 * written independently of the engine's, from the coordinator's decisions
 * (each event's `at`) and judges every claim against it:
 *  - a claim of a kind whose breaker is open;
 *  - a claim that makes more trials than halfOpenMaxCalls in flight.
 * Breakers live in the coordinator's memory: a crash or restart closes them all.
 * Needs CheckContext.breakerResetMs and breakerHalfOpenMaxCalls (a scenario's coordinator.breaker).
 */
import type { CheckContext } from './context.js';
import { coordinatorCrashes } from './promises-state.js';
import type { Ev, HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface Breaker {
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  openedAt: number;
  trials: Set<string>;
}

interface Config {
  threshold: number;
  resetMs: number;
  maxTrials: number;
}

/** The breaker at time `at`: an open one past its reset reads half-open (with no trials yet). */
function refresh(b: Breaker, at: number, c: Config): void {
  if (b.state === 'open' && at >= b.openedAt + c.resetMs) {
    b.state = 'half-open';
    b.trials.clear();
  }
}

function open(b: Breaker, at: number): void {
  b.state = 'open';
  b.openedAt = at;
  b.trials.clear();
}

/** An attempt's verdict on its kind. */
function onResult(b: Breaker, ev: Ev<'result_recorded'>['ev'], c: Config): void {
  b.trials.delete(ev.executionId);
  if (ev.outcome === 'completed') {
    b.failures = 0;
    b.state = 'closed';
    b.trials.clear();
  } else if (ev.outcome === 'failed' || ev.outcome === 'timeout') {
    refresh(b, ev.at, c);
    b.failures++;
    if (b.state === 'half-open' || (b.state === 'closed' && b.failures >= c.threshold)) open(b, ev.at);
  }
}

/** 28. See the file header. */
export function checkBreakers(view: HistoryView, ctx: CheckContext): Violation[] {
  if (ctx.breaker !== true || ctx.breakerResetMs === undefined) return [];
  const c: Config = { threshold: ctx.breakerFailureThreshold ?? 5, resetMs: ctx.breakerResetMs, maxTrials: ctx.breakerHalfOpenMaxCalls ?? 1 };
  const crashes = coordinatorCrashes(view).map((x) => x.index);
  const kindOf = (id: string): string => view.submitted.get(id)?.ev.kind ?? '?';
  let breakers = new Map<string, Breaker>();
  const of = (kind: string): Breaker => {
    let b = breakers.get(kind);
    if (b === undefined) breakers.set(kind, (b = { state: 'closed', failures: 0, openedAt: 0, trials: new Set() }));
    return b;
  };
  let nextCrash = 0;
  const out: Violation[] = [];
  for (const e of view.events) {
    while (nextCrash < crashes.length && (crashes[nextCrash] ?? Infinity) < e.rec.index) {
      breakers = new Map();
      nextCrash++;
    }
    const ev = e.ev;
    if (ev.source !== 'coordinator') continue;
    if (ev.type === 'result_recorded') onResult(of(kindOf(ev.executionId)), ev, c);
    else if (ev.type === 'lease_expired' || ev.type === 'lease_released') of(kindOf(ev.executionId)).trials.delete(ev.executionId);
    else if (ev.type === 'claimed') {
      const kind = kindOf(ev.executionId);
      const b = of(kind);
      refresh(b, ev.at, c);
      const problem = claimProblem(b, ev.executionId, kind, ev.at, c);
      if (problem !== undefined) out.push(violation(view.records, 'breaker', `${ev.executionId} claimed by ${ev.workerId} at t=${e.rec.time}: ${problem}`, { index: e.rec.index, executionId: ev.executionId, workerId: ev.workerId }));
      if (b.state === 'half-open') b.trials.add(ev.executionId);
    }
  }
  return out;
}

/** What is wrong with claiming `id` now, if anything. */
function claimProblem(b: Breaker, id: string, kind: string, at: number, c: Config): string | undefined {
  if (b.state === 'open') return `the ${kind} breaker opened ${at - b.openedAt} ms earlier (${b.failures} consecutive failures) and holds claims for ${c.resetMs} ms`;
  if (b.state === 'half-open' && !b.trials.has(id) && b.trials.size >= c.maxTrials) {
    return `the ${kind} breaker is half-open with ${b.trials.size} trial(s) in flight (${[...b.trials].join(', ')}); halfOpenMaxCalls is ${c.maxTrials}`;
  }
  return undefined;
}
