/**
 * The engine-control module with a planted pause that rewrites a paused
 * execution's row without a history entry (promise 29's control-vs-store
 * rule: broken-gaps35c on the MemoryStore, broken-gaps37 on SQLite). Each
 * file's `vi.mock` factory is hoisted per file and imports this inside it;
 * this module imports engine-control only as a type, so the mock it builds
 * does not load itself.
 */
import type * as EngineControlModule from '../../../system/engine/engine-control.js';
import type { ExecutionRecord } from '../../../system/core/index.js';

/** `real` with pauseExecution, while `plant.rewritePaused`, saving a paused execution again: the row is rewritten, no history entry is added. */
export function rewritingControl(real: typeof EngineControlModule, plant: { rewritePaused: boolean }): typeof EngineControlModule {
  abstract class RewritingControl extends real.EngineControl {
    override async pauseExecution(executionId: string): Promise<ExecutionRecord> {
      const wasPaused = plant.rewritePaused && this.mustGet(executionId).status === 'paused';
      const out = await super.pauseExecution(executionId);
      if (wasPaused) await this.store.update([out]);
      return out;
    }
  }
  return { ...real, EngineControl: RewritingControl };
}
