/**
 * HTTP-observable fields and answers (blind set 13 #19, #23, #24, #27, #30;
 * promise 29, api-contract), each broken variant injected around the
 * coordinator's HTTP handler (tests/sim/broken/api13-variants.ts) and
 * reported at seed 1 of the scenario that exercises it, where the real
 * system passes (asserted here for lone-worker and engine-features;
 * adversarial-clients in broken-api.test.ts):
 *
 * - lone-worker's gauge reads list its worker: lastSeenAt left at connect;
 * - adversarial-clients' token administrator revokes an unknown id: 200;
 * - engine-features submits 365 days ahead (refused past 30 days), cancels
 *   with a reason (dropped), and reads /ui/graph at the end (edges reversed).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { cancelReasonDropped, graphEdgesReversed, horizonThirtyDays, lastSeenAtConnect, unknownRevokeOk } from './broken/api13-variants.js';
import { simVerdict } from './broken/verdict.js';

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('api-contract: lastSeenAt, unknown revokes, the schedule horizon, cancel reasons and graph edges as clients see them', () => {
  it('a lastSeenAt that never follows traffic is reported (lone-worker: gauges); the real one passes', { timeout: 60_000 }, async () => {
    const s = await scenario('lone-worker');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: lastSeenAtConnect });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/GET \/api\/v1\/workers at t=\d+ lists w1 connected with lastSeenAt \d+, \d+ ms before the read/);
  });

  it('a revoke of an unknown token id answered 200 is reported (adversarial-clients: tokens)', { timeout: 60_000 }, async () => {
    const broken = await simVerdict(await scenario('adversarial-clients'), { wrapHttp: unknownRevokeOk });
    // Its made-up answer echoes the id asked for, a whole bearer token when the probe revokes by token: promise 8's scan of answers sees that too.
    expect(broken.promises).toEqual(['api-contract', 'auth']);
    expect(broken.text).toMatch(/an id no token has, was answered 200: a revoke of an unknown id is answered 404 not_found/);
  });

  it('a refused 365-day-ahead submission, a dropped cancel reason and reversed graph edges are reported (engine-features); the real system passes', { timeout: 90_000 }, async () => {
    const s = await scenario('engine-features');
    expect((await simVerdict(s)).text).toBe('');
    const horizon = await simVerdict(s, { wrapHttp: horizonThirtyDays });
    expect(horizon.promises).toContain('api-contract');
    expect(horizon.text).toMatch(/submission far-dated#1 \(scheduledAt within the documented limit.*\) was refused 400 invalid_argument/);
    const reason = await simVerdict(s, { wrapHttp: cancelReasonDropped });
    expect(reason.promises).toEqual(['api-contract']);
    expect(reason.text).toMatch(/cancelled by the client at t=\d+ with reason "cancelled by the workload <b data-injected>&amp;<\/b>", reads at the end with error \{"code":"cancelled","message":"cancelled by request"\}/);
    const edges = await simVerdict(s, { wrapHttp: graphEdgesReversed });
    expect(edges.promises).toEqual(['api-contract']);
    expect(edges.text).toMatch(/GET \/ui\/graph\/\w+: edge \[\w+, \w+\] is not a submitted dependency/);
  });
});
