/**
 * Promises about connections (ARCHITECTURE.md 8–10): nothing from an
 * unauthenticated connection is acted on; reconnect backoff stays within its
 * bounds, never stops while faults last and never runs in lockstep at the
 * cap; half-open connections are detected within the heartbeat timeout.
 */
import { percentileOfSorted } from '../../system/core/index.js';
import type { CheckContext } from './context.js';
import type { Ev, FaultSpan, HistoryView } from './view.js';
import { affectsCoordinator, affectsWorker } from './view.js';
import { type CapDraw, lockstepViolations } from './lockstep.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 8. After auth_failed on a connection, nothing from it is acted on: no registration, claims or results for that worker. */
export function checkAuth(view: HistoryView, _ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const failed = new Set<string>();
  /** Per worker: its authenticated connections that are open. */
  const live = new Map<string, Set<string>>();
  /** Workers whose last connection event was an auth failure. */
  const rejected = new Map<string, Ev>();
  const conns = (w: string): Set<string> => {
    let s = live.get(w);
    if (s === undefined) live.set(w, (s = new Set()));
    return s;
  };
  for (const e of view.events) {
    const ev = e.ev;
    switch (ev.type) {
      case 'auth_failed':
        failed.add(ev.connectionId);
        rejected.set(ev.workerId, e);
        break;
      case 'worker_registered':
        if (failed.has(ev.connectionId)) {
          out.push(
            violation(view.records, 'auth', `${ev.workerId} registered on connection ${ev.connectionId} after that connection failed authentication`, {
              index: e.rec.index,
              workerId: ev.workerId,
            }),
          );
        }
        conns(ev.workerId).add(ev.connectionId);
        rejected.delete(ev.workerId);
        break;
      case 'worker_replaced':
        conns(ev.workerId).delete(ev.oldConnectionId);
        conns(ev.workerId).add(ev.newConnectionId);
        break;
      case 'worker_disconnected':
        conns(ev.workerId).delete(ev.connectionId);
        break;
      case 'claimed':
      case 'result_recorded':
      case 'task_started':
      case 'checkpoint_saved': {
        const w = 'workerId' in ev ? ev.workerId : undefined;
        if (w === undefined || ev.source !== 'coordinator') break;
        const r = rejected.get(w);
        if (r !== undefined && conns(w).size === 0) {
          out.push(
            violation(
              view.records,
              'auth',
              `${ev.type} for ${w} while its only connection had failed authentication (t=${r.rec.time}) and no authenticated one was open`,
              { index: e.rec.index, workerId: w, executionId: 'executionId' in ev ? ev.executionId : undefined },
            ),
          );
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** p-quantile (0..1) of sorted numbers: the exact nearest rank of system/core/stats.ts. */
const quantile = (sorted: readonly number[], p: number): number => percentileOfSorted(sorted, p * 100) ?? NaN;

/**
 * 9. Backoff delays within [floor, cap], cap within the configured max,
 * attempts increasing, no gap in retrying, back within a bound after heal,
 * one connection at a time (no reconnect race), no lockstep at the cap.
 */
export function checkBackoff(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const eps = 0.001;
  const tol = ctx.toleranceMs;
  const atCap: number[] = [];
  const capDraws: CapDraw[] = [];
  const healAt = ctx.healAt ?? view.healAt;
  const handshake = ctx.handshakeTimeoutMs ?? 5_000;
  const bound = ctx.maxReconnectBoundMs ?? Math.max(handshake, ctx.workerHeartbeatTimeoutMs ?? ctx.heartbeatTimeoutMs) + ctx.backoff.maxMs + tol;
  // Every worker of the fleet must show up (identity collision: workers registering under one id).
  for (const w of ctx.workerIds ?? []) {
    const mine = (view.byWorker.get(w) ?? []).filter((e) => e.ev.source === w || e.ev.type === 'worker_registered');
    if (!mine.some((e) => e.ev.type === 'connected' || e.ev.type === 'worker_registered') && view.endAt >= handshake + tol) {
      out.push(violation(view.records, 'backoff', `${w} never registered during the run (a worker identity collision, or a worker that never connects)`, { workerId: w }));
    }
  }
  for (const [w, all] of view.byWorker) {
    const mine = all.filter((e) => e.ev.source === w);
    let lastAttempt = 0;
    let lastAttemptAt = 0;
    /** When the current connection came up; undefined while disconnected. */
    let up: number | undefined;
    let connectedAtHeal = false;
    if (healAt !== undefined) {
      for (const e of mine) {
        if (e.rec.time > healAt) break;
        if (e.ev.type === 'connected') connectedAtHeal = true;
        else if (e.ev.type === 'disconnected' || e.ev.type === 'backoff') connectedAtHeal = false;
      }
    }
    const v = (e: Ev, message: string): void => {
      out.push(violation(view.records, 'backoff', message, { index: e.rec.index, workerId: w }));
    };
    for (let i = 0; i < mine.length; i++) {
      const e = mine[i] as Ev;
      const ev = e.ev;
      if (ev.type === 'connected') {
        // A killed (restarted) process emits no `disconnected`: its new life starts fresh.
        if (up !== undefined && !view.processFaultOn(w, up, e.rec.time)) {
          v(e, `connected again at t=${e.rec.time} without a disconnection in between: two connections at once (reconnect race)`);
        }
        up = e.rec.time;
        lastAttempt = 0;
      } else if (ev.type === 'disconnected') {
        up = undefined;
        const next = mine.slice(i + 1).find((x) => x.ev.type === 'backoff' || x.ev.type === 'connecting');
        const deadline = e.rec.time + tol;
        if (deadline < view.endAt && (next === undefined || next.rec.time > deadline) && !view.processFaultOn(w, e.rec.time, deadline)) {
          const why = ev.reason === '' ? '' : ` (code ${ev.code}: ${ev.reason.length > 120 ? `${ev.reason.slice(0, 120)}…` : ev.reason})`;
          v(e, `disconnected at t=${e.rec.time}${why} and did not schedule a reconnect within ${tol} ms: a worker must keep retrying while faults last`);
        }
      } else if (ev.type === 'connecting') {
        const deadline = e.rec.time + handshake + tol;
        const next = mine.slice(i + 1).find((x) => x.ev.type === 'connected' || x.ev.type === 'backoff' || x.ev.type === 'disconnected');
        if (deadline < view.endAt && (next === undefined || next.rec.time > deadline) && !view.processFaultOn(w, e.rec.time, deadline)) {
          v(e, `connection attempt ${ev.attempt} at t=${e.rec.time} neither succeeded nor failed within the handshake timeout (${handshake} ms): stuck connecting`);
        }
      } else if (ev.type === 'backoff') {
        const { delayMs: d, floorMs: lo, capMs: hi, attempt } = ev;
        if (!Number.isFinite(d) || d < lo - eps || d > hi + eps || lo < 0) v(e, `delay ${d} ms outside [${lo}, ${hi}] (attempt ${attempt})`);
        if (hi > ctx.backoff.maxMs + eps) v(e, `cap ${hi} ms above the configured maximum ${ctx.backoff.maxMs} ms (attempt ${attempt})`);
        if (!Number.isSafeInteger(attempt) || attempt < 1) v(e, `attempt counter ${attempt} is not a positive safe integer`);
        // A killed or restarted process starts counting afresh, like one that connected.
        else if (attempt <= lastAttempt && !view.processFaultOn(w, lastAttemptAt, e.rec.time)) {
          v(e, `attempt counter went from ${lastAttempt} to ${attempt} without a successful connection`);
        }
        lastAttempt = attempt;
        lastAttemptAt = e.rec.time;
        if (ev.strategy !== 'none' && hi >= ctx.backoff.maxMs - 0.5 && hi > lo) {
          atCap.push((d - lo) / (hi - lo));
          capDraws.push({ workerId: w, delayMs: d, position: (d - lo) / (hi - lo), index: e.rec.index });
        }
        const deadline = e.rec.time + d + tol;
        const next = mine.slice(i + 1).find((x) => x.ev.type === 'connecting' || x.ev.type === 'connected');
        if (deadline < view.endAt && (next === undefined || next.rec.time > deadline) && !view.processFaultOn(w, e.rec.time, deadline)) {
          v(e, `backoff of ${d} ms at t=${e.rec.time} but ${next === undefined ? 'no further connection attempt' : `the next attempt only at t=${next.rec.time}`}: stopped retrying`);
        }
      }
    }
    if (healAt !== undefined && !connectedAtHeal && view.endAt >= healAt + bound) {
      const back = mine.find((e) => e.ev.type === 'connected' && e.rec.time > healAt);
      if (back === undefined || back.rec.time > healAt + bound) {
        const last = mine[mine.length - 1];
        out.push(
          violation(
            view.records,
            'backoff',
            `disconnected at heal (t=${healAt}) and ${back === undefined ? 'never connected again' : `connected only at t=${back.rec.time}`}; the bound is ${bound} ms`,
            { index: back?.rec.index ?? last?.rec.index, workerId: w },
          ),
        );
      }
    }
  }
  const spreadBefore = out.length;
  if (atCap.length >= 20) {
    const sorted = [...atCap].sort((a, b) => a - b);
    const spread = quantile(sorted, 0.9) - quantile(sorted, 0.1);
    if (spread < ctx.minCapSpread) {
      out.push(
        violation(
          view.records,
          'backoff',
          `${atCap.length} backoff delays at the cap are bunched (p90-p10 spread ${spread.toFixed(3)} of [floor, cap], want >= ${ctx.minCapSpread}): workers at the cap retry in lockstep (cap applied after jitter?)`,
          {},
        ),
      );
    }
  }
  // The uniformity test (stated false-positive rate) judges what the spread rule lets through; ties always.
  const spreadFired = out.length > spreadBefore;
  out.push(...lockstepViolations(view.records, capDraws).filter((v) => !spreadFired || !/not uniform/.test(v.message)));
  return out;
}

type Side = 'coordinator' | 'worker';

/** Which (worker, detecting side) pairs a fault makes half-open, given the fault's recorded details. */
function halfOpenPairs(span: FaultSpan, allWorkers: readonly string[]): { workerId: string; side: Side }[] {
  const d = span.details;
  const params = d.params ?? {};
  const stream = typeof params.stream === 'string' ? params.stream : 'both';
  // A toxic rolled per connection (toxicity < 1) may spare some: no detection can be required.
  if (typeof params.toxicity === 'number' && params.toxicity < 1) return [];
  const workers = allWorkers.filter((w) => affectsWorker(d, w));
  const pairs: { workerId: string; side: Side }[] = [];
  const add = (ws: readonly string[], sides: Side[]): void => ws.forEach((w) => sides.forEach((side) => pairs.push({ workerId: w, side })));
  switch (d.action) {
    case 'timeout':
      add(workers, stream === 'upstream' ? ['coordinator'] : stream === 'downstream' ? ['worker'] : ['coordinator', 'worker']);
      break;
    case 'pause':
      if (affectsCoordinator(d)) add(allWorkers, ['worker']);
      else add(workers, ['coordinator']);
      break;
    case 'partition': {
      const sides = Array.isArray(params.sides) ? (params.sides as { coordinator?: boolean; workers?: string[] }[]) : [];
      const c = sides.findIndex((s) => s.coordinator === true);
      if (c < 0) break;
      sides.forEach((s, j) => {
        const ws = s.workers ?? [];
        if (j === c) return;
        if (params.oneWay !== true) add(ws, ['coordinator', 'worker']);
        else if (c === 0) add(ws, ['worker']);
        else if (j === 0) add(ws, ['coordinator']);
      });
      break;
    }
    default:
      break;
  }
  return pairs;
}

/**
 * 10. A half-open connection is detected within the heartbeat timeout (+ one
 * heartbeat + tolerance) on each side that stops hearing; and a healthy one is
 * never declared dead (checkSpuriousTimeouts).
 */
export function checkLiveness(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [...checkSpuriousTimeouts(view, ctx), ...checkSpuriousDisconnects(view, ctx)];
  const allWorkers = [...view.byWorker.keys()].sort();
  for (const span of view.faults) {
    const t0 = span.start.time;
    const end = view.faultEnd(span);
    for (const { workerId: w, side } of halfOpenPairs(span, allWorkers)) {
      const timeout = side === 'worker' ? (ctx.workerHeartbeatTimeoutMs ?? ctx.heartbeatTimeoutMs) : ctx.heartbeatTimeoutMs;
      const bound = timeout + ctx.heartbeatMs + ctx.toleranceMs;
      if (end - t0 < bound) continue; // too short to require detection
      // A paused or killed process detects nothing; that is not a liveness failure of the protocol.
      if (view.processFaultOn(side === 'worker' ? w : 'coordinator', t0, t0 + bound)) continue;
      const events = view.byWorker.get(w) ?? [];
      const before = events.filter((e) => e.rec.index < span.start.index);
      const since = connectedSince(before, w, side);
      if (since === undefined) continue;
      // A killed, restarted or paused process is not a half-open link to detect (pauses have their own pairs).
      if (span.details.action !== 'pause' && view.processFaultOn(w, since, t0 + bound)) continue;
      if (side === 'coordinator' && coordinatorDown(view, t0, t0 + bound)) continue;
      const detected = events.find(
        (e) =>
          e.rec.index > span.start.index &&
          e.rec.time <= t0 + bound &&
          (side === 'coordinator'
            ? e.ev.source === 'coordinator' &&
              ((e.ev.type === 'heartbeat_timeout' && e.ev.side === 'coordinator') || e.ev.type === 'worker_disconnected' || e.ev.type === 'worker_lost')
            : e.ev.source === w && ((e.ev.type === 'heartbeat_timeout' && e.ev.side === 'worker') || e.ev.type === 'disconnected')),
      );
      if (detected === undefined) {
        out.push(
          violation(
            view.records,
            'liveness',
            `${span.details.action} from t=${t0} made ${w}'s connection half-open; the ${side} side did not detect it within ${bound} ms (timeout ${timeout} + heartbeat ${ctx.heartbeatMs} + tolerance ${ctx.toleranceMs})`,
            { index: span.start.index, workerId: w },
          ),
        );
      }
    }
  }
  return out;
}

/**
 * The other half of liveness: a healthy connection is never declared dead. A
 * heartbeat_timeout (either side) when no fault touched that worker's link,
 * the worker or the coordinator within the detection window before it is a
 * false detection (e.g. a heartbeat clock not reset on reconnect). Clock skew
 * does not excuse one: timeouts must run on elapsed time, not wall clocks.
 */
function checkSpuriousTimeouts(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const window = Math.max(ctx.heartbeatTimeoutMs, ctx.workerHeartbeatTimeoutMs ?? 0) + ctx.heartbeatMs + ctx.toleranceMs;
  const excusing = view.faults.filter((f) => f.details.action !== 'clock_skew');
  for (const e of view.ofType('heartbeat_timeout')) {
    const w = e.ev.workerId;
    const t = e.rec.time;
    const excused = excusing.some(
      (f) => (affectsWorker(f.details, w) || affectsCoordinator(f.details)) && f.start.time <= t && view.faultEnd(f) >= t - window,
    );
    if (!excused) {
      out.push(
        violation(
          view.records,
          'liveness',
          `the ${e.ev.side} side declared ${w}'s connection dead at t=${t} though no fault touched it in the ${window} ms before: a false half-open detection`,
          { index: e.rec.index, workerId: w },
        ),
      );
    }
  }
  return out;
}

/** Close codes that end a healthy link on purpose: normal close, going away (stop, shutdown), replaced by a newer connection. */
const DELIBERATE_CLOSES: ReadonlySet<number> = new Set([1000, 1001, 4409]);

/**
 * Liveness, the rest of it: every disconnect of a healthy link is spurious.
 * A `disconnected` (worker side) or `worker_disconnected` (coordinator side)
 * when no fault touched the worker, its link or the coordinator within the
 * detection window before it, and not a deliberate close, is a violation
 * (heartbeat timeouts are judged by checkSpuriousTimeouts).
 */
function checkSpuriousDisconnects(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const window = Math.max(ctx.heartbeatTimeoutMs, ctx.workerHeartbeatTimeoutMs ?? 0) + ctx.heartbeatMs + ctx.toleranceMs;
  const timedOut = new Set(view.ofType('heartbeat_timeout').map((e) => `${e.ev.workerId}@${e.rec.time}`));
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.type !== 'disconnected' && ev.type !== 'worker_disconnected') continue;
    const w = ev.workerId;
    const t = e.rec.time;
    if (DELIBERATE_CLOSES.has(ev.code) || timedOut.has(`${w}@${t}`) || view.anyFaultOn(w, t - window, t, ['clock_skew'])) continue;
    const side = ev.type === 'disconnected' ? 'worker' : 'coordinator';
    out.push(
      violation(
        view.records,
        'liveness',
        `the ${side} side dropped ${w}'s connection at t=${t} (code ${ev.code}: ${ev.reason.slice(0, 100)}) though no fault touched it in the ${window} ms before: a spurious disconnect`,
        { index: e.rec.index, workerId: w },
      ),
    );
  }
  return out;
}

/** When the side's view of the worker's connection came up, if it was up at the end of `before`. */
function connectedSince(before: readonly Ev[], w: string, side: Side): number | undefined {
  for (let i = before.length - 1; i >= 0; i--) {
    const e = before[i] as Ev;
    const ev = e.ev;
    if (side === 'worker' && ev.source === w) {
      if (ev.type === 'connected' || ev.type === 'synced') return e.rec.time;
      if (ev.type === 'disconnected' || ev.type === 'backoff' || ev.type === 'connecting' || ev.type === 'heartbeat_timeout') return undefined;
    }
    if (side === 'coordinator' && ev.source === 'coordinator') {
      if (ev.type === 'worker_registered' || ev.type === 'worker_replaced') return e.rec.time;
      if (ev.type === 'worker_disconnected' || ev.type === 'worker_lost' || ev.type === 'heartbeat_timeout') return undefined;
    }
  }
  return undefined;
}

/** Whether the coordinator process was paused, killed or restarted at some point in [from, to]. */
function coordinatorDown(view: HistoryView, from: number, to: number): boolean {
  return view.faults.some(
    (f) => ['pause', 'kill', 'restart'].includes(f.details.action) && affectsCoordinator(f.details) && f.start.time <= to && view.faultEnd(f) >= from,
  );
}
