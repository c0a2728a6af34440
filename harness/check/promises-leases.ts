/**
 * Leases and their holders' connections (part of promise 1, no lost work):
 * a lease must not outlive its holder's connection by more than a lease
 * period, or work held by a dead worker waits forever (KNOWN_FAILURE_MODES,
 * reconnection #4).
 */
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { Ev, FaultSpan, HistoryView } from './view.js';
import { affectsCoordinator } from './view.js';
import type { Violation } from './violation.js';
import { violation } from './violation.js';

/**
 * Part of promise 1: work held by a worker whose connection is lost is not
 * stuck. Once the coordinator saw W's last connection go (worker_disconnected,
 * worker_lost), every lease W holds must end (expire, be released or
 * recorded) within leaseMs plus one lease sweep (leaseMs/4) plus tolerance,
 * unless W registers again first. Not applied across a coordinator pause,
 * kill or restart (its timers stopped). While the coordinator's store cannot
 * commit (store_failed until store_recovered) no expiry can commit either;
 * after it recovered, a lease whose deadline passed meanwhile must end
 * within one sweep plus tolerance (a reload keeps the expiry the holder's
 * heartbeats earned; it does not grant a fresh lease).
 */
export function checkStuckLeases(view: HistoryView, ctx: CheckContext): Violation[] {
  const sweep = Math.max(50, Math.floor(ctx.leaseMs / 4)) + ctx.toleranceMs;
  const walk = new StuckLeaseWalk(view, ctx.leaseMs + sweep, sweep);
  for (const e of view.events) {
    walk.fire(e.rec.time);
    if (e.ev.source === 'coordinator') walk.event(e);
  }
  walk.fire(view.endAt);
  return walk.out;
}

/** A lease whose holder's last connection went: it must end by the deadline. */
interface Watched {
  deadline: number;
  lostAt: number;
  index: number;
  workerId: string;
  executionId: string;
}

/** checkStuckLeases' walk: live leases, each worker's open connections, and the leases being watched. */
class StuckLeaseWalk {
  readonly out: Violation[] = [];
  private readonly leases = new Map<string, { executionId: string; workerId: string }>();
  private readonly conns = new Map<string, Set<string>>();
  private readonly watch = new Map<string, Watched>();
  /** Store-failing time so far, and the start of the current failure. */
  private storeSince: number | undefined;
  /** When the store last recovered. */
  private recoveredAt: number | undefined;
  /** Coordinator process faults: its timers stopped, so no lease could expire. */
  private readonly coordinatorDown: FaultSpan[];

  constructor(
    private readonly view: HistoryView,
    private readonly bound: number,
    /** One sweep plus tolerance: how soon after the store recovered an overdue lease ends. */
    private readonly afterRecoveryMs: number,
  ) {
    this.coordinatorDown = view.faults.filter((f) => PROCESS_ACTIONS.has(f.details.action) && affectsCoordinator(f.details));
  }

  /** Reports every watched lease whose deadline passed before `until` (unless the coordinator was down meanwhile). */
  fire(until: number): void {
    if (this.storeSince !== undefined) return;
    for (const [token, w] of this.watch) {
      const afterRecovery = this.recoveredAt !== undefined && this.recoveredAt > w.lostAt ? this.recoveredAt + this.afterRecoveryMs : -Infinity;
      if (Math.max(w.deadline, afterRecovery) >= until) continue;
      this.watch.delete(token);
      if (this.excused(w.lostAt, w.deadline)) continue;
      this.out.push(
        violation(
          this.view.records,
          'no-lost-work',
          `${w.workerId}'s connection was lost at t=${w.lostAt} but its lease ${token} was still held ${this.bound} ms later: work held by a dead worker must be reassigned (lease expiry)`,
          { index: w.index, executionId: w.executionId, workerId: w.workerId },
        ),
      );
    }
  }

  /** Follows one coordinator event. */
  event({ rec, ev }: Ev): void {
    switch (ev.type) {
      case 'claimed':
        this.leases.set(ev.leaseToken, { executionId: ev.executionId, workerId: ev.workerId });
        break;
      case 'lease_expired':
      case 'lease_released':
      case 'result_recorded':
        this.leases.delete(ev.leaseToken);
        this.watch.delete(ev.leaseToken);
        break;
      case 'store_failed':
        this.storeSince ??= rec.time;
        break;
      case 'store_recovered':
        this.recoveredAt = rec.time;
        this.storeSince = undefined;
        break;
      case 'worker_registered':
        this.connections(ev.workerId).add(ev.connectionId);
        for (const [token, w] of this.watch) if (w.workerId === ev.workerId) this.watch.delete(token);
        break;
      case 'worker_replaced':
        this.connections(ev.workerId).delete(ev.oldConnectionId);
        this.connections(ev.workerId).add(ev.newConnectionId);
        break;
      case 'worker_disconnected':
      case 'worker_lost':
        if (ev.type === 'worker_disconnected') this.connections(ev.workerId).delete(ev.connectionId);
        if (this.connections(ev.workerId).size === 0) this.watchLeasesOf(ev.workerId, rec);
        break;
      default:
        break;
    }
  }

  /** Starts watching every lease the worker holds (its last connection went at `rec`). */
  private watchLeasesOf(workerId: string, rec: HistoryRecord): void {
    for (const [token, l] of this.leases) {
      if (l.workerId === workerId && !this.watch.has(token)) {
        this.watch.set(token, { deadline: rec.time + this.bound, lostAt: rec.time, index: rec.index, workerId: l.workerId, executionId: l.executionId });
      }
    }
  }


  private connections(workerId: string): Set<string> {
    let c = this.conns.get(workerId);
    if (c === undefined) this.conns.set(workerId, (c = new Set()));
    return c;
  }

  private excused(from: number, to: number): boolean {
    return this.coordinatorDown.some((f) => f.start.time <= to && this.view.faultEnd(f) >= from);
  }
}

const PROCESS_ACTIONS: ReadonlySet<string> = new Set(['pause', 'kill', 'restart']);
