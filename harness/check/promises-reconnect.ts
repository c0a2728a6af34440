/**
 * Reconnect accounting (promise 9, backoff; issue 10, set 10 #25): a worker's
 * `connected.afterMs` is how long it was without a registered connection: from
 * the loss of its last registered connection (its `disconnected`) to this
 * registration, across every failed try in between (a try that never
 * registered does not restart the count, nor does it count as a reconnect).
 * The same accounting drives the consecutive-failure count a worker gives up
 * on and the reconnect duration it reports (metrics, `squall workers`).
 * Judged from the worker's own trace; the first registration of each process
 * life has no loss before it and is not judged. Both instants are on the
 * simulation's clock (monotonic, never skewed), so the tolerance only covers
 * rounding and the scheduling of one instant; a live run's record times are
 * receive times, so it is not judged there.
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/** 9. Each re-registration reports the time since the last registered connection was lost. */
export function checkReconnectDuration(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  if (ctx.receivedTimes === true) return out;
  for (const [w, all] of view.byWorker) {
    let life = -1;
    let registered = false;
    let lostAt: number | undefined;
    for (const e of all) {
      const ev = e.ev;
      if (ev.source !== w) continue;
      const l = view.lifeOf(w, e.rec.index);
      if (l !== life) [life, registered, lostAt] = [l, false, undefined];
      if (ev.type === 'disconnected' && registered) [registered, lostAt] = [false, e.rec.time];
      if (ev.type !== 'connected') continue;
      registered = true;
      if (lostAt === undefined) continue;
      const down = e.rec.time - lostAt;
      if (Math.abs(ev.afterMs - down) > ctx.toleranceMs) {
        out.push(
          violation(
            view.records,
            'backoff',
            `${w} registered again at t=${e.rec.time} reporting ${Math.round(ev.afterMs)} ms without a connection (afterMs), but its registered connection was lost at t=${lostAt}, ${down} ms before: a reconnect is counted from the loss of the last registered connection, across the failed tries in between`,
            { index: e.rec.index, workerId: w },
          ),
        );
      }
      lostAt = undefined;
    }
  }
  return out;
}
