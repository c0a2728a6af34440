/**
 * Storage faults in simulation (issue 9): scenarios/disk-full.yaml and
 * scenarios/flaky-disk.yaml pass every promise at fixed seeds and really
 * exercise the faults (refused writes, unhealthy reports, recoveries), and
 * each new promise catches a deliberately broken variant built through the
 * seams: an engine that keeps and dispatches refused submissions (phantom),
 * an engine whose health hides a failing store, a store wrapper that
 * acknowledges before the disk refuses the write, an engine that logs a failed
 * checkpoint write and acknowledges it anyway, a reload that leaves the
 * leases it kept unconfirmed, a store marked healthy before its reload
 * finished, a claim that failed to commit kept as a pending assignment, a new
 * outage that probes first at the previous outage's last delay. (An engine that never rolls
 * back is caught by tests/engine/store-faults.test.ts.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WRITE_FAILED } from '../../harness/check/history.js';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { Engine } from '../../system/engine/engine.js';
import type { StoreHealthStatus } from '../../system/engine/store-health.js';
import { maxFailedAttempts } from '../../system/engine/retry.js';
import { resolveOnIssue } from '../../system/store/testing.js';
import { AckFailedCheckpointEngine } from './broken/engine-variants.js';
import { UnconfirmedAfterReloadEngine, withEarlyHealthyStore, withFailedClaimKept, withProbeBackoffKept } from './broken/store-fault-variants.js';
import { engineFactoryOf } from './broken/variants.js';

/** Phantom: a submission refused with 503 is kept and dispatched anyway (issue 9 #2, the old engine). */
class PhantomEngine extends Engine {
  protected override assertWritable(): void {}
  protected override unindex(recs: readonly ExecutionRecord[]): void {
    for (const rec of recs) {
      const { executionId, kind, priority } = rec;
      this.emit({ type: 'submitted', executionId, kind, dependencies: [...rec.dependencies], maxAttempts: maxFailedAttempts(rec.retry), priority });
      this.enqueue(rec);
    }
  }
  protected override async reloadFromStore(): Promise<void> {}
}

/** Health that hides a failing store: /readyz always says ready. */
class HidesFailureEngine extends Engine {
  override storeHealth(): StoreHealthStatus {
    return { ok: true, failures: 0, recoveries: 0 };
  }
}

async function run(name: string, seed: number, wiring?: SimWiring, store?: 'sqlite', twoRtt = false) {
  const loaded = await loadScenario(join(import.meta.dirname, `../../scenarios/${name}.yaml`));
  const scenario = twoRtt ? { ...loaded, fleet: { ...loaded.fleet, zeroRtt: false } } : loaded;
  const r = await runChecked(scenario, { seed, ...(store === undefined ? {} : { store }), ...(wiring === undefined ? {} : { wiring }) });
  const notes = r.outcome.history.filter((h) => h.f === 'submit' && h.type === 'fail').length;
  const failed = r.outcome.history.filter((h) => h.f === 'store_failed');
  const errors = new Set(failed.map((h) => String(h.value.error)));
  return { r, refused: notes, storeFailed: failed.length, errors, text: r.violations.map(formatViolation).join('\n'), promises: new Set(r.violations.map((v) => v.promise.name)) };
}

describe('storage-fault scenarios', () => {
  for (const [name, seed] of [
    ['disk-full', 1],
    ['disk-full', 2],
    ['flaky-disk', 1],
    ['flaky-disk', 2],
    // Seed 1 re-sent an acknowledged abort and seed 2 lost work before the engine's lease recovery fix.
    ['disk-fault-restart', 1],
    ['disk-fault-restart', 2],
  ] as const) {
    it(`${name} seed ${seed}: every promise holds and the faults were really hit`, async () => {
      const { r, refused, storeFailed, text } = await run(name, seed);
      expect(text).toBe('');
      expect(r.passed).toBe(true);
      expect(refused).toBeGreaterThan(0);
      expect(storeFailed).toBeGreaterThan(0);
    });
  }
  // On SQLite the disk under the file fails whole commit groups, as SQLite does (sim-sqlite-store.ts).
  // disk-fault-restart seed 2 was a false lease-expiry (a holder restarted in the outage counted as still
  // running its attempt); process-stop seed 1 a false reload verdict (a read taken while commits failed).
  for (const [name, seed] of [
    ['disk-fault-restart', 2],
    ['process-stop', 1],
    ['disk-faults-sqlite', 1],
  ] as const) {
    it(`${name} seed ${seed} on SQLite: every promise holds and the disk failed SQLite's own commits`, async () => {
      const { r, storeFailed, errors, text } = await run(name, seed, undefined, 'sqlite');
      expect(text).toBe('');
      expect(r.passed).toBe(true);
      expect(storeFailed).toBeGreaterThan(0);
      expect([...errors].every((e) => /store commit failed: SqliteError: (database or disk is full|disk I\/O error)/.test(e)), [...errors].join('\n')).toBe(true);
    });
  }
});

