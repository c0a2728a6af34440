/**
 * Session 37's harness gaps (gaps37), each injected through a seam and
 * caught by a promise, while the real system passes at the same seed:
 * - on the SQLite store (control-races with `store: sqlite`), a repeated
 *   pause that rewrites the paused row (EngineControl wrapped: a store
 *   update, no history entry) and a pause whose store write is dropped
 *   (wrapStore) -> promise 29: each control's committed row is now read on
 *   SQLite too (SimSqliteStore.committedRecord, through the production
 *   store's executor and row decoding); before, the rule read only the
 *   MemoryStore, so on SQLite both passed.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as EngineControlModule from '../../system/engine/engine-control.js';
import type { ExecutionRecord } from '../../system/core/index.js';
import type { Store } from '../../system/store/index.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ rewritePaused: false }));

vi.mock('../../system/engine/engine-control.js', async (importOriginal) => {
  const real = await importOriginal<typeof EngineControlModule>();
  abstract class RewritingControl extends real.EngineControl {
    // Broken: pausing a paused execution "saves" it again: the row is rewritten, no history entry is added.
    override async pauseExecution(executionId: string): Promise<ExecutionRecord> {
      const wasPaused = plant.rewritePaused && this.mustGet(executionId).status === 'paused';
      const out = await super.pauseExecution(executionId);
      if (wasPaused) await this.store.update([out]);
      return out;
    }
  }
  return { ...real, EngineControl: RewritingControl };
});

/** A store that drops every update putting an execution in `paused` (the engine's memory and the API still show it). */
const dropsPauses = (store: Store): Store =>
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

const onSqlite = (s: Scenario): Scenario => ({ ...s, coordinator: { ...s.coordinator, store: 'sqlite' } });

describe('session 37 (gaps37): harness gaps', () => {
  it('on SQLite, a repeated pause rewriting the row, or a pause the store never got, is judged by promise 29', { timeout: 120_000 }, async () => {
    const s = onSqlite(await loadScenario('scenarios/control-races.yaml'));
    expect((await simVerdict(s)).text).toBe('');
    const rewrite = await withPlanted(flagOn(plant, 'rewritePaused'), () => simVerdict(s));
    expect(rewrite.promises).toEqual(['api-contract']);
    expect(rewrite.text).toMatch(/pause of ex_[0-9a-f]{16} \(answered 200\) staged 1 store write\(s\) of the execution, but its row's statusHistory did not grow \(paused with statusHistory \[scheduled, paused\]\)/);
    const dropped = await simVerdict(s, { wrapStore: dropsPauses });
    expect(dropped.promises).toContain('api-contract');
    expect(dropped.text).toMatch(/pause of ex_[0-9a-f]{16} \(answered 200\): the API answered paused with statusHistory \[scheduled, paused\], but the store's committed row is scheduled with statusHistory \[scheduled\] as the API shows it, with nothing left to commit/);
  });
});
