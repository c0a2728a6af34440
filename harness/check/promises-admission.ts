/**
 * Admission control (issue 13) under promise 10. A coordinator with more
 * handshakes in progress than it admits closes new connections with 4503 and a
 * retry-after hint: a deliberate close, not a spurious disconnect, but only
 * while the limit is really reached. A refusal below the limit turns workers
 * away from a coordinator that could take them.
 */
import { CloseCode } from '../../system/protocol/index.js';
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** The WebSocket close code of an admission refusal. */
export const ADMISSION_CLOSE: number = CloseCode.Overloaded;

/** Each refusal while fewer handshakes than the limit were in progress. */
export function checkAdmission(view: HistoryView, ctx: CheckContext): Violation[] {
  const limit = ctx.maxPendingHandshakes;
  if (limit === undefined) return [];
  return view
    .ofType('admission_refused')
    .filter((e) => e.ev.pending < limit)
    .map((e) =>
      violation(
        view.records,
        'liveness',
        `the coordinator refused connection ${e.ev.connectionId} at t=${e.rec.time} with ${e.ev.pending} handshakes in progress, below its limit of ${limit}: admission control turned a worker away without a herd`,
        { index: e.rec.index },
      ),
    );
}

/**
 * Whether a worker-side 4503 close at time t is excused: the coordinator
 * refused a connection at its limit within `window` ms before. (The worker's
 * event does not name the connection, so the refusal is matched by time.)
 */
export function admissionRefusalNear(view: HistoryView, ctx: CheckContext, t: number, window: number): boolean {
  const limit = ctx.maxPendingHandshakes ?? 0;
  return view.ofType('admission_refused').some((e) => e.rec.time <= t && e.rec.time >= t - window && e.ev.pending >= limit);
}
