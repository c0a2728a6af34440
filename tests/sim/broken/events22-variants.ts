/**
 * Blind set 22 #08's class (an engine map of per-execution deferred state
 * that one execution's transition empties for another), as broken engines
 * wired in through SimWiring (tests/sim/broken-events22.test.ts). #08 itself
 * (young-maps.ts's withoutKey emptying a one-entry map whatever the key) is
 * not reachable in the current engine: deferred events live only inside the
 * synchronous step that persists them, so the map never holds another
 * execution's entry when withoutKey runs. These variants drop what such a
 * defect would drop where it can happen.
 */
import type { ExecutionStatus } from '../../../system/core/model.js';
import type { ExecutionRecord } from '../../../system/core/index.js';
import { Engine } from '../../../system/engine/engine.js';

/**
 * An execution's deferred events (a retried attempt's interim failed status,
 * its lease release and result_recorded, a claim) are wiped when another
 * execution's change is still in its commit window: they never reach the
 * event stream, the dashboard feed or the events file.
 */
export class DeferredWipedByOthersEngine extends Engine {
  protected override transition(rec: ExecutionRecord, to: ExecutionStatus, reason: string | undefined, mode: 'persist' | 'interim' = 'persist'): Promise<void> {
    if (mode === 'persist' && [...this.pendingCommits.keys()].some((id) => id !== rec.executionId)) this.deferredEvents.delete(rec.executionId);
    return super.transition(rec, to, reason, mode);
  }
}

/**
 * Another execution's commit window is forgotten when one closes: a verdict
 * against a change still uncommitted (committedState) is answered at once.
 */
export class CommitWindowForgottenEngine extends Engine {
  protected override committedState(id: ExecutionRecord['executionId']): Promise<void> {
    return [...this.pendingCommits.keys()].some((other) => other !== id) ? Promise.resolve() : super.committedState(id);
  }
}
