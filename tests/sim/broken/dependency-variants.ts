/**
 * Broken pieces for the dependency states outside the live cascade (issue
 * 10): the engine's judgement of dependencies that ended before a dependent
 * was submitted, recovered or resumed, and a recovered dependent whose
 * dependency's completion the store never kept. Wired in through SimWiring
 * (tests/sim/broken-late-states.test.ts); none is a switch in production code.
 */
import { Engine } from '../../../system/engine/engine.js';
import type { ExecutionRecord } from '../../../system/core/model.js';
import type { SubmitItem } from '../../../system/engine/submit.js';

/** Only a `failed` dependency counts as unsuccessful: a dependent of a timed-out or cancelled one waits forever. */
export class OnlyFailedUnsuccessfulEngine extends Engine {
  protected override dependencyStateOf(...args: Parameters<Engine['dependencyStateOf']>): ReturnType<Engine['dependencyStateOf']> {
    const deps = super.dependencyStateOf(...args);
    return deps.state === 'failed' && deps.status !== 'failed' ? { state: 'waiting' } : deps;
  }
}

/** The same mistake in recovery alone: a dependent recovered pending after its dependency timed out or was cancelled waits forever. */
export class RecoveredOnlyFailedUnsuccessfulEngine extends Engine {
  protected override dependencyStateOf(...args: Parameters<Engine['dependencyStateOf']>): ReturnType<Engine['dependencyStateOf']> {
    const deps = super.dependencyStateOf(...args);
    return this.state === 'recovering' && deps.state === 'failed' && deps.status !== 'failed' ? { state: 'waiting' } : deps;
  }
}

/**
 * Recovery trusts a scheduled status: a dependent whose `scheduled` write
 * committed while its dependency's completion write failed is queued at the
 * reload and runs before its dependency completed.
 */
export class ScheduledTrustedAtRecoveryEngine extends Engine {
  protected override recoverOne(...args: Parameters<Engine['recoverOne']>): void {
    const rec = args[0];
    if (rec.status === 'scheduled') this.enqueue(rec);
    else super.recoverOne(...args);
  }
}

/**
 * The submit plan creates a new execution `scheduled` when ANY of its
 * dependencies completed (`some` for `every` in system/engine/submit.ts): a
 * dependent of one ended and one running execution is queued at once and
 * runs before the running one completed.
 */
export class AnyDependencyCompletedEngine extends Engine {
  protected override submit(items: SubmitItem[]): Promise<ExecutionRecord[]> {
    for (const { record } of items) {
      const deps = record?.dependencies ?? [];
      if (record === undefined || record.status !== 'pending' || !deps.some((d) => this.records.get(d)?.status === 'completed')) continue;
      record.status = 'scheduled';
      const first = record.statusHistory.at(0);
      if (first !== undefined) record.statusHistory = [{ ...first, status: 'scheduled' }];
    }
    return super.submit(items);
  }
}

/**
 * The live cascade queues a dependent as soon as it is marked scheduled in
 * memory, not once its dependency's completion committed: a worker claims it
 * inside the completion's commit window (blind set 9 #07).
 */
export class DependentReadyBeforeCommitEngine extends Engine {
  protected override dependencyEnded(...args: Parameters<Engine['dependencyEnded']>): void {
    const [dependent, dependency] = args;
    const becomesReady = dependency.status === 'completed' && dependent.status === 'pending' && this.dependencyStateOf(dependent).state === 'done';
    super.dependencyEnded(...args);
    if (!becomesReady) return;
    this.enqueue(dependent);
    this.flushWake();
  }
}

/**
 * A graph node that is an idempotent repeat (its key already held) is not
 * mapped to the execution holding the key, so the plan's dependents lose that
 * edge: they are created without it, `scheduled` at once when their other
 * dependencies completed, and run before the deduplicated node completed
 * (blind set 10 #09).
 */
export class DedupedNodeEdgeDroppedEngine extends Engine {
  protected override submit(items: SubmitItem[]): Promise<ExecutionRecord[]> {
    const deduped = new Set(items.flatMap((i) => (i.existing === undefined ? [] : [i.existing])));
    for (const { record } of items) {
      if (record === undefined || !record.dependencies.some((d) => deduped.has(d))) continue;
      record.dependencies = record.dependencies.filter((d) => !deduped.has(d));
      if (record.status !== 'pending' || !record.dependencies.every((d) => this.records.get(d)?.status === 'completed')) continue;
      record.status = 'scheduled';
      const first = record.statusHistory.at(0);
      if (first !== undefined) record.statusHistory = [{ ...first, status: 'scheduled' }];
    }
    return super.submit(items);
  }
}
