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
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The coordinator's and the worker's default ceiling (system/coordinator/config.ts, system/worker/config.ts). */
const DEFAULT_TIMEOUT_MAX_MS = 60_000;
/** The worker's default heartbeat interval (system/worker/config.ts) when the fleet sets none. */
const WORKER_DEFAULT_HEARTBEAT_MS = 1000;

/** Floor and ceiling of one side's adaptive timeout, from the run's configuration. */
function adaptiveTimeoutBounds(ctx: CheckContext, side: 'coordinator' | 'worker'): { floorMs: number; ceilingMs: number; intervalMs: number } {
  const maxMs = ctx.heartbeatTimeoutMaxMs ?? DEFAULT_TIMEOUT_MAX_MS;
  // The worker beats at the faster of its own interval and the coordinator's (welcome).
  const intervalMs = side === 'coordinator' ? ctx.heartbeatMs : Math.min(ctx.workerHeartbeatMs ?? WORKER_DEFAULT_HEARTBEAT_MS, ctx.heartbeatMs);
  const floorMs = side === 'coordinator' ? ctx.heartbeatTimeoutMs : (ctx.workerHeartbeatTimeoutMs ?? ctx.heartbeatTimeoutMs);
  return { floorMs, ceilingMs: Math.max(floorMs, Math.min(maxMs, ctx.leaseMs - intervalMs)), intervalMs };
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
    const { floorMs, ceilingMs, intervalMs } = bounds[side];
    const where = { index: e.rec.index, workerId };
    if (promise === 'lease-expiry' && (!Number.isFinite(timeoutMs) || timeoutMs > ceilingMs)) {
      out.push(
        violation(
          view.records,
          'lease-expiry',
          `${side} heartbeat timeout for ${workerId} adapted to ${timeoutMs} ms at t=${e.rec.time} (srtt ${e.ev.srttMs} ms), above its ceiling ${ceilingMs} ms = max(floor ${floorMs}, min(${ctx.heartbeatTimeoutMaxMs ?? DEFAULT_TIMEOUT_MAX_MS}, leaseMs ${ctx.leaseMs} - heartbeat ${intervalMs})): a holder silent that long has lost its leases while it still counts as connected`,
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
