/**
 * The HTTP layer on the simulated client's path (issue 10; promise 29,
 * harness/check/promises-api.ts): disk-full refuses submissions with
 * store_unavailable through coordinator.handleHttp, so a wrong status for
 * that code (set-4 defect 22: 500 instead of 503) is reported, and the real
 * mapping passes. And adversarial-clients revokes the client's token for a
 * second: a token store that forgets revocations (set-4 defect 21) is reported.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { forgetsRevocation, withStatusOf } from './broken/api-variants.js';
import { simVerdict } from './broken/verdict.js';

const FILE = join(import.meta.dirname, '..', '..', 'scenarios', 'disk-full.yaml');
const ADVERSARIAL = join(import.meta.dirname, '..', '..', 'scenarios', 'adversarial-clients.yaml');

describe('api-contract: the simulated client goes through the HTTP handler', () => {
  it('store_unavailable answered 500 instead of 503 is reported; the real mapping passes', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(FILE);
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const broken = await withStatusOf('store_unavailable', 500, () => simVerdict(scenario));
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/refused with HTTP 500 store_unavailable: the contract says 503/);
  });

  it('a revoked token that still authenticates is reported (adversarial-clients: revoke_token); the real store passes', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario(ADVERSARIAL);
    const real = await simVerdict(scenario);
    expect(real.text).toBe('');
    const broken = await simVerdict(scenario, { wrapTokens: forgetsRevocation });
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/with the client's token, revoked at t=\d+, was acknowledged: a revoked token must be refused/);
  });
});
