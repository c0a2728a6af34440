/**
 * The control-vs-store plants of promise 29 (broken-gaps35c on the
 * MemoryStore, broken-gaps37 on SQLite): a store dropping the writes that
 * pause, and the engine-control module with a pause that rewrites a paused
 * execution's row without a history entry. Each file's `vi.mock` factory is
 * hoisted per file and imports this inside it; this module imports
 * engine-control only as a type, so the mock it builds does not load itself.
 */
import type * as EngineControlModule from '../../../system/engine/engine-control.js';
import type { ExecutionRecord } from '../../../system/core/index.js';
import type { Store } from '../../../system/store/index.js';

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

/** A store that drops every update putting an execution in `paused` (the engine's memory and the API still show it). */
export const dropsPauses = (store: Store): Store =>
  new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'update' || typeof value !== 'function') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return (records: readonly ExecutionRecord[]) => {
        const kept = records.filter((r) => r.status !== 'paused');
        return kept.length === records.length ? target.update(records) : kept.length === 0 ? Promise.resolve() : target.update(kept);
      };
    },
  });
