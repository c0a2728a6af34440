/**
 * The adaptive heartbeat timeout stays within its documented bounds
 * (docs/PROTOCOL.md "Adaptive timeout"), judged from every
 * `heartbeat_adapted` event against the run's configured parameters, not
 * against the side's own policy: the timeout in force is never below the
 * floor (heartbeatTimeoutMs) and never above the ceiling,
 * max(floor, min(heartbeatTimeoutMaxMs, leaseMs - heartbeatMs)). The ceiling
 * stays a heartbeat below the lease so that a silent holder is judged gone
 * before its leases expire; a ceiling at or past the lease lets leases
 * expire under a worker that still counts as connected, so the ceiling
 * reports under promise 13 (lease-expiry); a timeout below the floor declares
 * healthy links dead sooner than configured, promise 10 (liveness). Only links slow enough to drive the
 * timeout to its ceiling show a wrong one (scenarios/high-latency.yaml).
 * A side run with --no-adaptive-heartbeat (coordinator.adaptiveHeartbeat
 * false, fleet.args) keeps its timeout at the floor: any other timeout it
 * reports is a liveness violation (scenarios/operator-flags-max.yaml).
 *
 * The timeout in force is also honoured (promise 10): a `heartbeat_timeout`
 * declares a connection dead only after at least the silence that side last
 * adapted to on that connection (`heartbeat_adapted` is reported on every
 * change of 10% or more, so the timeout in force is above 0.9 × the last
 * report) and never before the floor. A side that judges silence against a
 * fixed or stale budget drops healthy slow links; the latency fault that made
 * the link slow must not excuse it (checkSpuriousTimeouts would).
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The coordinator's and the worker's default ceiling (system/coordinator/config.ts, system/worker/config.ts). */
const DEFAULT_TIMEOUT_MAX_MS = 60_000;
/** The worker's default heartbeat interval (system/worker/config.ts) when the fleet sets none. */
const WORKER_DEFAULT_HEARTBEAT_MS = 1000;

/** Floor and ceiling of one side's adaptive timeout, from the run's configuration (and the interval it adds to the RTT term). */
export function adaptiveTimeoutBounds(ctx: CheckContext, side: 'coordinator' | 'worker'): { floorMs: number; ceilingMs: number; intervalMs: number; maxMs: number } {
  const maxMs = (side === 'worker' ? ctx.workerHeartbeatTimeoutMaxMs : undefined) ?? ctx.heartbeatTimeoutMaxMs ?? DEFAULT_TIMEOUT_MAX_MS;
  // The worker beats at the faster of its own interval and the coordinator's (welcome).
  const intervalMs = side === 'coordinator' ? ctx.heartbeatMs : Math.min(ctx.workerHeartbeatMs ?? WORKER_DEFAULT_HEARTBEAT_MS, ctx.heartbeatMs);
  const floorMs = side === 'coordinator' ? ctx.heartbeatTimeoutMs : (ctx.workerHeartbeatTimeoutMs ?? ctx.heartbeatTimeoutMs);
  return { floorMs, ceilingMs: Math.max(floorMs, Math.min(maxMs, ctx.leaseMs - intervalMs)), intervalMs, maxMs };
}

/** Whether a side's heartbeat timeout adapts to the RTT (README: --no-adaptive-heartbeat keeps it fixed); each side has its own flag. */
export function adapts(ctx: CheckContext, side: 'coordinator' | 'worker'): boolean {
  return (side === 'worker' ? (ctx.workerAdaptiveHeartbeat ?? ctx.adaptiveHeartbeat) : ctx.adaptiveHeartbeat) !== false;
}

/** 13: no adapted heartbeat timeout exceeds its side's ceiling. */
export function checkTimeoutCeiling(view: HistoryView, ctx: CheckContext): Violation[] {
  return judgeAdaptedTimeouts(view, ctx, 'lease-expiry');
}

/** 10: no adapted heartbeat timeout falls below its side's floor. */
export function checkTimeoutFloor(view: HistoryView, ctx: CheckContext): Violation[] {
  return judgeAdaptedTimeouts(view, ctx, 'liveness');
}

