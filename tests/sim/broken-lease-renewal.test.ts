/**
 * Lease deadlines renewed by every proof of life (issue 10): a lease a store
 * reload brought back unconfirmed lives leaseMs - heartbeatMs/2 past the
 * sync that confirmed it, even when its holder falls silent right after
 * (scenario lease-after-reload). The broken variant keeps the reload's
 * deadline at the sync (blind set 11 #07) and is caught under promise 12
 * (lease-expiry); the real system passes at the same seed. Its sibling: a
 * reload that re-arms a kept lease's timeout from the reload instead of
 * keeping the attempt's deadline (promise 17, timeouts), and one that counts
 * a waiting retry's delay again from the reload (promise 5, retries).
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { FreshTimeoutAtReloadEngine, RetryDelayFromReloadEngine, SyncKeepsOldExpiryEngine } from './broken/lease-renewal-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

describe('lease deadlines after a store reload', () => {
  it('lease-after-reload: a sync confirming a reloaded lease without renewing it (lease-expiry)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/lease-after-reload.yaml');
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    expect(real.passed).toBe(true);
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(SyncKeepsOldExpiryEngine) });
    expect(broken.passed).toBe(false);
    expect(broken.promises, broken.text).toContain('lease-expiry');
    expect(broken.text).toMatch(/lease \S+ expired at t=\d+, though its holder w1's sync confirmed it at t=\d+: that sync renews it until t=\d+ at the earliest/);
  });

  it('lease-after-reload: a reload that re-arms a kept lease\'s timeout from the reload (timeouts)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/lease-after-reload.yaml');
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(FreshTimeoutAtReloadEngine) });
    expect(broken.passed).toBe(false);
    expect(broken.promises, broken.text).toContain('timeouts');
    expect(broken.text).toMatch(/lease \S+ \(attempt 1, w1\) lasted \d+ ms after it started; timeoutMs 400 \+ grace 2000 should have ended it, or by t=\d+ .*or its store recovered/);
  });

  it('lease-after-reload: a reload that counts a waiting retry\'s delay again from the reload (retries)', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/lease-after-reload.yaml');
    const broken = await simVerdict(scenario, { engineFactory: engineFactoryOf(RetryDelayFromReloadEngine) });
    expect(broken.passed).toBe(false);
    expect(broken.promises, broken.text).toContain('retries');
    expect(broken.text).toMatch(/retried \d+ ms after failure 1; strategy fixed \(delay 1500, cap \d+\) asks for 1500 ms \(the store failed until t=\d+; a reload keeps the retry's time\), and w2 was idle at t=\d+: the retry came too late/);
  });
});
