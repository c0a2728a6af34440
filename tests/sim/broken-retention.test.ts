/**
 * Retention (issue 10, promise 30, harness/check/promises-retention.ts):
 * scenarios/retention.yaml prunes by count and age while work finishes; the
 * real engine passes, and an engine that forgets one execution too many (by
 * count, set-4 09) or too early (by age) is caught under retention. A
 * store whose prune also deletes what completed at the cutoff (blind set 7,
 * #30: `<=` for `<`) loses executions the engine still holds, which the read
 * right after the coordinator's restart shows (durability).
 *
 * Retention with other features (blind set 8's misses 10, 14, 27): a
 * dependency pruned before the restart taken as still running leaves its
 * dependent pending (liveness); a per-client quota still counting pruned
 * executions refuses a submission that fits (api-contract); a store that
 * keeps a pruned execution's idempotency key refuses the key's reuse as a
 * conflict (idempotency). On SQLite (sqlite-crash-restart runs retention by
 * age): a completion that leaves the row's completed_at unset is never
 * pruned from disk, so the key stays held there (idempotency).
 *
 * Paged while prunes run (clientReads, promise 29): a cursor whose own
 * execution was pruned between two pages, with a page that steps past
 * whatever execution shares its createdAt (blind set 11 #01), skips one
 * created in the same millisecond (the `ties` batch, quotaB).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { Engine } from '../../system/engine/engine.js';
import { MemoryStore } from '../../system/store/memory-store.js';
import { CursorTieSkipEngine } from './broken/read-variants.js';
import { withCompletionTimeUnset } from './broken/sqlite-variants.js';
import { PrunedDependencyWaitingEngine, pruneKeepingKeys, quotaCountingPruned, RetentionAgeEarlyEngine, RetentionCountIgnoredEngine, RetentionOneShortEngine } from './broken/retention-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const FILE = 'scenarios/retention.yaml';

describe('retention: prunes by count and age judged against the policy', () => {
  it('passes on the real engine', async () => {
    const v = await simVerdict(await loadScenario(FILE));
    expect(v.text).toBe('');
  });

  it.each<[string, typeof Engine]>([
    ['count retention keeps maxCount - 1', RetentionOneShortEngine],
    ['age retention 400 ms early', RetentionAgeEarlyEngine],
  ])('%s: caught under retention', async (_name, cls) => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(cls) });
    expect(v.promises).toContain('retention');
    expect(v.text).toMatch(/forgot \d+ execution\(s\) the policy keeps \(retention \{"maxCount":12,"maxAgeMs":2500/);
  });
});

describe('retention: the policy is applied, not only respected', () => {
  it('an engine that ignores maxCount (prunes by age alone) is caught: a prune keeps what the policy lets go', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(RetentionCountIgnoredEngine) });
    expect(v.promises).toEqual(['retention']);
    expect(v.text).toMatch(/a prune at t=\d+ \(before t=\d+\) kept \d+ execution\(s\) the policy lets go \(retention \{"maxCount":12,"maxAgeMs":2500/);
  });
});

describe('retention: the store prunes no more than the engine forgot', () => {
  it('a prune that also deletes the cutoff instant is caught by the read after the restart', async () => {
    const prune = MemoryStore.prototype.prune;
    MemoryStore.prototype.prune = function (this: MemoryStore, completedBefore: number) {
      return prune.call(this, completedBefore + 1);
    };
    try {
      const v = await simVerdict(await loadScenario(FILE));
      expect(v.promises).toEqual(['durability']);
      expect(v.text).toMatch(/acknowledged at t=\d+ but unknown to the coordinator right after its restart \(read at t=5000\), though it ended completed at t=\d+ and no prune before the restart covered that/);
    } finally {
      MemoryStore.prototype.prune = prune;
    }
  });
});

describe('retention: with dependencies, quotas and idempotency keys', () => {
  it('a pruned dependency counted as still running after the restart is caught: its dependent never runs', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(PrunedDependencyWaitingEngine) });
    expect(v.promises).toContain('no-lost-work');
    expect(v.text).toMatch(/pending/);
  });

  it('a client quota that keeps counting pruned executions is caught refusing a submission that fits', async () => {
    const v = await simVerdict(await loadScenario(FILE), { coordinatorPolicies: quotaCountingPruned });
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/refused 429 rate_limited .* within its quota of 40 \(maxPendingPerClient\)/);
  });

  it('a prune that leaves the idempotency key in the store is caught refusing the key\'s reuse', async () => {
    const undo = pruneKeepingKeys();
    try {
      const v = await simVerdict(await loadScenario(FILE));
      expect(v.promises).toContain('idempotency');
      expect(v.text).toMatch(/idempotency key "rekey-k1"/);
    } finally {
      undo();
    }
  });
});

describe('retention on the SQLite store (scenarios/sqlite-crash-restart.yaml)', () => {
  it('a completion written without completed_at (prune deletes by it) is caught: the pruned key\'s reuse is refused (blind set 10 #30)', async () => {
    const v = await withCompletionTimeUnset(async () => simVerdict(await loadScenario('scenarios/sqlite-crash-restart.yaml')));
    expect(v.promises).toContain('idempotency');
    expect(v.text).toMatch(/idempotency key "rekey-k1" \(the same task\) was refused as a conflict/);
  });
});

describe('retention: a listing paged while prunes run', () => {
  it('a page that steps past the record at the cursor position whenever its createdAt ties the pruned cursor\'s is caught skipping an execution (blind set 11 #01)', async () => {
    const v = await simVerdict(await loadScenario(FILE), { engineFactory: engineFactoryOf(CursorTieSkipEngine) });
    expect(v.promises).toEqual(['api-contract']);
    expect(v.text).toMatch(/listing paged during the run \(3 per page, t=\d+\.\.\d+\): ex_\w+, acknowledged at t=\d+ and still known at the last page, is missing \(skipped between two pages\)/);
  });
});
