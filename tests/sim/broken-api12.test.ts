/**
 * What clients observe of the HTTP API, its tokens, metrics and dashboard
 * (blind set 12 #13, #15 to #19; promise 29, api-contract), each broken
 * variant injected through a seam (tests/sim/broken/api12-variants.ts) and
 * reported at seed 1 of the scenario that exercises it, where the real
 * system passes:
 *
 * - global-cap presses its per-client quota: a 429 without Retry-After
 *   (the simulated client now reads headers, harness/check/promises-api-headers.ts);
 * - adversarial-clients runs a token administrator (clientReads read
 *   tokens): a repeat revoke that moves revokedAt, a listing with hashes
 *   (promises-api-tokens.ts);
 * - lone-worker reads the /metrics gauges while its only worker is cut off:
 *   a heartbeat-timeout gauge left from gone connections (promises-metrics-gauges.ts);
 * - checkpoint-heavy keeps the dashboard's event stream open through a burst
 *   that overflows a push: a dropped count never reset (promises-dashboard.ts);
 * - flaky-disk's end-of-run listing and retention's listing walk send empty
 *   filters (`status=&taskId=`): a list query that takes them as values
 *   (promises-reads.ts, promises-reads-walk.ts).
 *
 * The real system's pass at seed 1 of each scenario is asserted once, where
 * the scenario's other variants are (named at each case), not again here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { droppedNeverReset, emptyParamsAsFilters, hashesListed, retryAfterDropped, revokeOverwrites, timeoutGaugeKept } from './broken/api12-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('api-contract: headers, tokens, gauges, the dashboard feed and empty parameters as clients see them', () => {
  it('a 429 without Retry-After is reported (global-cap); the real answers pass', { timeout: 60_000 }, async () => {
    const s = await scenario('global-cap'); // the real system passes it: broken-api.test.ts
    const broken = await simVerdict(s, { wrapHttp: retryAfterDropped });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/a submission refused HTTP 429 rate_limited at t=\d+ carried no Retry-After: the README promises it on every 429 rate_limited/);
  });

  it('a repeat revoke that moves revokedAt, and a token listing with hashes, are reported (adversarial-clients: tokens); the real store passes', { timeout: 60_000 }, async () => {
    const s = await scenario('adversarial-clients'); // the real system passes it: broken-api.test.ts
    const moved = await simVerdict(s, { wrapTokens: revokeOverwrites });
    expect(moved.promises).toEqual(['api-contract']);
    expect(moved.text).toMatch(/a repeat revoke of \w+ answered revokedAt \d+, but its first revoke \(t=\d+\) answered \d+: revokedAt never moves once set/);
    const hashes = await simVerdict(s, hashesListed());
    expect(hashes.promises).toEqual(['api-contract']);
    expect(hashes.text).toMatch(/GET \/api\/v1\/tokens lists \w+ with field\(s\) hash/);
    expect(hashes.text).toMatch(/shows secret material in \w+\.hash: the SHA-256 of token \w+/);
  });

  it('a heartbeat-timeout gauge that keeps its samples once no connection is left is reported (lone-worker: gauges); the real one passes', { timeout: 60_000 }, async () => {
    const s = await scenario('lone-worker'); // the real system passes it: broken-attempts.test.ts
    const broken = await simVerdict(s, { wrapHttp: timeoutGaugeKept });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/GET \/metrics at t=\d+: squall_heartbeat_timeout_seconds reports \{"stat=min":[\d.]+,"stat=max":[\d.]+\} with squall_connections 0/);
  });

  it('a dashboard dropped count never reset after a push is reported (checkpoint-heavy: dashboard); the real feed passes', { timeout: 60_000 }, async () => {
    const s = await scenario('checkpoint-heavy');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: droppedNeverReset });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/dashboard feed \(GET \/ui\/events, opened t=100\): the push at t=\d+ reports \d+ dropped events but carries only \d+ \(the fullest push carried 200\)/);
  });

  it('empty list parameters taken as values are reported at the end of the run (flaky-disk) and by the listing walk (retention); the real query passes', { timeout: 60_000 }, async () => {
    const end = await scenario('flaky-disk'); // the real system passes it: broken-api.test.ts
    const atEnd = await simVerdict(end, { wrapHttp: emptyParamsAsFilters });
    expect(atEnd.promises).toEqual(['api-contract']);
    expect(atEnd.text).toMatch(/GET \/api\/v1\/executions\?status=&taskId= was answered HTTP 400 at the end of the run/);
    const walk = await scenario('retention'); // the real system passes it: broken-retention.test.ts
    const during = await simVerdict(walk, { wrapHttp: emptyParamsAsFilters });
    expect(during.promises).toEqual(['api-contract']);
    expect(during.text).toMatch(/listing paged during the run \(3 per page, t=\d+\.\.\d+\): a page \(\?limit=3&status=&taskId=\) was answered HTTP 400: a valid page request must be answered/);
  });
});
