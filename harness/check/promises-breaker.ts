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
 *  - a claim that makes more trials than halfOpenMaxCalls in flight;
 *  - a kind stuck half-open: at the end of the run its breaker is half-open
 *    with a free trial slot (a trial's lease that ended without a verdict,
 *    expired or given back at a sync, frees its slot) while work of the kind
 *    is ready, and no trial was admitted for longer than resetTimeoutMs plus
 *    a reconnect bound after faults stopped. A leaked slot heals nothing, so
 *    promise 1 fires too; this names the breaker.
 * Breakers live in the coordinator's memory: a crash or restart closes them all.
 * Needs CheckContext.breakerResetMs and breakerHalfOpenMaxCalls (a scenario's coordinator.breaker).
 */
import type { CheckContext } from './context.js';
import { expectedRetryDelay } from './promises-retries.js';
import { coordinatorCrashes } from './promises-state.js';
import { clockOffset, isStatus, type Ev, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

interface Breaker {
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  openedAt: number;
  trials: Set<string>;
  /** Since when (decision time) a half-open breaker has had a trial slot free: it turned half-open, or a trial ended. */
  freeSince: number;
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
    b.freeSince = b.openedAt + c.resetMs;
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

/** What a walk over the coordinator's breaker decisions tells its visitor. */
interface BreakerVisitor {
  /** A claim, before it is added as a trial (b refreshed to the claim's time). */
  claim?: (e: Ev<'claimed'>, b: Breaker, kind: string) => void;
  /** After any event that may have changed b (opened it, ended a trial, added one); `index` is the event's record. */
  changed?: (kind: string, b: Breaker, at: number, index: number) => void;
}

function configOf(ctx: CheckContext): Config | undefined {
  if (ctx.breaker !== true || ctx.breakerResetMs === undefined) return undefined;
  return { threshold: ctx.breakerFailureThreshold ?? 5, resetMs: ctx.breakerResetMs, maxTrials: ctx.breakerHalfOpenMaxCalls ?? 1 };
}

/** Replays every kind's breaker from the coordinator's decisions (each event's `at`); a crash or restart closes them all. */
function walkBreakers(view: HistoryView, c: Config, visit: BreakerVisitor): Map<string, Breaker> {
  const crashes = coordinatorCrashes(view).map((x) => x.index);
  const kindOf = (id: string): string => view.submitted.get(id)?.ev.kind ?? '?';
  let breakers = new Map<string, Breaker>();
  const of = (kind: string): Breaker => {
    let b = breakers.get(kind);
    if (b === undefined) breakers.set(kind, (b = { state: 'closed', failures: 0, openedAt: 0, trials: new Set(), freeSince: 0 }));
    return b;
  };
  let nextCrash = 0;
  for (const e of view.events) {
    while (nextCrash < crashes.length && (crashes[nextCrash] ?? Infinity) < e.rec.index) {
      breakers = new Map();
      nextCrash++;
    }
    const ev = e.ev;
    if (ev.source !== 'coordinator' || (ev.type !== 'result_recorded' && ev.type !== 'lease_expired' && ev.type !== 'lease_released' && ev.type !== 'claimed')) continue;
    const kind = kindOf(ev.executionId);
    const b = of(kind);
    if (ev.type === 'result_recorded') onResult(b, ev, c);
    else if (ev.type !== 'claimed') {
      if (b.trials.delete(ev.executionId)) b.freeSince = ev.at;
    } else {
      refresh(b, ev.at, c);
      visit.claim?.(e as Ev<'claimed'>, b, kind);
      if (b.state === 'half-open') b.trials.add(ev.executionId);
    }
    visit.changed?.(kind, b, ev.at, e.rec.index);
  }
  return breakers;
}

/** 28. See the file header. */
export function checkBreakers(view: HistoryView, ctx: CheckContext): Violation[] {
  const c = configOf(ctx);
  if (c === undefined) return [];
  const out: Violation[] = [];
  const claim = (e: Ev<'claimed'>, b: Breaker, kind: string): void => {
    const { executionId, workerId, at } = e.ev;
    const problem = claimProblem(b, executionId, kind, at, c);
    if (problem !== undefined) out.push(violation(view.records, 'breaker', `${executionId} claimed by ${workerId} at t=${e.rec.time}: ${problem}`, { index: e.rec.index, executionId, workerId }));
  };
  const breakers = walkBreakers(view, c, { claim });
  for (const [kind, b] of breakers) out.push(...stuckHalfOpen(view, ctx, kind, b, c));
  return out;
}

/**
 * When each kind's breaker (replayed as above) held claims back, in record
 * time: open from its opening for resetTimeoutMs, and half-open with every
 * trial slot taken. Undefined when the scenario does not configure the
 * breaker (the checker then knows no reset period).
 */
export function breakerHolds(view: HistoryView, ctx: CheckContext, offset: number): Map<string, { from: number; to: number }[]> | undefined {
  const c = configOf(ctx);
  if (c === undefined) return undefined;
  const out = new Map<string, { from: number; to: number }[]>();
  const push = (kind: string, from: number, to: number): void => {
    const list = out.get(kind) ?? [];
    list.push({ from: from + offset, to: to + offset });
    out.set(kind, list);
  };
  const track = new Map<string, { openedAt: number; fullSince: number | undefined }>();
  const changed = (kind: string, b: Breaker, at: number): void => {
    let t = track.get(kind);
    if (t === undefined) track.set(kind, (t = { openedAt: -1, fullSince: undefined }));
    if (b.state === 'open' && b.openedAt !== t.openedAt) {
      t.openedAt = b.openedAt;
      push(kind, b.openedAt, b.openedAt + c.resetMs);
    }
    const full = b.state === 'half-open' && b.trials.size >= c.maxTrials;
    if (full && t.fullSince === undefined) t.fullSince = at;
    else if (!full && t.fullSince !== undefined) {
      push(kind, t.fullSince, at);
      t.fullSince = undefined;
    }
  };
  walkBreakers(view, c, { changed });
  for (const [kind, t] of track) if (t.fullSince !== undefined) push(kind, t.fullSince, Infinity);
  return out;
}

/**
 * Each kind's breaker state as the replay above has it at a record (before
 * it) and a coordinator time: what a read of the breaker then must show
 * (GET /metrics, promises-metrics-enums.ts). Kinds the replay never saw since
 * the last coordinator crash are closed (absent). Undefined when the
 * scenario does not configure the breaker.
 */
export function breakerStatesAt(view: HistoryView, ctx: CheckContext): ((index: number, at: number) => Map<string, Breaker['state']>) | undefined {
  const c = configOf(ctx);
  if (c === undefined) return undefined;
  const steps: { index: number; kind: string; state: Breaker['state']; openedAt: number }[] = [];
  walkBreakers(view, c, { changed: (kind, b, _at, index) => steps.push({ index, kind, state: b.state, openedAt: b.openedAt }) });
  const crashes = coordinatorCrashes(view).map((x) => x.index);
  return (index, at) => {
    const since = Math.max(-1, ...crashes.filter((i) => i < index));
    const out = new Map<string, Breaker['state']>();
    for (const s of steps) {
      if (s.index <= since || s.index >= index) continue;
      out.set(s.kind, s.state === 'open' && at >= s.openedAt + c.resetMs ? 'half-open' : s.state);
    }
    return out;
  };
}

/** Statuses of an execution that waits for a claim (once a retry's delay passed). */
const WAITING: ReadonlySet<string> = new Set(['scheduled', 'retrying']);

/** Promise 28's third rule (see the file header): the kind's breaker never admitted a trial again although work waited. */
function stuckHalfOpen(view: HistoryView, ctx: CheckContext, kind: string, b: Breaker, c: Config): Violation[] {
  const runs = ctx.workerKinds === undefined || ctx.workerKinds.includes(kind);
  if (!runs) return [];
  const offset = clockOffset(view);
  refresh(b, view.endAt - offset, c);
  if (b.state !== 'half-open' || b.trials.size >= c.maxTrials) return [];
  const idle = idleAtEnd(view);
  if (idle === undefined) return [];
  const since = Math.max(b.freeSince + offset, idle.since);
  for (const [id, sub] of view.submitted) {
    if (sub.ev.kind !== kind || b.trials.has(id)) continue;
    const last = (view.byExecution.get(id) ?? []).filter(isStatus).filter((e) => e.ev.source === 'coordinator').at(-1);
    if (last === undefined || !WAITING.has(last.ev.to)) continue;
    const delay = last.ev.to === 'retrying' && sub.ev.retry !== undefined ? expectedRetryDelay(sub.ev.retry, Math.max(1, last.ev.attempt)) : 0;
    const from = Math.max(since, last.ev.at + offset + delay);
    if (view.endAt - from <= c.resetMs + ctx.toleranceMs) continue;
    const text =
      `the ${kind} breaker has been half-open with ${b.trials.size} of ${c.maxTrials} trial(s) in flight since t=${b.freeSince + offset}, ` +
      `and ${id} (${last.ev.to} since t=${last.rec.time}) waited from t=${from} to the end (t=${view.endAt}) while ${idle.worker} was registered and idle, without a trial being admitted: ` +
      `a trial whose lease ended without a verdict must free its slot`;
    return [violation(view.records, 'breaker', text, { index: last.rec.index, executionId: id })];
  }
  return [];
}

/**
 * The worker that has been registered (not draining) and held no lease the
 * longest at the end of the run, and since when (record time); undefined if none is.
 */
function idleAtEnd(view: HistoryView): { worker: string; since: number } | undefined {
  const workers = new Map<string, { up: boolean; held: Set<string>; since: number }>();
  for (const { rec, ev } of view.events) {
    if (ev.source !== 'coordinator' || !('workerId' in ev)) continue;
    let w = workers.get(ev.workerId);
    if (w === undefined) workers.set(ev.workerId, (w = { up: false, held: new Set(), since: rec.time }));
    const idleBefore = w.up && w.held.size === 0;
    if (ev.type === 'worker_registered') w.up = true;
    else if (ev.type === 'worker_disconnected' || ev.type === 'worker_lost' || (ev.type === 'msg_delivered' && ev.msgType === 'drain')) w.up = false;
    else if (ev.type === 'claimed') w.held.add(ev.leaseToken);
    else if (ev.type === 'lease_released' || ev.type === 'lease_expired' || ev.type === 'result_recorded') w.held.delete(ev.leaseToken);
    if (!idleBefore && w.up && w.held.size === 0) w.since = rec.time;
  }
  let best: { worker: string; since: number } | undefined;
  for (const [worker, w] of workers) if (w.up && w.held.size === 0 && (best === undefined || w.since < best.since)) best = { worker, since: w.since };
  return best;
}

/** What is wrong with claiming `id` now, if anything. */
function claimProblem(b: Breaker, id: string, kind: string, at: number, c: Config): string | undefined {
  if (b.state === 'open') return `the ${kind} breaker opened ${at - b.openedAt} ms earlier (${b.failures} consecutive failures) and holds claims for ${c.resetMs} ms`;
  if (b.state === 'half-open' && !b.trials.has(id) && b.trials.size >= c.maxTrials) {
    return `the ${kind} breaker is half-open with ${b.trials.size} trial(s) in flight (${[...b.trials].join(', ')}); halfOpenMaxCalls is ${c.maxTrials}`;
  }
  return undefined;
}
