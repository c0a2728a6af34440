/**
 * Promise 10 (liveness), the worker's ping pace: a worker pings every
 * heartbeat interval from the heartbeat's start, like setInterval; after a
 * stall (its event loop blocked, or SIGSTOP: a `pause` fault with `for` is
 * the simulation's stall, the process's timers firing late all at once at
 * resume) it sends ONE ping and goes on an interval from then
 * (system/worker/heartbeat.ts). A stall shorter than the interval leaves
 * the schedule's phase alone, so a late ping may be followed closely by the
 * next one on schedule: two pings within an interval are fine, three are a
 * burst. So pings n and n+2 of one connection are at least one interval
 * apart: a burst of catch-up pings back to back after a stall floods the
 * link right when it is most fragile. (The BUGGIFY late-heartbeat delays a
 * ping by at most a fifth of the interval, which keeps n and n+2 at least
 * 1.8 intervals apart.)
 *
 * Read from the worker's `rtt_sampled` events (traced in simulation), which
 * carry the ping's id and the monotonic time it was sent: pings n and n+2 of
 * one connection, both answered, are compared.
 */
import type { CheckContext } from './context.js';
import { adaptiveTimeoutBounds } from './promises-heartbeat.js';
import type { HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** 10. Pings n and n+2 of one connection are at least one heartbeat interval apart (no three within an interval). */
export function checkPingPace(view: HistoryView, ctx: CheckContext): Violation[] {
  const { intervalMs } = adaptiveTimeoutBounds(ctx, 'worker');
  const minGap = intervalMs;
  const sent = new Map<string, Map<number, number>>();
  const out: Violation[] = [];
  for (const r of view.records) {
    const v = r.value;
    if (r.f !== 'rtt_sampled' || v.side !== 'worker' || typeof v.pingId !== 'number' || typeof v.pingT !== 'number') continue;
    const conn = String(v.connectionId);
    const pings = sent.get(conn) ?? new Map<number, number>();
    sent.set(conn, pings);
    pings.set(v.pingId, v.pingT);
    for (const [a, b] of [[v.pingId - 2, v.pingId], [v.pingId, v.pingId + 2]] as const) {
      const ta = pings.get(a);
      const tb = pings.get(b);
      if (ta === undefined || tb === undefined || tb - ta >= minGap) continue;
      out.push(
        violation(view.records, 'liveness', `${String(v.workerId)} sent pings ${a} and ${b} on connection ${conn} ${Math.round((tb - ta) * 1000) / 1000} ms apart (at monotonic ${Math.round(ta)} and ${Math.round(tb)}), with the one between them: three pings within its heartbeat interval of ${intervalMs} ms. After a stall a worker sends one ping and goes on an interval from then, never a burst of catch-up pings`, {
          index: r.index,
          workerId: String(v.workerId),
        }),
      );
    }
  }
  return out;
}
