/**
 * Leases and their holders' connections (part of promise 1, no lost work):
 * a lease must not outlive its holder's connection by more than a lease
 * period, or work held by a dead worker waits forever (KNOWN_FAILURE_MODES,
 * reconnection #4).
 */
import type { CheckContext } from './context.js';
import type { HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/**
 * Part of promise 1: work held by a worker whose connection is lost is not
 * stuck. Once the coordinator saw W's last connection go (worker_disconnected,
 * worker_lost), every lease W holds must end (expire, be released or
 * recorded) within leaseMs plus one lease sweep (leaseMs/4) plus tolerance,
 * unless W registers again first. Not applied across a coordinator pause,
 * kill or restart (its timers stopped).
 */
export function checkStuckLeases(view: HistoryView, ctx: CheckContext): Violation[] {
  const out: Violation[] = [];
  const bound = ctx.leaseMs + Math.max(50, Math.floor(ctx.leaseMs / 4)) + ctx.toleranceMs;
  const leases = new Map<string, { executionId: string; workerId: string }>();
  const conns = new Map<string, Set<string>>();
  const watch = new Map<string, { deadline: number; lostAt: number; index: number; workerId: string; executionId: string }>();
  const coordinatorDown = view.faults.filter((f) => PROCESS_ACTIONS.has(f.details.action) && affectsCoordinator(f.details));
  const excused = (from: number, to: number): boolean => coordinatorDown.some((f) => f.start.time <= to && view.faultEnd(f) >= from);
  const fire = (until: number): void => {
    for (const [token, w] of watch) {
      if (w.deadline >= until) continue;
      watch.delete(token);
      if (excused(w.lostAt, w.deadline)) continue;
      out.push(
        violation(
          view.records,
          'no-lost-work',
          `${w.workerId}'s connection was lost at t=${w.lostAt} but its lease ${token} was still held ${bound} ms later: work held by a dead worker must be reassigned (lease expiry)`,
          { index: w.index, executionId: w.executionId, workerId: w.workerId },
        ),
      );
    }
  };
  const set = (w: string): Set<string> => {
    let c = conns.get(w);
    if (c === undefined) conns.set(w, (c = new Set()));
    return c;
  };
  for (const { rec, ev } of view.events) {
    fire(rec.time);
    if (ev.source !== 'coordinator') continue;
    switch (ev.type) {
      case 'claimed':
        leases.set(ev.leaseToken, { executionId: ev.executionId, workerId: ev.workerId });
        break;
      case 'lease_expired':
      case 'lease_released':
      case 'result_recorded':
        leases.delete(ev.leaseToken);
        watch.delete(ev.leaseToken);
        break;
      case 'worker_registered':
        set(ev.workerId).add(ev.connectionId);
        for (const [token, w] of watch) if (w.workerId === ev.workerId) watch.delete(token);
        break;
      case 'worker_replaced':
        set(ev.workerId).delete(ev.oldConnectionId);
        set(ev.workerId).add(ev.newConnectionId);
        break;
      case 'worker_disconnected':
      case 'worker_lost': {
        if (ev.type === 'worker_disconnected') set(ev.workerId).delete(ev.connectionId);
        if (set(ev.workerId).size > 0) break;
        for (const [token, l] of leases) {
          if (l.workerId === ev.workerId && !watch.has(token)) {
            watch.set(token, { deadline: rec.time + bound, lostAt: rec.time, index: rec.index, workerId: l.workerId, executionId: l.executionId });
          }
        }
        break;
      }
      default:
        break;
    }
  }
  fire(view.endAt);
  return out;
}

const PROCESS_ACTIONS: ReadonlySet<string> = new Set(['pause', 'kill', 'restart']);