/** Every `heartbeat_adapted` judged against its side's ceiling (lease-expiry) or floor (liveness). */
function judgeAdaptedTimeouts(view: HistoryView, ctx: CheckContext, promise: 'lease-expiry' | 'liveness'): Violation[] {
  const out: Violation[] = [];
  const bounds = { coordinator: adaptiveTimeoutBounds(ctx, 'coordinator'), worker: adaptiveTimeoutBounds(ctx, 'worker') };
  for (const e of view.ofType('heartbeat_adapted')) {
    const { side, workerId, timeoutMs } = e.ev;
    const { floorMs, ceilingMs, intervalMs, maxMs } = bounds[side];
    const where = { index: e.rec.index, workerId };
    if (promise === 'lease-expiry' && (!Number.isFinite(timeoutMs) || timeoutMs > ceilingMs)) {
      out.push(
        violation(
          view.records,
          'lease-expiry',
          `${side} heartbeat timeout for ${workerId} adapted to ${timeoutMs} ms at t=${e.rec.time} (srtt ${e.ev.srttMs} ms), above its ceiling ${ceilingMs} ms = max(floor ${floorMs}, min(${maxMs}, leaseMs ${ctx.leaseMs} - heartbeat ${intervalMs})): a holder silent that long has lost its leases while it still counts as connected`,
          where,
        ),
      );
    } else if (promise === 'liveness' && !adapts(ctx, side) && timeoutMs !== floorMs) {
      out.push(
        violation(
          view.records,
          'liveness',
          `${side} heartbeat timeout for ${workerId} adapted to ${timeoutMs} ms at t=${e.rec.time} (srtt ${e.ev.srttMs} ms), but its side runs with --no-adaptive-heartbeat: the timeout stays fixed at --heartbeat-timeout-ms ${floorMs} ms (README), a half-open link on a slow path is otherwise detected late`,
          where,
        ),
      );
    } else if (promise === 'liveness' && timeoutMs < floorMs) {
      out.push(
        violation(
          view.records,
          'liveness',
          `${side} heartbeat timeout for ${workerId} adapted to ${timeoutMs} ms at t=${e.rec.time}, below its floor heartbeatTimeoutMs ${floorMs} ms: a healthy link would be declared dead`,
          where,
        ),
      );
    }
  }
  return out;
}

/** The timeout in force is above 0.9 x the last report (reports come on changes of 10% or more). */
const REPORT_STEP = 0.9;
/** Timers and the silence sweep round to whole milliseconds. */
const ROUNDING_MS = 1;

/** 10: every heartbeat_timeout came after at least the silence its side had adapted to on that connection. */
export function checkTimeoutHonoured(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const floors = { coordinator: adaptiveTimeoutBounds(ctx, 'coordinator').floorMs, worker: adaptiveTimeoutBounds(ctx, 'worker').floorMs };
  const lastReport = new Map<string, number>();
  for (const e of view.events) {
    const ev = e.ev;
    if (ev.type === 'heartbeat_adapted') lastReport.set(`${ev.side}/${ev.connectionId}`, ev.timeoutMs);
    if (ev.type !== 'heartbeat_timeout' || typeof ev.silentForMs !== 'number') continue;
    const reported = lastReport.get(`${ev.side}/${ev.connectionId}`);
    const inForce = Math.max(floors[ev.side], reported === undefined ? 0 : REPORT_STEP * reported);
    // A coordinator that was itself paused heard nothing meanwhile: that part of the silence is its own stall (it skips a
    // round after one), not the worker's.
    const ownPause = ev.side === 'coordinator' ? pausedWithin(view, e.rec.time - ev.silentForMs, e.rec.time) : 0;
    if (ev.silentForMs - ownPause + ROUNDING_MS >= inForce) continue;
    const adapted = (reported === undefined ? 'no adaptation reported on it' : `its last heartbeat_adapted said ${reported} ms`) + (ownPause > 0 ? `; it was itself paused ${Math.round(ownPause)} ms of that silence` : '');
    out.push(
      violation(
        view.records,
        'liveness',
        `the ${ev.side} side declared ${ev.workerId}'s connection ${ev.connectionId} dead at t=${e.rec.time} after ${Math.round(ev.silentForMs)} ms of silence, though the timeout in force was at least ${Math.round(inForce)} ms (floor ${floors[ev.side]} ms, ${adapted}): a healthy slow link dropped early`,
        { index: e.rec.index, workerId: ev.workerId },
      ),
    );
  }
  return out;
}

/** How long the coordinator was paused within [from, to], ms. */
function pausedWithin(view: HistoryView, from: number, to: number): number {
  let ms = 0;
  for (const f of view.faults) {
    if (f.details.action !== 'pause' || !affectsCoordinator(f.details)) continue;
    ms += Math.max(0, Math.min(to, view.faultEnd(f)) - Math.max(from, f.start.time));
  }
  return ms;
}
