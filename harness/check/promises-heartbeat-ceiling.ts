/**
 * Promise 10 (liveness), a worker told a heartbeat ceiling below the
 * coordinator's timeout (README "Configuration"): the worker learns the
 * coordinator's heartbeat timeout, the floor of its own adaptive timeout,
 * only from the welcome; a `--heartbeat-timeout-max-ms` below it cannot hold,
 * so the worker raises its ceiling to the floor and says so. Judged from
 * the run's configuration (adaptiveTimeoutBounds: the worker's configured
 * ceiling and the floor in force), not from the worker: after every
 * registration (`connected`) of an adaptive worker whose configured ceiling
 * is below the floor comes one `heartbeat_ceiling_raised` naming the
 * configured ceiling, the floor and the ceiling now in force (the floor),
 * before its next registration; a worker whose ceiling holds reports none.
 * A worker that clamps silently, or refuses late, or reports the wrong
 * numbers is caught (scenarios/worker-ceiling-below.yaml).
 */
import type { CheckContext } from './context.js';
import { adapts, adaptiveTimeoutBounds } from './promises-heartbeat.js';
import type { Ev, HistoryView } from './view.js';
import { violation, type Violation } from './violation.js';

/** Each registration of each worker, with the ceiling reports that followed it (before its next registration). */
function registrations(view: HistoryView): { connected: Ev<'connected'>; raised: Ev<'heartbeat_ceiling_raised'>[] }[] {
  const out: { connected: Ev<'connected'>; raised: Ev<'heartbeat_ceiling_raised'>[] }[] = [];
  const open = new Map<string, { connected: Ev<'connected'>; raised: Ev<'heartbeat_ceiling_raised'>[] }>();
  const merged = [...view.ofType('connected'), ...view.ofType('heartbeat_ceiling_raised')].sort((a, b) => a.rec.index - b.rec.index);
  for (const e of merged) {
    if (e.ev.type === 'connected') {
      const r = { connected: e as Ev<'connected'>, raised: [] };
      open.set(e.ev.source, r);
      out.push(r);
    } else open.get(e.ev.source)?.raised.push(e as Ev<'heartbeat_ceiling_raised'>);
  }
  return out;
}

/** Liveness: a worker ceiling below the coordinator's timeout is raised to it and reported, once per registration; one that holds is not reported. */
export function checkCeilingRaised(view: HistoryView, ctx: CheckContext): Violation[] {
  const { floorMs, maxMs } = adaptiveTimeoutBounds(ctx, 'worker');
  const below = adapts(ctx, 'worker') && maxMs < floorMs;
  const out: Violation[] = [];
  for (const { connected, raised } of registrations(view)) {
    const w = connected.ev.source;
    const where = { index: connected.rec.index, workerId: w };
    const at = `${w}'s registration at t=${connected.rec.time}`;
    if (!below) {
      if (raised.length > 0) out.push(violation(view.records, 'liveness', `${at} reported heartbeat_ceiling_raised (configured ${raised[0]?.ev.configuredMaxMs} ms, floor ${raised[0]?.ev.floorMs} ms), though its configured ceiling ${maxMs} ms is not below the floor ${floorMs} ms`, where));
      continue;
    }
    const r = raised[0];
    if (r === undefined || raised.length > 1) {
      out.push(violation(view.records, 'liveness', `${at}: its --heartbeat-timeout-max-ms ${maxMs} ms is below the coordinator's heartbeat timeout ${floorMs} ms; README "Configuration": the worker raises its ceiling to ${floorMs} ms and reports heartbeat_ceiling_raised once per registration, but it reported ${raised.length}`, where));
      continue;
    }
    if (r.ev.configuredMaxMs !== maxMs || r.ev.floorMs !== floorMs || r.ev.ceilingMs !== floorMs) {
      out.push(violation(view.records, 'liveness', `${at}: heartbeat_ceiling_raised says configured ${r.ev.configuredMaxMs} ms, floor ${r.ev.floorMs} ms, ceiling ${r.ev.ceilingMs} ms; the run's configuration gives configured ${maxMs} ms, floor ${floorMs} ms, ceiling ${floorMs} ms`, { index: r.rec.index, workerId: w }));
    }
  }
  return out;
}