describe('the storage promises catch broken variants', () => {
  it('no-phantom: an engine that keeps and dispatches refused submissions', async () => {
    const { r, promises, text } = await run('disk-full', 1, { engineFactory: engineFactoryOf(PhantomEngine) });
    expect(r.passed).toBe(false);
    expect([...promises], text).toContain('no-phantom');
    expect(text).toMatch(/is a phantom/);
  });

  it('store-health: an engine whose /readyz hides that the store cannot commit', async () => {
    const { r, promises, text } = await run('disk-full', 1, { engineFactory: engineFactoryOf(HidesFailureEngine) });
    expect(r.passed).toBe(false);
    expect([...promises], text).toEqual(['store-health']);
    expect(text).toMatch(/while \/readyz answered 200/);
  });

  it('no-lost-work / durability: a store wrapper that acknowledges before the disk refuses the write', async () => {
    const { r, promises, text } = await run('disk-full', 1, { wrapStore: (store) => resolveOnIssue(store) });
    expect(r.passed).toBe(false);
    expect([...promises].some((p) => p === 'no-lost-work' || p === 'durability'), text).toBe(true);
  });

  it('acked-committed: an engine that logs a failed checkpoint write and acknowledges it anyway', async () => {
    const real = await run('flaky-disk', 1);
    // The real engine never announces a write that failed: nothing is discarded for it.
    expect(real.r.outcome.history.filter((h) => h.f === 'discard' && h.value.reason === WRITE_FAILED)).toEqual([]);
    const { r, promises, text } = await run('flaky-disk', 1, { engineFactory: engineFactoryOf(AckFailedCheckpointEngine) });
    expect(r.passed).toBe(false);
    expect([...promises], text).toContain('acked-committed');
    expect(text).toMatch(/checkpoint checkpoint:\S+ \(seq \d+, session \S+\) was acknowledged at t=\d+, .*: its store write failed and it was acknowledged anyway/);
  });

  it('lease-expiry: a reload that leaves every lease it kept unconfirmed lets a running holder\'s lease expire (flaky-disk, blind set 9 #08)', async () => {
    const { r, promises, text } = await run('flaky-disk', 1, { engineFactory: engineFactoryOf(UnconfirmedAfterReloadEngine) });
    expect(r.passed).toBe(false);
    expect([...promises], text).toEqual(['lease-expiry']);
    expect(text).toMatch(/lease \S+ expired at t=\d+ while its holder \S+ was running the attempt and stayed connected for the whole lease period/);
  });

  it('lease-expiry on SQLite: the same reload variant is caught when the disk fails whole commit groups (flaky-disk, disk-faults-sqlite)', async () => {
    for (const [name, store] of [['flaky-disk', 'sqlite'], ['disk-faults-sqlite', undefined]] as const) {
      const { r, promises, text } = await run(name, 1, { engineFactory: engineFactoryOf(UnconfirmedAfterReloadEngine) }, store);
      expect(r.passed).toBe(false);
      expect([...promises], text).toContain('lease-expiry');
    }
  });

  // Not a seed's luck (session 34): flaky-disk's long attempts outlast a link reset that comes more than a lease
  // period plus the probe's 2 s cap after the failing writes end, so the last reload is followed by a lease period
  // without a sync while they run (scenarios/flaky-disk.yaml). Seed 1 is the test above. On the 0-RTT register a
  // holder refused 4500 just before the last recovery can be back and synced just after it (seeds 3 and 6: its sync
  // confirms the lease the variant left unconfirmed); seed 3 is kept on the 2-RTT handshake, the others run 0-RTT.
  it('lease-expiry on SQLite: the reload variant is caught on flaky-disk at seeds 2-5 too', { timeout: 240_000 }, async () => {
    for (const seed of [2, 3, 4, 5]) {
      const { r, promises, text } = await run('flaky-disk', seed, { engineFactory: engineFactoryOf(UnconfirmedAfterReloadEngine) }, 'sqlite', seed === 3);
      expect(r.passed, `seed ${seed}`).toBe(false);
      expect([...promises], `seed ${seed}: ${text}`).toEqual(['lease-expiry']);
      expect(text).toMatch(/expired at t=\d+ while its holder \S+ was running the attempt and stayed connected for the whole lease period/);
    }
  });

  it('store-health: a store marked healthy before its reload finished dispatches inside the reload (graph-commit-window seed 2, blind set 9 #10)', async () => {
    // 150 ms commits make the reload's own recovery commits a window the assignment loop can be woken in.
    const { r, promises, text } = await withEarlyHealthyStore(() => run('graph-commit-window', 2));
    expect(r.passed).toBe(false);
    expect([...promises], text).toContain('store-health');
    expect(text).toMatch(/by a claim decided while the store was failing or still reloading \(failed \d+ ms before, recovered \(state reloaded\) \d+ ms later\)/);
  });

  it('store-health: a new outage that probes at the previous outage\'s last delay recovers long after its disk healed (disk-full, blind set 10 #10)', async () => {
    const { r, promises, text } = await withProbeBackoffKept(() => run('disk-full', 1));
    expect(r.passed).toBe(false);
    expect([...promises], text).toEqual(['store-health']);
    expect(text).toMatch(/its disk healed at t=5900, but it recovered only at t=\d+, \d+ ms later: probing from 50 ms doubling to 2 s since the failure/);
  });

  it('lease-expiry: a claim that failed to commit kept as a pending assignment gets a sync verdict for a lease never sent (flaky-disk, blind set 9 #17)', async () => {
    const { r, promises, text } = await withFailedClaimKept(() => run('flaky-disk', 1));
    expect(r.passed).toBe(false);
    expect([...promises], text).toEqual(['lease-expiry']);
    expect(text).toMatch(/sync_result \(seq \d+, session \S+\) carried \d+ verdicts \(\d+ confirmed, [1-9]\d* revoked\) for a report of \d+ task\(s\), \d+ unacknowledged assign\(s\) and \d+ claim\(s\) still committing/);
  });

});
