/**
 * Promise 26 (capacity), work-conserving dispatch at a released slot: the
 * assignment loop runs whenever capacity frees (system/coordinator/assignment.ts:
 * "a result, freed capacity"), so when the engine releases a lease (its
 * `lease_released`: a cancel, a coordinator-side timeout, a pause or revoke
 * result, an expiry) of a worker that stays registered, not draining, with
 * a slot free after it, while an execution of a kind it runs is ready
 * (`scheduled`, due, not claimed, its breaker closed), the coordinator claims
 * work within DISPATCH_BOUND_MS of the release, on its own clock. A release
 * that asks for no wake leaves the slot idle until some other event wakes the
 * loop (the worker's own result of a cancelled attempt, a link's round trip
 * later; blind set 11 #08). The idle rule (promises-idle.ts) judges stretches
 * longer than toleranceMs with no fault at all; this one judges the instant
 * of the release, so a slow link (latency, which changes nothing the
 * coordinator decides) does not excuse it.
 *
 * Not judged: under a global cap (coordinator.maxConcurrency: free slots
 * are not idle), after the first coordinator crash or restart (recovery
 * restores leases without events), while the store is failing (no claim can
 * commit), with any fault other than latency or clock skew on the worker or
 * any on the coordinator around the release, or while the ready kind's
 * breaker may hold claims back.
 */
