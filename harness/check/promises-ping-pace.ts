/**
 * Promise 10 (liveness), the worker's ping pace: a worker pings every
 * heartbeat interval from the heartbeat's start, like setInterval; after a
 * stall (its event loop blocked, or SIGSTOP: a `pause` fault with `for` is
 * the simulation's stall, the process's timers firing late all at once at
 * resume) it sends ONE ping and goes on an interval from then
 * (system/worker/heartbeat.ts). Two consecutive pings of one connection are
 * never closer than half the interval: a burst of catch-up pings back to
 * back after a stall floods the link right when it is most fragile. (The
 * BUGGIFY late-heartbeat delays a ping by at most a fifth of the interval,
 * so a healthy schedule keeps 0.8 × the interval at worst.)
 *
 * Read from the worker's `rtt_sampled` events (traced in simulation), which
 * carry the ping's id and the monotonic time it was sent: pings n and n+1 of
 * one connection, both answered, are compared.
 */
import type { CheckContext } from './context.js';
import { adaptiveTimeoutBounds } from './promises-heartbeat.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** Closest two consecutive pings may be, as a fraction of the interval. */
const MIN_PING_GAP_RATIO = 0.5;

/** 10. Consecutive worker pings on one connection are at least MIN_PING_GAP_RATIO × the interval apart. */
export function checkPingPace(view: HistoryView, ctx: CheckContext): Violation[] {
  const { intervalMs } = adaptiveTimeoutBounds(ctx, 'worker');
  const minGap = intervalMs * MIN_PING_GAP_RATIO;
  const sent = new Map<string, Map<number, number>>();
  const out: Violation[] = [];
  for (const r of view.records) {
    const v = r.value;
    if (r.f !== 'rtt_sampled' || v.side !== 'worker' || typeof v.pingId !== 'number' || typeof v.pingT !== 'number') continue;
    const conn = String(v.connectionId);
    const pings = sent.get(conn) ?? new Map<number, number>();
    sent.set(conn, pings);
    pings.set(v.pingId, v.pingT);
    for (const [a, b] of [[v.pingId - 1, v.pingId], [v.pingId, v.pingId + 1]] as const) {
      const ta = pings.get(a);
      const tb = pings.get(b);
      if (ta === undefined || tb === undefined || tb - ta >= minGap) continue;
      out.push(
        violation(view.records, 'liveness', `${String(v.workerId)} sent pings ${a} and ${b} on connection ${conn} ${Math.round((tb - ta) * 1000) / 1000} ms apart (at monotonic ${Math.round(ta)} and ${Math.round(tb)}), closer than half its heartbeat interval of ${intervalMs} ms: after a stall a worker sends one ping and goes on an interval from then, never a burst of catch-up pings`, {
          index: r.index,
          workerId: String(v.workerId),
        }),
      );
    }
  }
  return out;
}
