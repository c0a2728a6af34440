/**
 * What to do with each execution loaded from the Store after a crash or
 * restart. Nothing is dropped: every non-terminal status has an action.
 * - preparing/running with a lease: keep the lease (fresh expiry; the worker
 *   may come back and sync), else re-queue;
 * - scheduled/retrying: back in the queues at their time (a retrying record
 *   without nextRunAt runs now rather than crashing anything); a scheduled
 *   dependent whose dependency has not completed goes back to pending (its
 *   own write committed while its dependency's completion did not: separate
 *   writes, one of them refused by the disk);
 * - pending: re-evaluated (dependencies done → scheduled, failed → failed);
 * - paused and terminal: unchanged.
 */
import type { ExecutionId } from '../core/ids.js';
import { type ExecutionRecord, type ExecutionStatus, isTerminal } from '../core/model.js';
import type { RecordView } from './ended-record.js';

export type DependencyState =
  | { state: 'done' }
  | { state: 'waiting' }
  | { state: 'failed'; dependency: string; status: ExecutionStatus };

/**
 * Whether all dependencies completed, one ended unsuccessfully, or some are
 * still going. A dependency that no longer exists was pruned, and only
 * terminal executions are pruned; had it ended unsuccessfully, this execution
 * would have been failed at that moment (in the same commit group), so a
 * missing dependency of an unfinished execution counts as completed.
 */
export function dependencyState(
  rec: ExecutionRecord,
  lookup: (id: ExecutionId) => RecordView | undefined,
): DependencyState {
  let waiting = false;
  for (const id of rec.dependencies) {
    const dep = lookup(id);
    if (dep === undefined) continue;
    if (dep.status === 'completed') continue;
    if (isTerminal(dep.status)) return { state: 'failed', dependency: id, status: dep.status };
    waiting = true;
  }
  return waiting ? { state: 'waiting' } : { state: 'done' };
}

export type RecoveryAction =
  | { type: 'none' }
  | { type: 'keep-lease' }
  | { type: 'requeue'; reason: string }
  | { type: 'queue' }
  | { type: 'wait' }
  | { type: 'unready' }
  | { type: 'ready' }
  | { type: 'dependency-failed'; dependency: string; status: string };

/**
 * A dependent the store kept scheduled: its promotion committed, but a
 * dependency's completion may not have (a lost write, then a reload). Still
 * waiting → back to pending; a dependency that since ended unsuccessfully (it
 * re-ran and failed, and the cascade's write was lost too) → fail it, as the
 * live cascade would have; all done → queue it.
 */
function scheduledDependent(deps: DependencyState): RecoveryAction {
  if (deps.state === 'waiting') return { type: 'unready' };
  if (deps.state === 'failed') return { type: 'dependency-failed', dependency: deps.dependency, status: deps.status };
  return { type: 'queue' };
}

/** The action for one loaded record; `judge` rules on a pending one's dependencies (the engine passes its own seam). */
export function recoveryAction(
  rec: ExecutionRecord,
  lookup: (id: ExecutionId) => RecordView | undefined,
  judge: (rec: ExecutionRecord) => DependencyState = (r) => dependencyState(r, lookup),
): RecoveryAction {
  switch (rec.status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
    case 'timeout':
    case 'paused':
      return { type: 'none' };
    case 'preparing':
    case 'running':
      return rec.lease === undefined ? { type: 'requeue', reason: 'recovered_without_lease' } : { type: 'keep-lease' };
    case 'scheduled':
      return rec.dependencies.length > 0 ? scheduledDependent(judge(rec)) : { type: 'queue' };
    case 'retrying':
      return { type: 'queue' };
    case 'pending': {
      const deps = judge(rec);
      if (deps.state === 'done') return { type: 'ready' };
      if (deps.state === 'waiting') return { type: 'wait' };
      return { type: 'dependency-failed', dependency: deps.dependency, status: deps.status };
    }
    default: {
      const never: never = rec.status;
      return { type: 'requeue', reason: `unknown status ${String(never)}` };
    }
  }
}

/**
 * When a leased attempt's coordinator timeout started counting: its start
 * (running), else its claim (the latest `preparing` entry). A store reload
 * re-arms the timeout from here, not from the reload.
 */
export function attemptSince(rec: ExecutionRecord): number | undefined {
  if (rec.status === 'running' && rec.startedAt !== undefined) return rec.startedAt;
  return rec.statusHistory.findLast((s) => s.status === 'preparing')?.at;
}
