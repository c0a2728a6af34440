/**
 * Deliberately broken pieces of squall, built only here (test doubles wired in
 * through SimWiring, never a switch in production code). Each mirrors a defect
 * of ../shared/KNOWN_FAILURE_MODES.md; tests/sim/broken-variants.test.ts runs
 * the real system with one of them swapped in and asserts the checker says so.
 */
import { engineFactory } from '../../../system/coordinator/index.js';
import type { ExecutionId } from '../../../system/core/ids.js';
import type { GraphSpec, ResultReport } from '../../../system/engine/contract.js';
import { Engine } from '../../../system/engine/engine.js';
import type { ExecutionRecord } from '../../../system/core/model.js';
import type { BackoffConfig } from '../../../system/worker/backoff.js';
import type { Random } from '../../../system/core/random.js';
import type { Worker } from '../../../system/worker/worker.js';

/** The production engine factory of createCoordinator, with another Engine class (marks included, as createCoordinator passes them). */
export const engineFactoryOf = engineFactory;

/** Engine #1: the graph's dependencies are emptied in place before planning, so every node is ready at once. */
export class DependencyDroppingEngine extends Engine {
  override scheduleTaskGraph(graph: GraphSpec): ReturnType<Engine['scheduleTaskGraph']> {
    for (const node of Object.values(graph)) node.dependsOn = [];
    return super.scheduleTaskGraph(graph);
  }
}

/** Results accepted without fencing: a report under a superseded lease is recorded as if it were current. */
export class UnfencedEngine extends Engine {
  override async onResult(report: ResultReport): ReturnType<Engine['onResult']> {
    const rec = this.records.get(report.executionId as ExecutionId);
    if (rec?.lease !== undefined && rec.lease.token !== report.leaseToken) {
      await this.recordOutcome(rec, report.outcome, report.result, report.error);
      return 'recorded';
    }
    return super.onResult(report);
  }
}

/** Reconnection #4 / leases never expiring: the lease sweep does nothing, so work held by dead workers waits for them. */
export class NeverExpiringEngine extends Engine {
  protected override sweepLeases(): void {}
}

/** Engine #5: a failed dependency leaves its dependents pending forever instead of failing them. */
export class HangingDependentsEngine extends Engine {
  protected override dependencyEnded(...args: Parameters<Engine['dependencyEnded']>): void {
    const [, dependency] = args;
    if (dependency.status !== 'completed') return;
    super.dependencyEnded(...args);
  }
}

/** Engine #6: restart recovery silently drops executions that were preparing or running at the crash. */
export class DroppingRecoveryEngine extends Engine {
  protected override recoverOne(rec: ExecutionRecord, now: number, commits: Promise<void>[]): void {
    if (rec.status === 'preparing' || rec.status === 'running') {
      this.records.delete(rec.executionId);
      return;
    }
    super.recoverOne(rec, now, commits);
  }
}

/** Reconnection #6: the cap applied after jitter; workers at the cap all wait exactly the cap (lockstep). */
export function capAfterJitter(cfg: BackoffConfig, attempt: number, random: Random): number {
  const uncapped = cfg.initialMs * cfg.multiplier ** Math.max(0, attempt - 1);
  return Math.min(cfg.maxMs, random.float() * uncapped);
}

/** Reconnection #3: finished tasks are never removed from the worker's running set; ghosts fill its capacity. */
export function keepGhosts(_id: string, worker: Worker): void {
  const runner = (worker as unknown as { runner: { running: Map<string, unknown> } }).runner;
  runner.running.delete = () => false;
}

/**
 * Engine #2: a task queued twice runs twice. Every claim puts the execution
 * back in the ready queue once more, and the double-claim guard lets a
 * leased execution through, so a second worker gets it while the first runs.
 */
export class DoubleQueueEngine extends Engine {
  private readonly requeued = new Set<string>();

  override claimNext(...args: Parameters<Engine['claimNext']>): ReturnType<Engine['claimNext']> {
    const claim = super.claimNext(...args);
    const id = claim?.assignment.executionId;
    const rec = id === undefined ? undefined : this.records.get(id);
    if (rec !== undefined && !this.requeued.has(rec.executionId)) {
      this.requeued.add(rec.executionId);
      this.ready.push(rec.executionId, rec.kind, rec.priority, this.seqOf.get(rec.executionId) ?? 0);
    }
    return claim;
  }

  protected override claimable(rec: ExecutionRecord | undefined): rec is ExecutionRecord {
    return rec !== undefined && (rec.status === 'scheduled' || rec.status === 'retrying' || rec.status === 'preparing');
  }
}

/** Engine #5 / promise 5: a failed attempt is retried at once and without end, whatever the retry policy says. */
export class RetryForeverEngine extends Engine {
  protected override failAttempt(rec: ExecutionRecord, outcome: 'failed' | 'timeout'): Promise<void> {
    this.dropLease(rec, outcome);
    this.transition(rec, outcome, 'attempt failed', 'interim').catch(() => {});
    rec.nextRunAt = this.clock.now();
    const p = this.transition(rec, 'retrying', 'retry at once');
    this.enqueue(rec);
    return p;
  }
}

/** Reconnection #9: checkpoints lived only in the holder's memory; a reassigned attempt starts from scratch. */
export class ForgetfulCheckpointEngine extends Engine {
  protected override loseLease(rec: ExecutionRecord, reason: string): void {
    rec.checkpoint = undefined;
    super.loseLease(rec, reason);
  }
}
