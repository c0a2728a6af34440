/**
 * Broken retention: the policy's own cutoffs (count, age), and pieces where
 * retention meets other features (issue 10, blind set 8's
 * misses 10, 14 and 27; tests/sim/broken-retention.test.ts): a pruned
 * dependency, a quota counting pruned executions, a store keeping a pruned
 * execution's idempotency key. Engines and the quota are wired in through
 * SimWiring; the store's prune is patched for one run (its undo returned).
 * None is a switch in production code.
 */
import { ClientQuota } from '../../../system/coordinator/client-quota.js';
import { isTerminal, type ExecutionStatus } from '../../../system/core/model.js';
import { Engine } from '../../../system/engine/engine.js';
import type { DependencyState } from '../../../system/engine/recovery.js';
import { MemoryStore } from '../../../system/store/memory-store.js';
import { quotaOf } from './api-variants.js';

/** A dependency the engine no longer knows (pruned after it completed, forgotten by the store) counts as still running: its dependent waits forever. */
export class PrunedDependencyWaitingEngine extends Engine {
  protected override dependencyStateOf(rec: Parameters<Engine['dependencyStateOf']>[0]): DependencyState {
    const state = super.dependencyStateOf(rec);
    if (state.state === 'failed' || !rec.dependencies.some((id) => this.records.get(id) === undefined)) return state;
    return { state: 'waiting' };
  }
}

/**
 * The per-client quota forgets only executions it sees terminal: one it can
 * no longer look up (pruned) stays counted. A quota policy for
 * SimWiring.coordinatorPolicies.
 */
export const quotaCountingPruned = quotaOf(
  class extends ClientQuota {
    protected override unfinished(client: string): number {
      const set = this.pending.get(client);
      if (set === undefined) return 0;
      for (const id of set) {
        const s = this.statusOf(id);
        if (s !== undefined && isTerminal(s as ExecutionStatus)) set.delete(id);
      }
      return set.size;
    }
  },
);

/** The memory store's prune deletes the records but leaves their idempotency keys in its key index (a new execution with the key then conflicts). Returns the undo. */
export function pruneKeepingKeys(): () => void {
  const prune = MemoryStore.prototype.prune;
  MemoryStore.prototype.prune = async function (this: MemoryStore, completedBefore: number): Promise<number> {
    const keys = new Map(this.durable.keys);
    const n = await prune.call(this, completedBefore);
    for (const [key, id] of keys) if (!this.durable.keys.has(key)) this.durable.keys.set(key, id);
    return n;
  };
  return () => {
    MemoryStore.prototype.prune = prune;
  };
}

/** Retention by count keeps maxCount − 1 (set-4 09): one terminal execution too many is forgotten at each sweep. */
export class RetentionOneShortEngine extends Engine {
  constructor(...[deps, config]: ConstructorParameters<typeof Engine>) {
    const r = config.retention;
    super(deps, r?.maxCount === undefined ? config : { ...config, retention: { ...r, maxCount: r.maxCount - 1 } });
  }
}

/** Retention by age cuts 400 ms past its cutoff (maxAgeMs measured from the wrong end of a timestamp): executions are forgotten before their time. */
export class RetentionAgeEarlyEngine extends Engine {
  protected override pruneBefore(completedBefore: number): Promise<number> {
    const r = this.config.retention;
    return super.pruneBefore(r?.maxAgeMs === undefined ? completedBefore : completedBefore + 400);
  }
}

/** Retention prunes only what is past the age limit, ignoring the count limit (blind set 8 #03, Math.min of the two cutoffs): more than maxCount are kept. */
export class RetentionCountIgnoredEngine extends Engine {
  constructor(...[deps, config]: ConstructorParameters<typeof Engine>) {
    const r = config.retention;
    super(deps, r === undefined ? config : { ...config, retention: { ...r, maxCount: undefined } });
  }
}