import { breakerHolds } from './promises-breaker.js';
import { breakerSpans } from './promises-idle.js';
import { DANGEROUS_KINDS } from './spec-tables.js';
import type { CheckContext } from './context.js';
import { type FullSpan, fullSpans } from './promises-capacity-reoffer.js';
import { coordinatorCrashes } from './promises-state.js';
import { clockOffset, type Ev, type HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { WorkerCapabilities } from './worker-capabilities.js';

/** How soon after a release the loop must have claimed: its wake is a timer of 0 ms, so a claim lands in the same virtual millisecond; 5 ms of slack. */
const DISPATCH_BOUND_MS = 5;

/** One worker's state on the coordinator's clock. */
interface WorkerState {
  registered: boolean;
  draining: boolean;
  session: string;
  held: Set<string>;
  /** Its concurrency as its latest registration gave it (worker-capabilities.ts). */
  limit?: number;
}

/** What the replay knows at one release. */
interface Replay {
  workers: Map<string, WorkerState>;
  /** Ready executions: id to the time they were ready from. */
  ready: Map<string, number>;
  storeFailed: boolean;
}

/** Applies one coordinator event to the replay (worker states, ready set, store health). */
function apply(view: HistoryView, r: Replay, e: Ev, offset: number, caps: WorkerCapabilities): void {
  const ev = e.ev;
  if (ev.type === 'store_failed') r.storeFailed = true;
  else if (ev.type === 'store_recovered') r.storeFailed = false;
  else if (ev.type === 'status') {
    // Ready from its record (the commit after which it is queued), or its scheduledAt if later.
    const due = view.submitted.get(ev.executionId)?.ev.scheduledAt ?? 0;
    if (ev.to === 'scheduled') r.ready.set(ev.executionId, Math.max(e.rec.time, Math.max(ev.at, due) + offset));
    else r.ready.delete(ev.executionId);
  }
  if (!('workerId' in ev) || typeof ev.workerId !== 'string') return;
  let s = r.workers.get(ev.workerId);
  if (s === undefined) r.workers.set(ev.workerId, (s = { registered: false, draining: false, session: '', held: new Set() }));
  if (ev.type === 'worker_registered') {
    if (ev.sessionId !== s.session) s.draining = false;
    s.registered = true;
    s.session = ev.sessionId;
    s.limit = caps.atCoordinator(ev.workerId, e.rec.index + 1).concurrency;
  } else if (ev.type === 'worker_disconnected' || ev.type === 'worker_lost') s.registered = false;
  else if (ev.type === 'msg_delivered' && ev.msgType === 'drain') s.draining = true;
  else if (ev.type === 'claimed') {
    s.held.add(ev.leaseToken);
    r.ready.delete(ev.executionId);
  } else if (ev.type === 'lease_released' || ev.type === 'lease_expired' || ev.type === 'result_recorded') s.held.delete(ev.leaseToken);
}

/** What one judgement needs besides the replay: the claim times, the breaker holds, the kinds the fleet runs. */
interface Judge {
  view: HistoryView;
  limit: number;
  claims: number[];
  holds: Map<string, { from: number; to: number }[]>;
  runs: (kind: string) => boolean;
  /** When each worker had said it is full (a refusal at its limit): no free slot then. */
  full: Map<string, FullSpan[]>;
}

/** A ready execution worker `w` could take at `t` (due, of a kind it runs, its breaker not holding), if `w` has a free slot and no fault but latency. */
function takeable(j: Judge, r: Replay, w: string, t: number): [string, number] | undefined {
  const s = r.workers.get(w);
  if (s === undefined || !s.registered || s.draining || s.held.size >= (s.limit ?? j.limit)) return undefined;
  if ((j.full.get(w) ?? []).some((f) => f.from <= t + DISPATCH_BOUND_MS && t < f.to)) return undefined;
  if (j.view.anyFaultOn(w, t - DISPATCH_BOUND_MS, t + DISPATCH_BOUND_MS, ['latency', 'clock_skew'])) return undefined;
  return [...r.ready].find(([id, from]) => {
    const kind = j.view.submitted.get(id)?.ev.kind ?? '?';
    const held = (j.holds.get(kind) ?? []).some((b) => b.from <= t + DISPATCH_BOUND_MS && b.to >= t);
    return from <= t && j.runs(kind) && !held;
  });
}

/** The violation of a slot left idle at `t` (a release, or the end of a pass), unless a claim came within the bound. */
function judgeAt(j: Judge, r: Replay, e: Ev, w: string, t: number, what: string, released: boolean): Violation | undefined {
  const waiting = takeable(j, r, w, t);
  if (waiting === undefined || j.claims.some((c) => c > t - (e.ev.type === 'claimed' ? 0 : 1) && c <= t + DISPATCH_BOUND_MS)) return undefined;
  const next = j.claims.find((c) => c > t);
  const s = r.workers.get(w);
  const held = `${s?.held.size ?? 0} of ${s?.limit ?? j.limit} slots held`;
  return violation(
    j.view.records,
    'capacity',
    `${what} at t=${t}, leaving ${released ? held : `${w} with ${held}`}, while ${waiting[0]} was ready (since t=${waiting[1]}); the next claim came ${next === undefined ? 'never' : `only at t=${next}`}: a ${released ? 'freed' : 'free'} slot is offered to the ready work within ${DISPATCH_BOUND_MS} ms`,
    { index: e.rec.index, executionId: waiting[0], workerId: w },
  );
}

/** 26, work-conserving dispatch (see the file header). */
export function checkDispatchAtRelease(view: HistoryView, ctx: CheckContext): Violation[] {
  const limit = ctx.workerConcurrency;
  if (ctx.maxConcurrency !== undefined || limit === undefined) return [];
  const offset = clockOffset(view);
  const end = coordinatorCrashes(view)[0]?.index ?? Infinity;
  // The coordinator's events in decision order (its clock), up to the first crash.
  const events = view.events.filter((e) => e.ev.source === 'coordinator' && e.rec.index < end && typeof e.ev.at === 'number');
  const ordered = [...events].sort((a, b) => (a.ev.at as number) - (b.ev.at as number) || a.rec.index - b.rec.index);
  const claims = ordered.filter((e) => e.ev.type === 'claimed').map((e) => (e.ev.at as number) + offset);
  const holds = breakerHolds(view, ctx, offset) ?? breakerSpans(view, ctx, offset);
  const runs = (kind: string): boolean => (ctx.workerKinds === undefined ? !DANGEROUS_KINDS.has(kind) : ctx.workerKinds.includes(kind));
  const j: Judge = { view, limit, claims, holds, runs, full: fullSpans(view) };
  const caps = new WorkerCapabilities(view, ctx);
  const r: Replay = { workers: new Map(), ready: new Map(), storeFailed: false };
  const out: Violation[] = [];
  let lastClaim: { e: Ev; token: string } | undefined;
  for (let i = 0; i < ordered.length; i++) {
    const e = ordered[i] as Ev;
    apply(view, r, e, offset, caps);
    if (e.ev.type === 'claimed') lastClaim = { e, token: e.ev.leaseToken };
    const t = (e.ev.at as number) + offset;
    if (e.ev.type === 'lease_released' && !r.storeFailed) {
      const v = judgeAt(j, r, e, e.ev.workerId, t, `${e.ev.workerId} released lease ${e.ev.leaseToken} (${e.ev.reason})`, true);
      if (v !== undefined) out.push(v);
    }
    if (ordered[i + 1]?.ev.at === e.ev.at || lastClaim === undefined) continue;
    // The end of an instant with claims: the pass (and any it woke in that instant) is over; a free slot left with ready work must be offered it.
    const claim = lastClaim;
    lastClaim = undefined;
    if (!r.storeFailed) {
      const v = firstIdle(j, r, claim, t);
      if (v !== undefined) out.push(v);
    }
  }
  return out;
}

/** The first worker left with a free slot and takeable work after the pass that ended with `claim`. */
function firstIdle(j: Judge, r: Replay, claim: { e: Ev; token: string }, t: number): Violation | undefined {
  for (const w of r.workers.keys()) {
    const v = judgeAt(j, r, claim.e, w, t, `the assignment pass ended with claim ${claim.token}`, false);
    if (v !== undefined) return v;
  }
  return undefined;
}
