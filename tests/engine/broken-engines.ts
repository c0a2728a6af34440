/**
 * Broken variants of the Engine shared by the engine suites (the known-failure
 * regressions and the random-graph property): each reintroduces one defect of
 * the original system, and a suite must catch it. `variant` turns a subclass
 * into the `make` hook of startEngine.
 */
import type { FinishWork } from '../../system/engine/core.js';
import { Engine } from '../../system/engine/engine.js';
import type { ExecutionRecord } from '../../system/core/model.js';

/** The Engine's constructor arguments (what startEngine's `make` receives). */
export type Make = ConstructorParameters<typeof Engine>;

/** The `make` hook that builds the subclass `C` instead of the Engine. */
export const variant =
  <T extends Engine>(C: new (...a: Make) => T) =>
  (...a: Make): Engine =>
    new C(...a);

/** The original: running executions counted only once they started. */
export class CountsStartedOnly extends Engine {
  protected override inFlight(): number {
    return [...this.leased.values()].filter((r) => r.status === 'running').length;
  }
}
/** The original: dependents of a failed execution were re-queued forever. */
export class RequeueDependents extends Engine {
  protected override dependencyEnded(d: ExecutionRecord, dep: ExecutionRecord, work: FinishWork[], commits: Promise<void>[]): void {
    if (dep.status === 'completed') super.dependencyEnded(d, dep, work, commits);
  }
}
