/**
 * Blind set 13's metrics, dashboard, timestamp and token store misses
 * (#04, #05, #06, #07, #10; promise 29, api-contract), each broken variant
 * injected through a seam (tests/sim/broken/obs13-variants.ts) and reported
 * at seed 1 of the scenario that exercises it, where the real system passes:
 *
 * - admission-leak reads the /metrics gauges after its herds' 4503
 *   refusals and reconnects: a connections gauge never decremented, and a
 *   reconnect histogram in milliseconds (promises-metrics-gauges.ts);
 * - checkpoint-heavy keeps the dashboard open through a burst: a push that
 *   keeps the oldest events (promises-dashboard.ts);
 * - engine-features completes short tasks whose start is folded into the
 *   result: a completion listed without startedAt (promises-reads-ended.ts);
 * - adversarial-clients' token administrator works on the file token store
 *   (sim-client.ts): a store whose reads miss its own writes
 *   (promises-api-tokens.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TokenStore } from '../../system/coordinator/index.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { connectionsNeverDecremented, dashboardKeepsOldest, FoldedStartUnstampedEngine, reconnectInMs, staleAfterOwnWrites } from './broken/obs13-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('api-contract: gauges, the dashboard feed, startedAt and the file token store as clients see them (set 13)', () => {
  it('a connections gauge never decremented and a reconnect histogram in ms are reported (admission-leak: gauges); the real metrics pass', { timeout: 60_000 }, async () => {
    const s = await scenario('admission-leak');
    expect((await simVerdict(s)).text).toBe('');
    const leaked = await simVerdict(s, { wrapHttp: connectionsNeverDecremented });
    expect(leaked.promises).toEqual(['api-contract']);
    expect(leaked.text).toMatch(/GET \/metrics at t=\d+: squall_connections is \d+, but only \d+ connection\(s\) are open on the coordinator's host/);
    const ms = await simVerdict(s, { wrapHttp: reconnectInMs });
    expect(ms.promises).toEqual(['api-contract']);
    expect(ms.text).toMatch(/squall_reconnect_duration_seconds sums [\d.]+ s over \d+ reconnect\(s\), but the run has lasted [\d.]+ s/);
  });

  it('a dashboard push that keeps the oldest events is reported (checkpoint-heavy: dashboard); the real feed passes (broken-api12.test.ts)', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario('checkpoint-heavy'), { wrapHttp: dashboardKeepsOldest(50) });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/dashboard feed \(GET \/ui\/events, opened t=100\): the push at t=\d+ ends with \w+ \S* \(at \d+\), but the newest event the coordinator emitted before it was/);
  });

  it('a start folded into its result without startedAt is reported (engine-features); the real engine passes', { timeout: 60_000 }, async () => {
    const s = await scenario('engine-features');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { engineFactory: engineFactoryOf(FoldedStartUnstampedEngine) });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/listed \w+ is completed \(completedAt \d+\) but carries no startedAt/);
  });

  it('a file token store that misses its own writes is reported (adversarial-clients: tokens); the real store passes (broken-api.test.ts)', { timeout: 60_000 }, async () => {
    const stores: TokenStore[] = [];
    const broken = await simVerdict(await scenario('adversarial-clients'), { wrapTokens: staleAfterOwnWrites((t) => stores.push(t)) });
    expect(stores.length).toBeGreaterThan(0);
    expect(stores.every((t) => 'path' in t && String(t.path).endsWith('tokens.json'))).toBe(true);
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/token \w+, made by POST \/api\/v1\/tokens, is not listed by GET \/api\/v1\/tokens/);
    expect(broken.text).toMatch(/token \w+, revoked, was answered \d+ ?\w* on GET \/api\/v1\/stats: a revoked token must be refused 401 token_revoked/);
  });
});
