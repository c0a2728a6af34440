/**
 * Promises about connections (ARCHITECTURE.md 8 and 10): nothing from an
 * unauthenticated connection is acted on; half-open connections are detected
 * within the heartbeat timeout. Promise 9 (backoff) is in promises-backoff.ts.
 */
import type { CheckContext } from './context.js';
import type { Ev, FaultSpan, HistoryView } from './view.js';
import { affectsCoordinator, affectsWorker } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';
import { ADMISSION_CLOSE, admissionRefusalNear, checkAdmission } from './promises-admission.js';
import { checkLostWorkers } from './promises-lost.js';

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
      case 'checkpoint_saved':
        out.push(...actedOnRejected(view, e, rejected, conns));
        break;
      default:
        break;
    }
  }
  return out;
}

/** Work the coordinator acted on for a worker whose only connection failed authentication, with no authenticated one open. */
function actedOnRejected(view: HistoryView, e: Ev, rejected: ReadonlyMap<string, Ev>, conns: (w: string) => Set<string>): Violation[] {
  const ev = e.ev;
  const w = 'workerId' in ev ? ev.workerId : undefined;
  if (w === undefined || ev.source !== 'coordinator') return [];
  const r = rejected.get(w);
  if (r === undefined || conns(w).size !== 0) return [];
  // Judged by when the engine decided (events are recorded when their commit lands): a claim decided
  // before the refusal whose commit lands after the (now immediate) detach was not made for a refused connection.
  const decided = ev.type === 'checkpoint_saved' ? (ev.acceptedAt ?? ev.at) : ev.at;
  if (decided <= r.ev.at) return [];
  return [
    violation(
      view.records,
      'auth',
      `${ev.type} for ${w} while its only connection had failed authentication (t=${r.rec.time}) and no authenticated one was open`,
      { index: e.rec.index, workerId: w, executionId: 'executionId' in ev ? ev.executionId : undefined },
    ),
  ];
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
  const out: Violation[] = [...checkSpuriousTimeouts(view, ctx), ...checkSpuriousDisconnects(view, ctx), ...checkAdmission(view, ctx), ...checkLostWorkers(view, ctx)];
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
    if (ev.code === ADMISSION_CLOSE && admissionRefusalNear(view, ctx, t, window)) continue;
    if (ev.type === 'disconnected' && lateFinOfKilledCoordinator(view, w, t, ctx.toleranceMs)) continue;
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

/** How late a killed process's FIN may arrive in the simulation (harness/sim/network.ts finDelayMs). */
const LATE_FIN_MAX_MS = 5000;

/**
 * The worker's close at `t` is the late FIN of a coordinator killed while the
 * worker was still on a connection to it (opening it, or in its handshake,
 * where no heartbeat runs yet): the worker has not connected since the
 * coordinator's kill or restart began, no more than the late-FIN bound before.
 */
function lateFinOfKilledCoordinator(view: HistoryView, w: string, t: number, tol: number): boolean {
  const kill = view.faults.filter((f) => affectsCoordinator(f.details) && (f.details.action === 'kill' || f.details.action === 'restart') && f.start.time <= t && t - f.start.time <= LATE_FIN_MAX_MS + tol).at(-1);
  if (kill === undefined) return false;
  return !view.events.some((e) => e.ev.source === w && (e.ev.type === 'connected' || e.ev.type === 'connecting') && e.rec.time > kill.start.time && e.rec.time <= t);
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
